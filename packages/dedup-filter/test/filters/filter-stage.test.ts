import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { parseCorpusConfig, readBookStatus, recordStage } from '@mtb/core';
import { readNodes, writeNodes } from '@mtb/image-tokens';
import { runFilterStage, type DropList } from '@mtb/dedup-filter';
import { BookBuilder, PROSE } from './book-builder.js';

const config = parseCorpusConfig({});

async function pixels(width: number, height: number, textured: boolean): Promise<Uint8Array> {
  const raw = Buffer.alloc(width * height * 3, 255);
  if (textured) for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919) % 256;
  return new Uint8Array(await sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer());
}

describe('mtb filter stage', () => {
  let corpus: string;
  beforeEach(() => { corpus = mkdtempSync(join(tmpdir(), 'filter-')); });
  afterEach(() => rmSync(corpus, { recursive: true, force: true }));

  async function bookDir(id: string): Promise<{ dir: string; book: BookBuilder }> {
    const dir = join(corpus, 'build', id);
    mkdirSync(dir, { recursive: true });
    const book = new BookBuilder().bodyPage(PROSE.slice(0, 3)).image(300, 300).image(300, 300).text('Figure 2.1 A renal cyst.', 'caption').text('Too short').nextPage();
    const [blank, photo] = book.nodes.filter((n) => n.kind === 'image');
    blank!.image_bytes = await pixels(300, 300, false);
    photo!.image_bytes = await pixels(300, 300, true);
    writeNodes(join(dir, 'nodes.arrow'), book.nodes);
    return { dir, book };
  }

  it('writes kept.arrow with the surviving nodes and their seqs, drops.json and the counts by reason', async () => {
    const { dir, book } = await bookDir('renal');
    const status = await runFilterStage(dir, { config });
    const kept = readNodes(join(dir, 'kept.arrow'));
    const list = JSON.parse(readFileSync(join(dir, 'drops.json'), 'utf8')) as DropList;
    expect(list.bookId).toBe('renal');
    expect(list.drops).toEqual([
      { seq: 0, reason: 'furniture-header' }, { seq: 4, reason: 'furniture-footer' }, { seq: 5, reason: 'furniture-page-number' },
      { seq: 6, reason: 'image-uniform' }, { seq: 9, reason: 'fragment' },
    ]);
    expect(list.counts).toEqual({ 'furniture-footer': 1, 'furniture-header': 1, 'furniture-page-number': 1, fragment: 1, 'image-uniform': 1 });
    expect(kept.map((n) => n.seq)).toEqual([1, 2, 3, 7, 8]);
    expect(Buffer.from(kept[3]!.image_bytes!).equals(Buffer.from(book.nodes[7]!.image_bytes!))).toBe(true);
    expect(status.state).toBe('ok');
    expect(status.counts).toMatchObject({
      'nodes.in': 10, 'nodes.kept': 5, 'images.in': 2, 'images.kept': 1, 'drop.image-uniform': 1, 'drop-images.image-uniform': 1,
      'drop.fragment': 1, 'drop-tokens.fragment': book.nodes[9]!.num_tokens,
    });
    expect(status.counts['tokens.kept']).toBe(kept.reduce((s, n) => s + n.num_tokens, 0));
    expect(readBookStatus(join(dir, 'status'), 'renal').stages.filter!.counts).toEqual(status.counts);
  });

  it('gives byte-identical kept.arrow and drops.json on a rerun', async () => {
    const { dir } = await bookDir('again');
    await runFilterStage(dir, { config });
    const first = [readFileSync(join(dir, 'kept.arrow')), readFileSync(join(dir, 'drops.json'))];
    await runFilterStage(dir, { config });
    expect(readFileSync(join(dir, 'kept.arrow')).equals(first[0]!)).toBe(true);
    expect(readFileSync(join(dir, 'drops.json')).equals(first[1]!)).toBe(true);
  });

  it('skips with empty outputs after an upstream failure', async () => {
    const { dir } = await bookDir('failed');
    recordStage(join(dir, 'status'), 'failed', { stage: 'html', state: 'failed', error: { class: 'corrupt', message: 'failed.pdf: bad xref' }, counts: {}, details: [] });
    const status = await runFilterStage(dir, { config });
    expect(status.state).toBe('skipped');
    expect(readNodes(join(dir, 'kept.arrow'))).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'drops.json'), 'utf8'))).toEqual({ bookId: 'failed', drops: [], counts: {} });
  });

  it('reads the corpus settings from corpus.json and refuses a language franc cannot identify', async () => {
    const { dir } = await bookDir('settings');
    writeFileSync(join(corpus, 'corpus.json'), JSON.stringify({ minWords: 0, minImageStddev: 0 }));
    const status = await runFilterStage(dir);
    expect(status.counts['drop.fragment']).toBeUndefined();
    expect(status.counts['drop.image-uniform']).toBeUndefined();
    writeFileSync(join(corpus, 'corpus.json'), JSON.stringify({ languages: ['eng', 'xyz'] }));
    await expect(runFilterStage(dir)).rejects.toThrow(/"xyz" cannot be identified/);
  });

  it('names the command to run when nodes.arrow is missing', async () => {
    const dir = join(corpus, 'build', 'nonodes');
    mkdirSync(dir, { recursive: true });
    await expect(runFilterStage(dir, { config })).rejects.toThrow(/nodes\.arrow does not exist: run `mtb tokens/);
  });
});
