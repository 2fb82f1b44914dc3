import { mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZipImageSource } from '../src/zip-images.js';
import { FolderImageSource } from '../src/folder-images.js';
import { PMC_OA_IMAGE_PREFIX, type EntryRejection } from '../src/image-source.js';
import { InputError } from '../src/inputs.js';
import { makeJpeg, makeLineArtPng, writeZip } from './fixtures.js';

const P = PMC_OA_IMAGE_PREFIX;
let dir: string;
let jpg: Buffer;
let png: Buffer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pmc-images-'));
  jpg = await makeJpeg(1);
  png = await makeLineArtPng();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ZipImageSource', () => {
  let zipFile: string;
  const rejected: EntryRejection[] = [];
  let source: ZipImageSource;

  beforeAll(async () => {
    zipFile = join(dir, 'images.zip');
    await writeZip(zipFile, [
      { name: `${P}PMC1_a.jpg`, data: jpg, compress: false },
      { name: `${P}PMC2_b.png`, data: png, compress: true },
      { name: `${P}../evil.jpg`, data: jpg },
      { name: '/abs/PMC3_c.jpg', data: jpg },
      { name: `${P}PMC1_a.jpg`, data: png },
      { name: '__MACOSX/._PMC1_a.jpg', data: Buffer.from('resource fork') },
      { name: 'PMC4_root.jpg', data: jpg },
    ]);
    source = await ZipImageSource.open(zipFile, { onEntryRejected: (r) => rejected.push(r) });
  });
  afterAll(() => source.close());

  it('reads stored and deflated entries by image name, without the image folder prefix', async () => {
    expect(await source.read('PMC1_a.jpg')).toEqual({ ok: true, value: new Uint8Array(jpg) });
    expect(await source.read('PMC2_b.png')).toEqual({ ok: true, value: new Uint8Array(png) });
    expect(await source.read('PMC4_root.jpg')).toEqual({ ok: true, value: new Uint8Array(jpg) });
  });

  it('skips and reports escaping and duplicate entries, keeping the first of a name', () => {
    expect(rejected.map((r) => [r.entry, r.reason])).toEqual([
      [`${P}../evil.jpg`, 'zip-unsafe-entry'],
      ['/abs/PMC3_c.jpg', 'zip-unsafe-entry'],
      [`${P}PMC1_a.jpg`, 'zip-duplicate-entry'],
    ]);
    expect(source.summary()).toMatchObject({ entries: 7, indexed: 4, skipped: { 'zip-duplicate-entry': 1, 'zip-unsafe-entry': 2 } });
  });

  it('never answers for an escaping entry', async () => {
    expect(await source.read('evil.jpg')).toMatchObject({ ok: false, reason: 'missing-image' });
    expect(await source.read('../evil.jpg')).toMatchObject({ ok: false, reason: 'missing-image' });
    expect(await source.read('abs/PMC3_c.jpg')).toMatchObject({ ok: false, reason: 'missing-image' });
  });

  it('reports a missing image with the entry it looked for', async () => {
    const v = await source.read('PMC9_none.jpg');
    expect(v).toMatchObject({ ok: false, reason: 'missing-image' });
    expect(!v.ok && v.detail).toContain(`${P}PMC9_none.jpg`);
  });

  it('refuses an image above maxImageBytes before reading it', async () => {
    const small = await ZipImageSource.open(zipFile, { maxImageBytes: 100 });
    expect(await small.read('PMC1_a.jpg')).toMatchObject({ ok: false, reason: 'image-too-large' });
    await small.close();
  });

  it('serves many concurrent reads from one open archive', async () => {
    const names = Array.from({ length: 40 }, (_, i) => (i % 2 ? 'PMC1_a.jpg' : 'PMC2_b.png'));
    const got = await Promise.all(names.map((n) => source.read(n)));
    got.forEach((v, i) => expect(v.ok && v.value.length).toBe(i % 2 ? jpg.length : png.length));
  });
});

