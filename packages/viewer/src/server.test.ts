import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLocalHost, startViewer } from './server.js';
import { CorpusData } from './corpus-data.js';
import { builtSample } from '../test/sample-corpus.js';

const sample = builtSample();
let server: Server;
let base: string;

beforeAll(async () => {
  ({ server, url: base } = await startViewer(sample, { port: 0 }));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function get(path: string): Promise<{ status: number; type: string; body: string; bytes: number }> {
  const r = await fetch(base + path);
  const buf = Buffer.from(await r.arrayBuffer());
  return { status: r.status, type: r.headers.get('content-type') ?? '', body: buf.toString('utf8'), bytes: buf.length };
}

describe('viewer server over the sample corpus', () => {
  it('is bound to 127.0.0.1 only', () => {
    const addr = server.address() as AddressInfo;
    expect(addr.address).toBe('127.0.0.1');
    expect(base).toBe(`http://127.0.0.1:${addr.port}/`);
  });

  it('lists every book with its status and drops', async () => {
    const r = await get('books');
    expect(r.status).toBe(200);
    const ids = new CorpusData(sample).books();
    expect(ids.length).toBeGreaterThan(1);
    for (const id of ids) expect(r.body).toContain(`data-book="${id}"`);
    const drops = JSON.parse(readFileSync(join(sample, 'build/pdkids/drops.json'), 'utf8')) as { counts: Record<string, number> };
    const row = /<tr data-book="pdkids">(.*?)<\/tr>/.exec(r.body)![1]!;
    for (const [reason, n] of Object.entries(drops.counts)) expect(row).toContain(`${reason} ${n}`);
  });

  it('shows a book page with dropped nodes struck through and their reasons, beside the PDF canvas', async () => {
    const data = new CorpusData(sample);
    const drops = JSON.parse(readFileSync(join(sample, 'build/pdkids/drops.json'), 'utf8')) as { drops: Array<{ seq: number; reason: string }> };
    const first = drops.drops[0]!;
    const node = (await data.nodes('pdkids')).find((n) => n.seq === first.seq)!;
    const r = await get(`book/pdkids?page=${node.page}`);
    expect(r.status).toBe(200);
    const div = new RegExp(`<div class="([^"]*)" id="seq-${first.seq}"[^>]*>(.*?)</div>`).exec(r.body)!;
    expect(div[1]).toContain('dropped');
    expect(div[2]).toContain(`data-reason="${first.reason}"`);
    expect(r.body).toContain('<canvas id="pdf-page"');
    const pdf = await get('pdf/pdkids');
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.body.startsWith('%PDF')).toBe(true);
  });

  it('shows a segment with its images inline at the markers, token and image counts and provenance', async () => {
    const list = await get('segments?split=train');
    expect(list.status).toBe(200);
    const rows = [...list.body.matchAll(/<a href="\/segment\/train\/(\d+)" class="segment-link">[^<]*<\/a><\/td><td class="num">(\d+)<\/td><td class="num">(\d+)<\/td>/g)];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(25);
    const withImages = rows.find((m) => Number(m[3]) > 0)!;
    const r = await get(`segment/train/${withImages[1]}`);
    expect(r.status).toBe(200);
    expect(r.body).toContain(`<span id="num-tokens">${withImages[2]}</span>`);
    expect(r.body).toContain(`<span id="num-images">${withImages[3]}</span>`);
    const imgs = [...r.body.matchAll(/<span class="marker">&lt;image&gt;<\/span><img src="([^"]+)"/g)];
    expect(imgs).toHaveLength(Number(withImages[3]));
    expect(r.body).toMatch(/class="source-page"/);
    const img = await get(imgs[0]![1]!.slice(1));
    expect(img.status).toBe(200);
    expect(img.type).toMatch(/^image\/(png|jpeg)$/);
    expect(img.bytes).toBeGreaterThan(100);
  });

  it('searches segments by text', async () => {
    const r = await get('segments?split=train&q=hypertension');
    expect(r.status).toBe(200);
    const previews = [...r.body.matchAll(/class="segment-link">/g)];
    expect(previews.length).toBeGreaterThan(0);
    const none = await get('segments?split=train&q=zzqqxxnotaword');
    expect(none.body).toContain('0 shown');
  });

  it('shows a duplicate beside its kept twin with the similarity', async () => {
    const list = JSON.parse(readFileSync(join(sample, 'build/_dedup/cardiology-essentials-2nd-edition.json'), 'utf8')) as { drops: Array<{ seq: number; reason: string; twin: string; similarity: number }> };
    const d = list.drops.find((x) => x.twin)!;
    const r = await get('duplicates?book=cardiology-essentials-2nd-edition');
    expect(r.status).toBe(200);
    const block = new RegExp(`<div class="twin" id="seq-${d.seq}" data-reason="${d.reason}">(.*?)</div></div></div>`).exec(r.body)![1]!;
    expect(block).toContain(`similarity ${d.similarity.toFixed(3)}`);
    expect(block).toContain(`cardiology-essentials-2nd-edition/${d.seq}</a>`);
    expect(block).toContain(`>${d.twin}</a>`);
    // the dropped node on its book page links to the twin too
    const node = (await new CorpusData(sample).nodes('cardiology-essentials-2nd-edition')).find((n) => n.seq === d.seq)!;
    const bookPage = await get(`book/cardiology-essentials-2nd-edition?page=${node.page}`);
    expect(bookPage.body).toContain(`duplicate:${d.reason}`);
  });

  it('answers 404 for an unknown book and 405 for writes', async () => {
    expect((await get('book/no-such-book')).status).toBe(404);
    expect((await get('book/..%2F..%2Fetc')).status).toBe(404);
    expect((await get('pdf/no-such-book')).status).toBe(404);
    expect((await get('segment/train/abc')).status).toBe(404);
    expect((await get('segment/train/999999')).status).toBe(404);
    expect((await get('segment/test/0')).status).toBe(404);
    expect((await get('segments?split=../x')).status).toBe(404);
    expect((await get('node-image/pdkids/')).status).toBe(404);
    expect((await get('assets/../../package.json')).status).toBe(404);
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(base);
      const req = request({ host: u.hostname, port: u.port, path: '/books', method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('x');
    });
    expect(status).toBe(405);
  });
});

describe('viewer server on a whole-book duplicate', () => {
  it('strikes through every node of the book and names the twin book', async () => {
    const { mkdtempSync, mkdirSync, copyFileSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'mtb-viewer-whole-'));
    try {
      for (const id of ['pdkids', 'pdkids-copy']) {
        mkdirSync(join(dir, 'pdf'), { recursive: true });
        mkdirSync(join(dir, 'build', id), { recursive: true });
        copyFileSync(join(sample, 'pdf', 'pdkids.pdf'), join(dir, 'pdf', `${id}.pdf`));
        copyFileSync(join(sample, 'build', 'pdkids', 'nodes.arrow'), join(dir, 'build', id, 'nodes.arrow'));
      }
      mkdirSync(join(dir, 'build', '_dedup'));
      writeFileSync(join(dir, 'build', '_dedup', 'pdkids-copy.json'), JSON.stringify({ bookId: 'pdkids-copy', wholeBook: { twinBook: 'pdkids', similarity: 1 }, drops: [] }));
      const v = await startViewer(dir, { port: 0 });
      try {
        const body = await (await fetch(v.url + 'book/pdkids-copy?page=3')).text();
        const nodes = body.match(/<div class="node [^"]*"/g) ?? [];
        expect(nodes.length).toBeGreaterThan(0);
        expect(nodes.every((n) => n.includes('dropped'))).toBe(true);
        expect(body).toContain('whole book dropped as a duplicate of pdkids');
        const original = await (await fetch(v.url + 'book/pdkids?page=3')).text();
        expect(original).not.toMatch(/<div class="node [^"]*dropped/);
        const dups = await (await fetch(v.url + 'duplicates')).text();
        expect(dups).toContain('pdkids-copy dropped as a duplicate of pdkids (Jaccard 1.000)');
        const books = await (await fetch(v.url + 'books')).text();
        expect(/<tr data-book="pdkids-copy">(.*?)<\/tr>/.exec(books)![1]).toContain('duplicate of pdkids');
      } finally {
        await new Promise<void>((r) => v.server.close(() => r()));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A GET with a Host header of our choosing (fetch does not allow setting it). */
function getWithHost(url: string, path: string, host: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path, setHost: false, headers: host === undefined ? {} : { host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('viewer server: whom it answers', () => {
  it('answers requests for localhost, 127.0.0.1 and [::1] only: any other Host gets 421 (DNS rebinding)', async () => {
    const port = new URL(base).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'localhost', 'LOCALHOST:1']) {
      expect([host, (await getWithHost(base, '/books', host)).status]).toEqual([host, 200]);
    }
    for (const host of ['evil.example', `evil.example:${port}`, `localhost.evil.example:${port}`, '127.0.0.1.nip.io', '[::2]', '']) {
      const r = await getWithHost(base, '/books', host);
      expect([host, r.status]).toEqual([host, 421]);
      expect(r.body).not.toContain('data-book=');
    }
    // No Host at all: Node's HTTP/1.1 server refuses it before the viewer sees it.
    expect((await getWithHost(base, '/books', undefined)).status).toBe(400);
  });

  it('checks the host name itself, not a prefix or a port', () => {
    expect(isLocalHost('127.0.0.1:8377')).toBe(true);
    expect(isLocalHost('[::1]')).toBe(true);
    expect(isLocalHost('127.0.0.1:8377@evil.example')).toBe(false);
    expect(isLocalHost('localhost:80:80')).toBe(false);
    expect(isLocalHost('[::1]evil')).toBe(false);
    expect(isLocalHost(undefined)).toBe(false);
  });
});

describe('viewer server on a corpus with no build yet', () => {
  it('shows a banner saying so, with the command to run, on every page', async () => {
    const { mkdtempSync, mkdirSync, copyFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'mtb-viewer-unbuilt-'));
    try {
      mkdirSync(join(dir, 'pdf'));
      copyFileSync(join(sample, 'pdf', 'pdkids.pdf'), join(dir, 'pdf', 'pdkids.pdf'));
      const v = await startViewer(dir, { port: 0 });
      try {
        for (const path of ['', 'books']) {
          const body = await (await fetch(v.url + path)).text();
          expect(body).toMatch(/<main><p class="banner" id="no-build">This corpus has no build yet: .*run <code>mtb build /);
        }
        const built = await (await fetch(base + 'books')).text();
        expect(built).not.toContain('class="banner"');
      } finally {
        await new Promise<void>((r) => v.server.close(() => r()));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
