import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, basename } from 'node:path';
import { bookPaths, createLogger } from '@mtb/core';
import { CorpusData } from './corpus-data.js';
import { page, esc } from './html.js';
import { booksPage, bookPage, segmentPage, segmentsPage, duplicatesPage, PAGE_SIZE, type DuplicateView } from './pages.js';
import { renderReport } from './report.js';

const log = createLogger('view');
const require = createRequire(import.meta.url);
const PDFJS_DIR = join(dirname(require.resolve('pdfjs-dist/package.json')), 'legacy', 'build');

/** Only these static files are served: pdf.js for the in-browser page render. */
const ASSETS: Record<string, string> = {
  'pdf.mjs': join(PDFJS_DIR, 'pdf.mjs'),
  'pdf.worker.mjs': join(PDFJS_DIR, 'pdf.worker.mjs'),
};

class HttpError extends Error {
  constructor(public status: number, message: string) {
    super(message);
  }
}

function sendRaw(res: ServerResponse, status: number, type: string, body: string | Uint8Array, banner = ''): void {
  if (banner && typeof body === 'string' && type.startsWith('text/html')) body = body.replace('<main>', `<main>${banner}`);
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    // No external assets, no framing, no inline script beyond our own module.
    'content-security-policy': "default-src 'self'; img-src 'self' data: blob:; style-src 'unsafe-inline'; script-src 'self' 'unsafe-inline'; worker-src 'self' blob:",
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

/**
 * The names the viewer answers to. It listens on 127.0.0.1 only, but a web page
 * the user visits can point a name of its own at 127.0.0.1 (DNS rebinding) and
 * read the corpus through the browser: such requests carry that name in Host,
 * and get 421.
 */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLocalHost(host: string | undefined): boolean {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::\d{1,5})?$/i.exec(host ?? '');
  return !!m && LOCAL_HOSTS.has(m[1]!.toLowerCase());
}

/** A line above every page while the corpus has no finished build, or a build is running. */
export function buildBanner(data: CorpusData): string {
  const lock = existsSync(join(data.paths.buildDir, '.lock'));
  if (!existsSync(data.paths.stats)) {
    return `<p class="banner" id="no-build">${lock ? 'A build of this corpus is running' : 'This corpus has no build yet'}: there are no shards, statistics or drop lists to show${lock ? ' until it ends' : `; run <code>mtb build ${esc(data.corpusDir)}</code>, then reload`}.</p>`;
  }
  return lock ? '<p class="banner" id="build-running">A build of this corpus is running: pages show the last finished build until it ends.</p>' : '';
}

function intParam(url: URL, name: string, fallback: number): number {
  const v = Number(url.searchParams.get(name));
  return Number.isFinite(v) && v >= 0 ? Math.floor(v) : fallback;
}

function imageType(path: string | null | undefined): string {
  return path?.endsWith('.png') ? 'image/png' : 'image/jpeg';
}

