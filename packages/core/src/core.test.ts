import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseCorpusConfig, loadCorpusConfig, describeCorpusConfig, ConfigError,
  slugify, bookIdFromPath, isValidBookId,
  writeFileAtomic, writeFileIfChanged,
  encodePlain, encodeWithSpecials, decode, BOS_ID, EOS_ID, IMAGE_ID, ENDOFCHUNK_ID, PAD_ID,
  recordStage, readBookStatus, safeJoin, unitInterval, letterSpacedTokens, strayCharShare,
  wordCount, garbledReason, isFormula, isGarbledPage, isGarbledPageText,
} from './index.js';

describe('Chinese and Japanese text', () => {
  // OCR of broken-encoding-textbook.pdf (chi_sim): tesseract spaces some characters apart, and joined lines run long.
  const spaced = '第 一 题. 设 六, 2, za 是 单位 复数. 证 明 存 在 单位 复数 > 使得: 存 在 一 个白格至少 与 两个黑 格相邻';
  const tight = '第三题. 给定正整数 m,n, 考虑在 m×n 白棋盘上先将一些格染成黑色. 在之后的每一时刻, 若存在一个白格至少与两个黑格相邻, 则可将它也染成黑色. 求最初至少要染多少个黑色格才能在某一时刻染黑整个棋盘?';

  it('counts each character as a word, and what stands between them as one word each', () => {
    expect(wordCount('数学新星问题征解')).toBe(8);
    expect(wordCount('第十五期(2016.06) 主持')).toBe(4 + 1 + 2);
    expect(wordCount('ひらがなとカタカナ')).toBe(9);
    // Korean spaces its words.
    expect(wordCount('한국어 문장입니다')).toBe(2);
  });

  it('takes neither lone characters for stray glyphs nor long runs for words run together', () => {
    const config = parseCorpusConfig({});
    expect(strayCharShare(spaced)).toBeLessThan(0.1);
    expect(garbledReason(spaced, config)).toBeNull();
    expect(garbledReason(tight, config)).toBeNull();
    // A broken Latin layer is still caught.
    expect(garbledReason('the d x of q r is t b w k the z and p v of y h in l g', config)).toBe('garbled-stray-chars');
  });
});

describe('a page of mathematics', () => {
  // ma32009-math-biology p. 37, as pdf-html gives its blocks: prose between display formulas.
  const page = [
    '2.2.5 Proof of the Jury conditions', 'The roots of P (λ) are', '√', 'λ1,2 =', '−a ± a2 − 4b 2', '.',
    '2.2.6 Complex roots', 'Suppose a2 − 4b < 0. The roots are complex. Since b is equal to the product of the roots, we find that',
    'b = λ1λ2 = |λ1|2 = |λ22|.', 'Hence λi < 1 ∀ i if and only if b < 1.', 'For the other conditions we introduce the identity:',
    'a2 − 4b = (|a| − 2)2 − 4(1 + b − |a|).', 'Therefore, when a2 − 4b < 0, the inequality requires (|a| − 2)2 − 4(1 + b − |a|) < 0.',
    'This can only occur if 1 + b − |a| > 0 ⟹ 1 + b − a > 0 and 1 + b + a > 0.',
    '= 1 ⟹ |a|−2 = −√|a|2 − 4b ⟹ |a|2−4|a|+4 = |a|2−4b ⟹ |a| = b+1.',
  ];

  it('is no broken text layer: its formulas are mathematics, not stray symbols', () => {
    const config = parseCorpusConfig({});
    expect(isFormula('a2 − 4b = (|a| − 2)2 − 4(1 + b − |a|).')).toBe(true);
    expect(garbledReason('= 1 ⟹ |a|−2 = −√|a|2 − 4b ⟹ |a|2−4|a|+4 = |a|2−4b ⟹ |a| = b+1.', config)).toBe('garbled-symbols');
    expect(isGarbledPage(page, config)).toBe(false);
    // Read as one block with its formulas, as the filter stage read it before, the page passes for a broken layer.
    expect(isGarbledPageText(page.join('\n'), config)).toBe(true);
  });

  it('takes no Latin-1 mis-mapping for a formula, though it holds ± × ÷ among its letters', () => {
    expect(isFormula('Ì±×ÊÏ÷ ÒÀ = ÕÂÎÄ')).toBe(false);
    expect(isFormula('the rate r = 0.5 × N')).toBe(true);
  });

  it('strictly, takes a formula for one only when every letter is Latin without accents, Greek or a math alphabet', () => {
    expect(isFormula('e−aP∗ = 1 R0 .', { strict: true })).toBe(true);
    expect(isFormula('P(Oi = 1|Hi = 0, α) = α', { strict: true })).toBe(true);
    // A mis-mapped font: half its letters plain, so loosely a formula; strictly not.
    expect(isFormula('ÜÇ = QI2')).toBe(true);
    expect(isFormula('ÜÇ = QI2', { strict: true })).toBe(false);
    expect(isFormula('! % 7 <', { strict: true })).toBe(false);
  });
});

