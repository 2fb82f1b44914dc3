import { OcrEngine } from '../src/ocr/engine.js';

// A blank page: tesseract starts, reads nothing, and goes idle.
const blank = { data: new Uint8Array(200 * 200).fill(255), width: 200, height: 200, dpi: 150 };
const engine = new OcrEngine(['eng'], 1, 100);
const seen: number[] = [];
await engine.recognize(blank);
seen.push(engine.liveWorkers);
await new Promise((r) => setTimeout(r, 600));
seen.push(engine.liveWorkers);
// The next page starts a worker again.
await engine.recognize(blank);
seen.push(engine.liveWorkers);
await engine.close();
seen.push(engine.liveWorkers);
process.stdout.write(JSON.stringify(seen));