describe('ZipImageSource on damaged archives', () => {
  it('reports corrupt deflate data as an undecodable image and keeps serving others', async () => {
    const file = join(dir, 'corrupt.zip');
    await writeZip(file, [
      { name: 'PMC5_bad.png', data: png, compress: true },
      { name: 'PMC6_ok.jpg', data: jpg, compress: false },
    ]);
    const buf = readFileSync(file);
    // Local header is 30 bytes + name; garble the deflate stream right after it.
    const dataStart = 30 + 'PMC5_bad.png'.length;
    for (let i = dataStart; i < dataStart + 40; i++) buf[i] = 0xff;
    writeFileSync(file, buf);
    const src = await ZipImageSource.open(file);
    expect(await src.read('PMC5_bad.png')).toMatchObject({ ok: false, reason: 'undecodable-image' });
    expect(await src.read('PMC6_ok.jpg')).toMatchObject({ ok: true });
    await src.close();
  });

  it('refuses an entry whose local header names another file than the central directory', async () => {
    const file = join(dir, 'confused.zip');
    await writeZip(file, [{ name: 'PMC7_aaa.jpg', data: jpg, compress: false }]);
    const buf = readFileSync(file);
    const at = buf.indexOf('PMC7_aaa.jpg'); // the first occurrence is the local header
    Buffer.from('PMC7_bbb.jpg').copy(buf, at);
    writeFileSync(file, buf);
    const src = await ZipImageSource.open(file);
    const v = await src.read('PMC7_aaa.jpg');
    expect(v).toMatchObject({ ok: false, reason: 'undecodable-image' });
    expect(!v.ok && v.detail).toMatch(/local header/);
    await src.close();
  });

  it('rejects a file that is not a zip with a message naming it', async () => {
    const file = join(dir, 'not-a.zip');
    writeFileSync(file, 'hello');
    await expect(ZipImageSource.open(file)).rejects.toThrow(InputError);
    await expect(ZipImageSource.open(file)).rejects.toThrow(/not-a\.zip/);
  });

  it('rejects a truncated archive (central directory cut off)', async () => {
    const file = join(dir, 'cut.zip');
    await writeZip(file, [{ name: 'PMC8.jpg', data: jpg }]);
    const buf = readFileSync(file);
    writeFileSync(file, buf.subarray(0, buf.length - 30));
    await expect(ZipImageSource.open(file)).rejects.toThrow(/cut\.zip/);
  });
});

describe('FolderImageSource', () => {
  let root: string;
  beforeAll(() => {
    root = join(dir, 'folder');
    mkdirSync(join(root, P), { recursive: true });
    writeFileSync(join(root, P, 'PMC1_a.jpg'), jpg);
    writeFileSync(join(dir, 'outside.jpg'), jpg);
    symlinkSync(join(dir, 'outside.jpg'), join(root, P, 'PMC2_link.jpg'));
  });

  it('resolves names inside the unpacked image folder', async () => {
    const src = new FolderImageSource(root);
    expect(await src.read('PMC1_a.jpg')).toEqual({ ok: true, value: new Uint8Array(jpg) });
    expect(src.summary()).toEqual({ prefix: P });
  });

  it('refuses names and symlinks that escape the folder, and reports missing files', async () => {
    const src = new FolderImageSource(root);
    expect(await src.read('../../outside.jpg')).toMatchObject({ ok: false, reason: 'unsafe-path' });
    expect(await src.read('/etc/hostname')).toMatchObject({ ok: false, reason: 'unsafe-path' });
    expect(await src.read('PMC2_link.jpg')).toMatchObject({ ok: false, reason: 'unsafe-path' });
    expect(await src.read('PMC3_none.jpg')).toMatchObject({ ok: false, reason: 'missing-image' });
  });

  it('uses the folder itself when it has no image subfolder, and caps the size', async () => {
    const src = new FolderImageSource(join(root, P), { maxImageBytes: 10 });
    expect(await src.read('PMC1_a.jpg')).toMatchObject({ ok: false, reason: 'image-too-large' });
  });
});

describe('ZipImageSource on a central directory larger than one read-ahead block', () => {
  it('indexes every entry across block boundaries and reads any of them', async () => {
    const file = join(dir, 'many.zip');
    const n = 12_000;
    const name = (i: number): string => `PMC${100000 + i}_${'long-figure-name-'.repeat(4)}${i}.jpg`;
    await writeZip(file, Array.from({ length: n }, (_, i) => ({ name: `${P}${name(i)}`, data: Buffer.from(`image ${i}`), compress: false })));
    const src = await ZipImageSource.open(file);
    expect(src.summary()).toMatchObject({ entries: n, indexed: n });
    for (const i of [0, 1, 4_999, 7_777, n - 1]) {
      const v = await src.read(name(i));
      expect(v.ok && Buffer.from(v.value).toString()).toBe(`image ${i}`);
    }
    await src.close();
  });
});