describe('letter-spaced text', () => {
  it('a title set letter-spaced is words, not lone glyphs; variables, initials and glyph soup are not letter-spaced', () => {
    const title = 'J E R E M Y R . M A N N I N G , P H . D .';
    expect(letterSpacedTokens(title.split(' ')).size).toBe(17);
    expect(strayCharShare(title)).toBe(0);
    expect(letterSpacedTokens('let x y z w be the axes'.split(' ')).size).toBe(0);
    expect(letterSpacedTokens('by J. R. R. Tolkien'.split(' ')).size).toBe(0);
    expect(letterSpacedTokens('K K K K Q Q'.split(' ')).size).toBe(0);
    expect(letterSpacedTokens('Ù õ œ K Ø ò Ç ß å'.split(' ')).size).toBe(0);
  });
});

describe('corpus config', () => {
  it('fills every default and documents every key', () => {
    const cfg = parseCorpusConfig({});
    expect(cfg.maxTokens).toBe(1024);
    expect(cfg.maxImages).toBe(10);
    expect(cfg.evalFraction).toBe(0.05);
    for (const d of describeCorpusConfig()) expect(d.description.length).toBeGreaterThan(10);
  });
  it('rejects unknown keys naming the key and the file', () => {
    expect(() => parseCorpusConfig({ maxToken: 5 }, '/x/corpus.json')).toThrow(/corpus\.json.*"maxToken"/s);
  });
  it('rejects invalid values naming the key', () => {
    expect(() => parseCorpusConfig({ maxTokens: -1 }, 'c.json')).toThrow(ConfigError);
    expect(() => parseCorpusConfig({ maxTokens: -1 }, 'c.json')).toThrow(/"maxTokens"/);
  });
  it('reports broken JSON with the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'corpus.json'), '{ nope');
    expect(() => loadCorpusConfig(join(dir, 'corpus.json'))).toThrow(/corpus\.json: not valid JSON/);
  });
});

describe('book ids', () => {
  it('slugs file stems', () => {
    expect(slugify('Gray’s Anatomy (41st Ed.)')).toBe('gray-s-anatomy-41st-ed');
    expect(bookIdFromPath('/a/b/Café Médical.PDF')).toBe('cafe-medical');
    expect(isValidBookId('../etc')).toBe(false);
    expect(isValidBookId('ok-book-2')).toBe(true);
  });
});

describe('atomic writes', () => {
  it('leaves no temp file and rewrites only on change', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
    const f = join(dir, 'a.json');
    writeFileAtomic(f, 'one');
    expect(readFileSync(f, 'utf8')).toBe('one');
    expect(writeFileIfChanged(f, 'one')).toBe(false);
    expect(writeFileIfChanged(f, 'two')).toBe(true);
    expect(readdirSync(dir)).toEqual(['a.json']);
  });
});

describe('tokenizer', () => {
  it('frames with BOS/EOS and maps special markers to their ids', () => {
    const ids = encodeWithSpecials('Intro <image>Figure 1 shows the heart.<|endofchunk|>');
    expect(ids[0]).toBe(BOS_ID);
    expect(ids[ids.length - 1]).toBe(EOS_ID);
    expect(ids.filter((i) => i === IMAGE_ID)).toHaveLength(1);
    expect(ids.filter((i) => i === ENDOFCHUNK_ID)).toHaveLength(1);
    expect(decode(ids)).toContain('<image>');
  });
  it('never produces special ids from ordinary text', () => {
    const ids = encodePlain('a literal <image> and <|endofchunk|> and <PAD> in prose');
    expect(ids.some((i) => i >= 32000)).toBe(false);
  });
  it('matches known LLaMA ids', () => {
    // "Hello world" in the LLaMA vocabulary, with the sentencepiece dummy prefix.
    expect(encodePlain('Hello world')).toEqual([15043, 3186]);
    expect(PAD_ID).toBe(32002);
  });
});

describe('status.json', () => {
  it('records stages and derives the book state', () => {
    const dir = mkdtempSync(join(tmpdir(), 'status-'));
    const f = join(dir, 'status');
    recordStage(f, 'b', { stage: 'html', state: 'ok', counts: { pages: 3 }, details: [] });
    expect(readBookStatus(f, 'b').state).toBe('ok');
    recordStage(f, 'b', { stage: 'html', state: 'partial', counts: { pages: 2, 'pages.missing': 1 }, details: ['x.pdf is damaged'] });
    expect(readBookStatus(f, 'b').state).toBe('partial');
    recordStage(f, 'b', { stage: 'tokens', state: 'failed', error: { class: 'corrupt', message: 'x' }, counts: {}, details: [] });
    expect(readBookStatus(f, 'b').state).toBe('failed');
  });
});

