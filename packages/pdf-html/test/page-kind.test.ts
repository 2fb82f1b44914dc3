import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCorpusConfig } from '@mtb/core';
import { buildLines } from '../src/layout/lines.js';
import { normalizeText } from '../src/layout/text.js';
import { fontScript } from '../src/ocr/font-script.js';
import { classifyPage, imageCover, type OcrMode } from '../src/ocr/page-kind.js';
import { openPdf } from '../src/pdfjs/document.js';
import { readPage } from '../src/pdfjs/page.js';
import { line } from './fixtures.js';

const config = parseCorpusConfig({});
const PAGE = { width: 612, height: 792 };
const prose = Array.from({ length: 30 }, (_, i) => line('The left ventricle pumps oxygenated blood into the aorta during systole.', 72, 90 + 20 * i));

function kind(lines: ReturnType<typeof line>[], imageBoxes: Array<{ x: number; y: number; w: number; h: number }>, mode: OcrMode = 'auto') {
  return classifyPage({ ...PAGE, lines, imageBoxes }, mode, config);
}

describe('classifyPage on hand-made pages', () => {
  const scan = [{ x: 0, y: 0, w: 612, h: 792 }];
  it('no text layer and a page-sized image: scanned; a stamp line does not make it text', () => {
    expect(kind([], scan)).toBe('scanned');
    expect(kind([line('Downloaded from the archive 2019', 72, 780, 7)], scan)).toBe('scanned');
  });
  it('a page of photos with margins, or a text page with a figure: text', () => {
    expect(kind([], [{ x: 72, y: 72, w: 468, h: 340 }])).toBe('text');
    expect(kind(prose, [{ x: 72, y: 400, w: 468, h: 300 }])).toBe('text');
  });
  it('a text layer of symbols and glued words: garbled; dot leaders and glyph markers are not', () => {
    const broken = Array.from({ length: 20 }, (_, i) => line('Í∆∆###((ØK ¥ ̧†EÍ ¶ %3*(-./5)& ! $ & ( ) % * + | & 2 % \' 3', 72, 90 + 20 * i));
    expect(kind(broken, [])).toBe('garbled');
    const glued = Array.from({ length: 20 }, (_, i) => line('OverviewoftheTechnologyAcceptanceModelOriginsDevelopmentsandFutureDirections', 72, 90 + 20 * i));
    expect(kind(glued, [])).toBe('garbled');
    const contents = Array.from({ length: 20 }, (_, i) => line(`${i + 1} Hypertension and the Heart ........................................................ ${3 * i + 1}`, 72, 90 + 20 * i));
    expect(kind(contents, [])).toBe('text');
    const markers = [...prose.slice(0, 5), ...Array.from({ length: 40 }, (_, i) => line('l ll lll', 100 + i, 400 + 5 * i, 6))];
    expect(kind(markers, [])).toBe('text');
  });
  it('a title set letter-spaced ("J E R E M Y") is text; a stream of lone glyphs is garbled', () => {
    const title = [
      line('J E R E M Y R . M A N N I N G , P H . D .', 72, 84, 16),
      line('L A B M A N U A L', 72, 261, 32),
      line('C O N T E X T U A L D Y N A M I C S L A B , D A R T M O U T H C O L L E G E', 72, 684, 12.5),
    ];
    expect(kind(title, [])).toBe('text');
    expect(kind([...prose.slice(0, 3), line('t h e l e f t v e n t r i c l e', 72, 400)], [])).toBe('text');
    const glyphs = Array.from({ length: 20 }, (_, i) => line('Ù õ œ K Ø ò Ç ß å Ü è ÿ the ¥ ¸ † E Í y', 72, 90 + 20 * i));
    expect(kind(glyphs, [])).toBe('garbled');
    const repeated = Array.from({ length: 20 }, (_, i) => line('K K K K Q Q Q Q X X X X Z Z Z Z', 72, 90 + 20 * i));
    expect(kind(repeated, [])).toBe('garbled');
  });
  it('a page of mathematics is text: formulas (exponents raised as the layout marks them) are no broken font', () => {
    const formulas = [
      'b = λ1λ2 = |λ1|\uE0002\uE001 = |λ2|\uE0002\uE001.',
      'a2 − 4b = (|a| − 2)\uE0002\uE001 − 4(1 + b − |a|).',
      '1 + b − |a| > 0 ⟹ 1 + b − a > 0 and 1 + b + a > 0.',
      '= 1 ⟹ |a|−2 = −√|a|2 − 4b ⟹ |a|2−4|a|+4 = |a|2−4b ⟹ |a| = b+1.',
    ];
    const page = [...prose.slice(0, 6), ...Array.from({ length: 24 }, (_, i) => line(formulas[i % formulas.length]!, 150, 220 + 20 * i))];
    expect(kind(page, [])).toBe('text');
  });
  it('"off" never OCRs, "force" OCRs every page', () => {
    expect(kind([], scan, 'off')).toBe('text');
    expect(kind(prose, [], 'force')).toBe('forced');
    expect(kind([], scan, 'force')).toBe('scanned');
  });
  it('image cover counts overlaps once', () => {
    expect(imageCover([{ x: 0, y: 0, w: 306, h: 792 }, { x: 0, y: 0, w: 306, h: 792 }], 612, 792)).toBeCloseTo(0.5, 2);
  });
});

