import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodePlain, parseCorpusConfig, readBookStatus, recordStage, IMAGE } from '@mtb/core';
import { readNodes, runTokensStage } from '@mtb/image-tokens';
import { htmlTextWithImageMarkers, nodesTextWithImageMarkers } from './reference-text.js';

const config = parseCorpusConfig({});

async function png(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 37) % 251;
  return sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

describe('mtb tokens stage', () => {
  let corpus: string;
  beforeEach(() => { corpus = mkdtempSync(join(tmpdir(), 'tokens-')); });
  afterEach(() => rmSync(corpus, { recursive: true, force: true }));

  function book(id: string, html: string, images: Record<string, Buffer> = {}): string {
    const dir = join(corpus, 'build', id);
    mkdirSync(join(dir, 'images'), { recursive: true });
    writeFileSync(join(dir, 'book.html'), html);
    for (const [name, bytes] of Object.entries(images)) writeFileSync(join(dir, 'images', name), bytes);
    return dir;
  }

  it('writes one node per block and image, with token counts, embedded bytes and image paths', async () => {
    const small = await png(200, 150);
    const html = `<article data-book="obstetrics"><section data-page="1"><h1>Labour</h1>
      <p>The first stage of labour ends at full cervical dilatation.</p>
      <figure><img src="images/p1-1.png" width="200" height="150"><figcaption>Figure 1.1 Cervix.</figcaption></figure>
      <p data-role="page-number">1</p></section></article>`;
    const dir = book('obstetrics', html, { 'p1-1.png': small });
    const status = await runTokensStage(dir, { config, quiet: true });
    expect(status.state).toBe('ok');
    const rows = readNodes(join(dir, 'nodes.arrow'));
    expect(rows.map((r) => [r.seq, r.page, r.kind, r.role])).toEqual([
      [0, 1, 'text', 'heading'], [1, 1, 'text', 'body'], [2, 1, 'image', 'body'], [3, 1, 'text', 'caption'], [4, 1, 'text', 'page-number'],
    ]);
    for (const r of rows.filter((x) => x.kind === 'text')) expect(r.num_tokens).toBe(encodePlain(r.text).length);
    const img = rows[2]!;
    expect([img.image_path, img.width, img.height, img.num_tokens, img.text]).toEqual(['obstetrics/p1-1.png', 200, 150, 0, '']);
    expect(Buffer.from(img.image_bytes!).equals(small)).toBe(true);
    expect(status.counts).toMatchObject({ 'nodes.text': 4, 'nodes.image': 1, 'images.reencoded': 0, pages: 1 });
    expect(readBookStatus(join(dir, 'status'), 'obstetrics').stages.tokens!.state).toBe('ok');
    expect(nodesTextWithImageMarkers(rows)).toBe(htmlTextWithImageMarkers(html));
  });

  it('stores the roles, heading levels, figure numbers and OCR flags of the book.html contract', async () => {
    const html = `<article data-book="hand"><section data-page="3"><h1>11 The hand</h1><h2>11.1 Bones</h2>
      <p>The bones of the hand are shown in Figure 11.2.</p><ul><li>Metacarpals</li><li>Humerus</li></ul>
      <table><caption>Table 11.1 Bones counted.</caption><tr><th>Bone</th><th>Count</th></tr><tr><td>Phalanges</td><td>14</td></tr></table>
      <p data-role="note">See chapter 3.</p><p data-role="footnote">1 After Gray.</p><p data-ocr="1">Scanned text.</p>
      <figure data-bbox="1,2,3,4"><img src="images/p3-1.png" width="200" height="150"><figcaption>Figure 11.2 Bones of the hand.</figcaption></figure>
      <figure><pre>bones = 27</pre><figcaption>Figure 11.3 Counting them.</figcaption></figure>
      <p data-role="header">Anatomy</p></section></article>`;
    const dir = book('hand', html, { 'p3-1.png': await png(200, 150) });
    await runTokensStage(dir, { config, quiet: true });
    const rows = readNodes(join(dir, 'nodes.arrow'));
    expect(rows.map((r) => [r.role, r.level, r.figure, r.ocr, r.kind === 'image' ? 'IMG' : r.text])).toEqual([
      ['heading', 1, 0, false, '11 The hand'], ['heading', 2, 0, false, '11.1 Bones'],
      ['body', 0, 0, false, 'The bones of the hand are shown in Figure 11.2.'],
      ['list-item', 0, 0, false, 'Metacarpals'], ['list-item', 0, 0, false, 'Humerus'],
      ['caption', 0, 0, false, 'Table 11.1 Bones counted.'], ['table', 0, 0, false, 'Bone | Count'], ['table', 0, 0, false, 'Phalanges | 14'],
      ['note', 0, 0, false, 'See chapter 3.'], ['footnote', 0, 0, false, '1 After Gray.'], ['body', 0, 0, true, 'Scanned text.'],
      ['body', 0, 1, false, 'IMG'], ['caption', 0, 1, false, 'Figure 11.2 Bones of the hand.'],
      ['code', 0, 2, false, 'bones = 27'], ['caption', 0, 2, false, 'Figure 11.3 Counting them.'], ['header', 0, 0, false, 'Anatomy'],
    ]);
    expect(nodesTextWithImageMarkers(rows)).toBe(htmlTextWithImageMarkers(html));
  });

  it('re-encodes an image that is not in shard form and names it by its new extension', async () => {
    const big = await sharp(await png(900, 700)).webp().toBuffer();
    const dir = book('big', `<article><section data-page="2"><img src="images/p2-1.webp"></section></article>`, { 'p2-1.webp': big });
    const status = await runTokensStage(dir, { config, quiet: true });
    const [row] = readNodes(join(dir, 'nodes.arrow'));
    expect(row!.image_path).toMatch(/^big\/p2-1\.(jpg|png)$/);
    expect(Math.min(row!.width, row!.height)).toBe(config.maxImageSide);
    expect((await sharp(row!.image_bytes!).metadata()).width).toBe(row!.width);
    expect(status.counts['images.reencoded']).toBe(1);
  });

  it('leaves out missing, undecodable and escaping images and names each in the status', async () => {
    const dir = book('bad', `<article><section data-page="1"><p>Text about the kidney and the ureter.</p>
      <img src="images/missing.png"><img src="images/p1-2.png"><img src="../../../etc/passwd"></section></article>`,
    { 'p1-2.png': Buffer.from('not a png') });
    const status = await runTokensStage(dir, { config, quiet: true });
    expect(status.state).toBe('ok');
    expect(status.counts['images.unreadable']).toBe(3);
    expect(status.details.join('\n')).toMatch(/missing\.png[\s\S]*p1-2\.png[\s\S]*escapes its root/);
    expect(readNodes(join(dir, 'nodes.arrow')).map((r) => r.kind)).toEqual(['text']);
  });

  it('neutralizes a literal <image> in book text so it never becomes an image marker', async () => {
    const dir = book('lit', `<article><section data-page="1"><p>Type &lt;image&gt; here</p></section></article>`);
    await runTokensStage(dir, { config, quiet: true });
    const [row] = readNodes(join(dir, 'nodes.arrow'));
    expect(row!.text).not.toContain(IMAGE);
  });

  it('skips with an empty nodes.arrow when an upstream stage failed, but not for its own old failure', async () => {
    const dir = book('skip', `<article><section data-page="1"><p>text</p></section></article>`);
    recordStage(join(dir, 'status'), 'skip', { stage: 'tokens', state: 'failed', error: { class: 'internal', message: 'old run' }, counts: {}, details: [] });
    expect((await runTokensStage(dir, { config, quiet: true })).state).toBe('ok');
    recordStage(join(dir, 'status'), 'skip', { stage: 'html', state: 'failed', error: { class: 'encrypted', message: 'skip.pdf is encrypted' }, counts: {}, details: [] });
    const status = await runTokensStage(dir, { config, quiet: true });
    expect(status.state).toBe('skipped');
    expect(status.details[0]).toMatch(/html.*encrypted/);
    expect(readNodes(join(dir, 'nodes.arrow'))).toEqual([]);
  });

  it('gives byte-identical nodes.arrow on a rerun', async () => {
    const dir = book('det', `<article><section data-page="1"><p>Stable text.</p><img src="images/p1-1.png"></section></article>`, { 'p1-1.png': await png(120, 130) });
    await runTokensStage(dir, { config, quiet: true });
    const first = readFileSync(join(dir, 'nodes.arrow'));
    await runTokensStage(dir, { config, quiet: true });
    expect(readFileSync(join(dir, 'nodes.arrow')).equals(first)).toBe(true);
  });

  it('reports a missing book.html as a usage error naming the command to run', async () => {
    const dir = join(corpus, 'build', 'nohtml');
    mkdirSync(dir, { recursive: true });
    await expect(runTokensStage(dir, { config, quiet: true })).rejects.toThrow(/book\.html does not exist: run `mtb pdf-html/);
  });

  it('refuses a folder that is not <corpus>/build/<bookId>', async () => {
    await expect(runTokensStage(join(corpus, 'Not A Book'), { config })).rejects.toThrow(/invalid book id/);
    mkdirSync(join(corpus, 'elsewhere', 'abc'), { recursive: true });
    await expect(runTokensStage(join(corpus, 'elsewhere', 'abc'), { config })).rejects.toThrow(/not a book build folder/);
  });
});