describe('paths', () => {
  it('refuses escapes', () => {
    expect(() => safeJoin('/root/x', '../y')).toThrow(/escapes/);
    expect(() => safeJoin('/root/x', '/etc/passwd')).toThrow(/escapes/);
    expect(safeJoin('/root/x', 'a/b.png')).toBe('/root/x/a/b.png');
  });
  it('unitInterval is deterministic and in range', () => {
    expect(unitInterval('k')).toBe(unitInterval('k'));
    expect(unitInterval('k')).toBeGreaterThanOrEqual(0);
    expect(unitInterval('k')).toBeLessThan(1);
  });
});

import sharp from 'sharp';
import { reencodeImage } from './index.js';

describe('reencodeImage', () => {
  const noise = (w: number, h: number, ch: 3 | 4, alpha = 255): Buffer => {
    const b = Buffer.alloc(w * h * ch);
    let s = 7;
    for (let i = 0; i < b.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      b[i] = ch === 4 && i % 4 === 3 ? alpha : s >>> 24;
    }
    return b;
  };
  it('downscales the shorter side to 512 and keeps photos as JPEG', async () => {
    const raw = noise(1200, 800, 3);
    const out = await reencodeImage({ data: raw, width: 1200, height: 800, channels: 3 });
    expect(out.ext).toBe('jpg');
    expect(out.height).toBe(512);
    expect(out.width).toBe(768);
    const meta = await sharp(out.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([768, 512]);
  });
  it('never upscales, and uses PNG for alpha and for line art', async () => {
    const rgba = await reencodeImage({ data: noise(200, 150, 4, 100), width: 200, height: 150, channels: 4 });
    expect(rgba.ext).toBe('png');
    expect([rgba.width, rgba.height]).toEqual([200, 150]);
    const lineArt = Buffer.alloc(300 * 300 * 3, 255);
    for (let i = 0; i < 300; i++) lineArt.fill(0, (i * 300 + 150) * 3, (i * 300 + 152) * 3);
    const la = await reencodeImage({ data: lineArt, width: 300, height: 300, channels: 3 });
    expect(la.ext).toBe('png');
  });
  it('is deterministic and refuses pixel bombs', async () => {
    const raw = noise(300, 300, 3);
    const a = await reencodeImage({ data: raw, width: 300, height: 300, channels: 3 });
    const b = await reencodeImage({ data: raw, width: 300, height: 300, channels: 3 });
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    const png = await sharp(raw, { raw: { width: 300, height: 300, channels: 3 } }).png().toBuffer();
    await expect(reencodeImage(new Uint8Array(png), { maxPixels: 1000 })).rejects.toThrow(/pixel/i);
    await expect(reencodeImage({ data: raw, width: 300, height: 300, channels: 3 }, { maxPixels: 1000 })).rejects.toThrow(/pixel/i);
    await expect(reencodeImage({ data: raw.subarray(0, 100), width: 300, height: 300, channels: 3 })).rejects.toThrow(/too short/);
  });
  it('drops an alpha channel that is fully opaque, and stores grey pixels as one channel', async () => {
    const opaque = await reencodeImage({ data: noise(200, 150, 4, 255), width: 200, height: 150, channels: 4 });
    expect(opaque.ext).toBe('jpg');
    expect((await sharp(opaque.bytes).metadata()).channels).toBe(3);
    // pdf.js hands grey images over as RGB.
    const grey = noise(400, 300, 3);
    for (let i = 0; i < grey.length; i += 3) grey[i + 1] = grey[i + 2] = grey[i]!;
    const g = await reencodeImage({ data: grey, width: 400, height: 300, channels: 3 });
    expect(g.ext).toBe('jpg');
    expect((await sharp(g.bytes).metadata()).channels).toBe(1);
  });
  it('decodes an encoded file once: orientation, size limit and the PNG choice as for raw pixels', async () => {
    const rgba = noise(900, 600, 4, 255);
    rgba[3] = 0;
    const file = await sharp(rgba, { raw: { width: 900, height: 600, channels: 4 } }).png().toBuffer();
    const out = await reencodeImage(new Uint8Array(file));
    expect([out.ext, out.width, out.height]).toEqual(['png', 768, 512]);
    const rotated = await sharp(noise(600, 300, 3), { raw: { width: 600, height: 300, channels: 3 } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const r = await reencodeImage(new Uint8Array(rotated));
    expect([r.ext, r.width, r.height]).toEqual(['jpg', 300, 600]);
  });
});