async function realKinds(file: string, pages: number[]): Promise<string[]> {
  const doc = await openPdf(new Uint8Array(readFileSync(file)), file, { maxImageSize: 1e8 });
  try {
    const out: string[] = [];
    for (const n of pages) {
      const page = await doc.getPage(n);
      const c = await readPage(page, normalizeText);
      const kind = classifyPage({ width: c.width, height: c.height, lines: buildLines(c.runs), imageBoxes: c.draws.map((d) => d.box) }, 'auto', config);
      const script = fontScript(c.fonts());
      out.push(script ? `${kind} ${script.language}` : kind);
      page.cleanup();
    }
    return out;
  } finally {
    await doc.destroy();
  }
}

describe('fontScript', () => {
  it('tells a CJK script from its faces when they set a quarter of the page, and nothing from Latin faces', () => {
    expect(fontScript({ SimSun: 300, KaiTi: 20, CMMI12: 140, CMR12: 60 })).toEqual({ language: 'chi_sim', name: 'Simplified Chinese', font: 'SimSun' });
    expect(fontScript({ 'MS-Mincho': 500, 'Times-Roman': 100 })?.language).toBe('jpn');
    expect(fontScript({ 'Malgun Gothic': 400 })?.language).toBe('kor');
    expect(fontScript({ PMingLiU: 400 })?.language).toBe('chi_tra');
    expect(fontScript({ 'SimSun,Bold': 400 })?.language).toBe('chi_sim');
    // A few symbols borrowed from a CJK face do not make the page Chinese.
    expect(fontScript({ 'Times-Roman': 1000, SimSun: 20 })).toBeUndefined();
    expect(fontScript({ 'Times-Roman': 1000, Helvetica: 300 })).toBeUndefined();
    expect(fontScript({})).toBeUndefined();
  });
});

describe('classifyPage on real pages', () => {
  it('a generated textbook: its contents page (dot leaders) and body pages are text', async () => {
    expect(await realKinds(resolve('datasets/sample/pdf/cardiology-essentials.pdf'), [3, 5, 9])).toEqual(['text', 'text', 'text']);
  });

  const corpus = resolve(process.cwd(), '../shared/corpus');
  (existsSync(corpus) ? it : it.skip)('corpus pages: a broken text layer is garbled, a photo page and a plot of glyph markers are text', async () => {
    // Set in SimSun and KaiTi: OCR reads it as Chinese.
    expect(await realKinds(join(corpus, 'pdf/broken-encoding-textbook.pdf'), [1])).toEqual(['garbled chi_sim']);
    expect(await realKinds(join(corpus, 'pdf/tam-review.pdf'), [2])).toEqual(['garbled']);
    expect(await realKinds(join(corpus, 'layout/pdf/bb511-ion-transport.pdf'), [10])).toEqual(['text']);
    expect(await realKinds(join(corpus, 'layout/pdf/wtfgenes-preprint.pdf'), [5])).toEqual(['text']);
    // Its title page is set letter-spaced.
    expect(await realKinds(join(corpus, 'layout/pdf/cdl-lab-manual.pdf'), [1])).toEqual(['text']);
  });
});