export async function handle(data: CorpusData, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!isLocalHost(req.headers.host)) throw new HttpError(421, `this viewer answers requests for localhost, 127.0.0.1 or [::1] only, not for Host "${req.headers.host ?? ''}"`);
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'the viewer is read-only');
  const banner = buildBanner(data);
  const send = (r: ServerResponse, status: number, type: string, body: string | Uint8Array): void => sendRaw(r, status, type, body, banner);
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const corpus = basename(data.paths.root);
  const book = (id: string | undefined): string => {
    if (!id || !data.hasBook(id)) throw new HttpError(404, `no book "${id}" in this corpus`);
    return id;
  };
  const offset = intParam(url, 'offset', 0);
  const split = (name: string | null | undefined): string => {
    if (name !== 'train' && name !== 'eval') throw new HttpError(404, `no split "${name}" (train or eval)`);
    return name;
  };
  // Path indexes must be plain non-negative integers: Number('') is 0 and NaN compares false.
  const index = (v: string | undefined): number => {
    if (!v || !/^\d{1,12}$/.test(v)) throw new HttpError(404, `bad index "${v}"`);
    return Number(v);
  };

  switch (parts[0]) {
    case undefined:
      return send(res, 200, 'text/html; charset=utf-8', renderReport(corpus, data.stats(), data.buildTimes(), { live: true }));
    case 'books': {
      const ids = data.books();
      const rows = await Promise.all(ids.slice(offset, offset + PAGE_SIZE).map((id) => data.summary(id)));
      return send(res, 200, 'text/html; charset=utf-8', booksPage(corpus, rows, offset, ids.length));
    }
    case 'book': {
      const id = book(parts[1]);
      const nodes = await data.nodes(id);
      const pages = Math.max(1, ...nodes.map((n) => n.page));
      const pageNo = Math.min(pages, Math.max(1, intParam(url, 'page', 1)));
      const s = await data.summary(id);
      const failed = Object.values(s.status.stages).find((st) => st.state === 'failed');
      const partial = Object.values(s.status.stages).find((st) => st.state === 'partial');
      const note = failed ? `<p class="reason">failed in ${esc(failed.stage)}: ${esc(failed.error?.class)} — ${esc(failed.error?.message)}</p>`
        : partial ? `<p class="reason">partial in ${esc(partial.stage)}: ${esc(partial.details[0] ?? '')}</p>`
        : s.wholeBookDuplicateOf ? `<p class="reason">whole book dropped as a duplicate of ${esc(s.wholeBookDuplicateOf)}</p>` : '';
      const drops = data.drops(id);
      // A whole-book duplicate loses every node: show each struck through, naming the twin book.
      if (s.wholeBookDuplicateOf) for (const n of nodes) if (!drops.has(n.seq)) drops.set(n.seq, { reason: 'duplicate:whole-book', twin: s.wholeBookDuplicateOf });
      return send(res, 200, 'text/html; charset=utf-8', bookPage(id, pageNo, pages, nodes.filter((n) => n.page === pageNo), drops, note));
    }
    case 'pdf': {
      const file = bookPaths(data.corpusDir, book(parts[1])).pdf;
      if (!existsSync(file)) throw new HttpError(404, 'PDF not found');
      return send(res, 200, 'application/pdf', readFileSync(file));
    }
    case 'node-image': {
      const id = book(parts[1]);
      const seq = index(parts[2]);
      const n = (await data.nodes(id)).find((x) => x.seq === seq);
      if (!n?.image_bytes) throw new HttpError(404, 'no such image');
      return send(res, 200, imageType(n.image_path), n.image_bytes);
    }
    case 'segments': {
      const s = split(url.searchParams.get('split') ?? 'train');
      const q = url.searchParams.get('q') ?? '';
      const rows = await data.segments(s, offset, PAGE_SIZE, q || undefined);
      return send(res, 200, 'text/html; charset=utf-8', segmentsPage(s, rows, offset, data.totalRows(s), q));
    }
    case 'segment': {
      const s = split(parts[1]);
      const i = index(parts[2]);
      const row = await data.segmentAt(s, i);
      if (!row) throw new HttpError(404, 'no such segment');
      return send(res, 200, 'text/html; charset=utf-8', segmentPage(s, i, row));
    }
    case 'segment-image': {
      const row = await data.segmentAt(split(parts[1]), index(parts[2]));
      const img = row?.images[index(parts[3])];
      if (!img) throw new HttpError(404, 'no such image');
      return send(res, 200, imageType(img.path), img.bytes);
    }
    case 'duplicates': {
      const only = url.searchParams.get('book');
      const all: Array<{ bookId: string; seq: number; reason: string; twin: string | null; similarity: number }> = [];
      const whole: Array<{ bookId: string; twinBook: string; similarity: number }> = [];
      for (const id of only ? [book(only)] : data.books()) {
        const list = data.dedupList(id);
        if (list?.wholeBook) whole.push({ bookId: id, ...list.wholeBook });
        for (const d of list?.drops ?? []) all.push({ bookId: id, ...d });
      }
      const pageItems: DuplicateView[] = [];
      for (const d of all.slice(offset, offset + PAGE_SIZE)) {
        const dropped = (await data.nodes(d.bookId)).find((n) => n.seq === d.seq);
        let kept;
        if (d.twin) {
          const [twinBook, twinSeq] = d.twin.split('/');
          if (twinBook && data.hasBook(twinBook)) kept = (await data.nodes(twinBook)).find((n) => n.seq === Number(twinSeq));
        }
        pageItems.push({ ...d, dropped, kept });
      }
      return send(res, 200, 'text/html; charset=utf-8', duplicatesPage(pageItems, offset, all.length, whole));
    }
    case 'assets': {
      const file = ASSETS[parts[1] ?? ''];
      if (!file) throw new HttpError(404, 'no such asset');
      return send(res, 200, 'text/javascript; charset=utf-8', readFileSync(file));
    }
    default:
      throw new HttpError(404, `no page ${url.pathname}`);
  }
}

/** Start the viewer bound to 127.0.0.1 only: it shows data, it is not a service. */
export function startViewer(corpusDir: string, opts: { port?: number } = {}): Promise<{ server: Server; url: string }> {
  const data = new CorpusData(corpusDir);
  const server = createServer((req, res) => {
    handle(data, req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (status === 500) log.error((err as Error).stack ?? String(err));
      sendRaw(res, status, 'text/html; charset=utf-8', page(`error ${status}`, `<p>${esc((err as Error).message)}</p>`));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : opts.port;
      resolve({ server, url: `http://127.0.0.1:${port}/` });
    });
  });
}
