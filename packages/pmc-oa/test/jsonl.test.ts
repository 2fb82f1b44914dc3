import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJsonlLines, countLines, type JsonlLine } from '../src/jsonl.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pmc-jsonl-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function lines(content: string | Buffer, opts = {}): Promise<JsonlLine[]> {
  const file = join(dir, `f${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(file, content);
  const out: JsonlLine[] = [];
  for await (const l of readJsonlLines(file, opts)) out.push(l);
  return out;
}

describe('readJsonlLines', () => {
  it('yields lines with 1-based physical line numbers, skipping blank lines', async () => {
    expect(await lines('{"a":1}\n\n  \n{"b":2}\n')).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 4, text: '{"b":2}' },
    ]);
  });

  it('accepts CRLF, a byte-order mark and a last line without newline', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(await lines(Buffer.concat([bom, Buffer.from('{"a":1}\r\n{"b":"é"}')]))).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, text: '{"b":"é"}' },
    ]);
  });

  it('reassembles lines and multi-byte characters split across read chunks', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => JSON.stringify({ image: `PMC${i}_f.jpg`, caption: `Coupe axiale — lésion ${i} µm` }));
    const got = await lines(rows.join('\n'), { highWaterMark: 7 });
    expect(got.map((l) => ('text' in l ? l.text : null))).toEqual(rows);
  });

  it('skips an over-long line without buffering it and carries on', async () => {
    const long = 'x'.repeat(5000);
    const got = await lines(`{"a":1}\n${long}\n{"b":2}\n${long}`, { maxLineBytes: 1000, highWaterMark: 256 });
    expect(got).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, tooLong: true, bytes: 5000 },
      { line: 3, text: '{"b":2}' },
      { line: 4, tooLong: true, bytes: 5000 },
    ]);
  });

  it('handles an empty file', async () => {
    expect(await lines('')).toEqual([]);
  });
});

describe('countLines', () => {
  it('counts newline-terminated and unterminated last lines', async () => {
    const a = join(dir, 'a.jsonl');
    writeFileSync(a, 'x\ny\n');
    const b = join(dir, 'b.jsonl');
    writeFileSync(b, 'x\ny\nz');
    const c = join(dir, 'c.jsonl');
    writeFileSync(c, '');
    expect([await countLines(a), await countLines(b), await countLines(c)]).toEqual([2, 3, 0]);
  });
});
