import { IMAGE, ENDOFCHUNK } from '@mtb/core';
import type { NodeRow } from '@mtb/image-tokens';
import type { ShardRow } from '@mtb/shards';
import { esc, fmtInt, page } from './html.js';
import type { BookSummary, NodeDrop } from './corpus-data.js';

export const PAGE_SIZE = 25;

export function booksPage(corpus: string, rows: BookSummary[], offset: number, total: number): string {
  const body = rows.map((b) => {
    const failed = Object.values(b.status.stages).find((s) => s.state === 'failed');
    const state = b.wholeBookDuplicateOf ? `duplicate of ${b.wholeBookDuplicateOf}` : failed ? `failed: ${failed.error?.class ?? ''}` : b.status.state;
    const drops = Object.entries(b.drops).sort((a, c) => c[1] - a[1]).map(([r, n]) => `${esc(r)} ${fmtInt(n)}`).join(', ');
    return `<tr data-book="${esc(b.bookId)}"><td><a href="/book/${encodeURIComponent(b.bookId)}?page=1">${esc(b.bookId)}</a></td><td>${esc(state)}</td><td class="num">${fmtInt(b.pages)}</td><td class="num">${fmtInt(b.imagesKept)}</td><td class="num">${fmtInt(b.tokensKept)}</td><td>${drops || '-'}</td></tr>`;
  });
  return page(`${corpus}: books`, `<p>${fmtInt(total)} books</p><table id="books"><thead><tr><th>book</th><th>status</th><th>pages</th><th>images kept</th><th>tokens kept</th><th>dropped nodes by reason</th></tr></thead><tbody>${body.join('')}</tbody></table>${pager('/books?', offset, total)}`);
}

function pager(base: string, offset: number, total: number, size = PAGE_SIZE): string {
  const prev = offset > 0 ? `<a href="${base}offset=${Math.max(0, offset - size)}">&larr; previous</a>` : '';
  const next = offset + size < total ? `<a href="${base}offset=${offset + size}" class="next">next &rarr;</a>` : '';
  return `<p class="pager">${prev}${next} <span class="meta">${fmtInt(Math.min(total, offset + 1))}–${fmtInt(Math.min(total, offset + size))} of ${fmtInt(total)}</span></p>`;
}

function nodeHtml(bookId: string, n: NodeRow, drop: NodeDrop | undefined): string {
  const cls = `node ${n.role}${drop ? ' dropped' : ''}`;
  const reason = drop ? `<span class="reason" data-reason="${esc(drop.reason)}">${esc(drop.reason)}${drop.twin ? ` · twin <a href="/duplicates?book=${encodeURIComponent(bookId)}#seq-${n.seq}">${esc(drop.twin)}</a>` : ''}</span>` : '';
  const content = n.kind === 'image'
    ? `<img src="/node-image/${encodeURIComponent(bookId)}/${n.seq}" alt="${esc(n.image_path)}" width="${n.width}" height="${n.height}">`
    : esc(n.text);
  return `<div class="${cls}" id="seq-${n.seq}" data-seq="${n.seq}" data-role="${esc(n.role)}"><span class="meta">${esc(n.role)}</span> ${content}${reason}</div>`;
}

export function bookPage(bookId: string, pageNo: number, pages: number, nodes: NodeRow[], drops: Map<number, NodeDrop>, note: string): string {
  const list = nodes.map((n) => nodeHtml(bookId, n, drops.get(n.seq))).join('') || '<p class="meta">no extracted content on this page</p>';
  const nav = `<p class="pager">${pageNo > 1 ? `<a href="?page=${pageNo - 1}">&larr; page ${pageNo - 1}</a>` : ''} page ${pageNo} of ${pages} ${pageNo < pages ? `<a href="?page=${pageNo + 1}" class="next">page ${pageNo + 1} &rarr;</a>` : ''}</p>`;
  // pdf.js renders the page in the browser from the local server; eval stays off here too.
  const script = `<script type="module">
import * as pdfjs from '/assets/pdf.mjs';
pdfjs.GlobalWorkerOptions.workerSrc = '/assets/pdf.worker.mjs';
const canvas = document.getElementById('pdf-page');
try {
  const doc = await pdfjs.getDocument({ url: '/pdf/${encodeURIComponent(bookId)}', isEvalSupported: false }).promise;
  const p = await doc.getPage(${pageNo});
  const vp = p.getViewport({ scale: 1.3 });
  canvas.width = vp.width; canvas.height = vp.height;
  await p.render({ canvas, canvasContext: canvas.getContext('2d'), viewport: vp }).promise;
  canvas.dataset.rendered = 'yes';
} catch (e) { canvas.dataset.rendered = 'error'; canvas.title = String(e); }
</script>`;
  return page(`${bookId}: page ${pageNo}`, `${note}${nav}<div class="split"><section id="extracted"><h2>extracted</h2>${list}</section><section><h2>PDF page</h2><canvas id="pdf-page" width="10" height="10"></canvas></section></div>${nav}${script}`);
}

/** A segment's text with its images at their <image> markers. */
export function segmentBody(split: string, index: number, row: ShardRow): string {
  const parts = row.text.split(/(<image>|<\|endofchunk\|>)/);
  let img = 0;
  const html = parts.map((p) => {
    if (p === IMAGE) {
      const k = img++;
      return `<span class="marker">&lt;image&gt;</span><img src="/segment-image/${split}/${index}/${k}" alt="${esc(row.images[k]?.path ?? '')}">`;
    }
    if (p === ENDOFCHUNK) return `<span class="marker">&lt;|endofchunk|&gt;</span>`;
    return esc(p);
  }).join('');
  return `<div class="segment" data-id="${esc(row.id)}">${html}</div>`;
}

export function segmentPage(split: string, index: number, row: ShardRow): string {
  const pages = [...new Set(row.pages)].sort((a, b) => a - b);
  const links = pages.map((p) => `<a href="/book/${encodeURIComponent(row.book_id)}?page=${p}" class="source-page">p. ${p}</a>`).join(' ');
  const meta = `<p class="meta">${esc(row.id)} · source ${esc(row.source)} · book <a href="/book/${encodeURIComponent(row.book_id)}?page=${pages[0] ?? 1}">${esc(row.book_id)}</a> · <span id="num-tokens">${row.num_tokens}</span> tokens · <span id="num-images">${row.num_images}</span> images · pages ${links || '-'}</p>`;
  return page(`segment ${row.id}`, meta + segmentBody(split, index, row));
}

export function segmentsPage(split: string, rows: Array<{ index: number; row: ShardRow }>, offset: number, total: number, query: string): string {
  const form = `<form method="get" action="/segments"><input type="hidden" name="split" value="${esc(split)}"><input name="q" value="${esc(query)}" placeholder="search text or id"> <button>search</button> <a href="/segments?split=train">train</a> <a href="/segments?split=eval">eval</a></form>`;
  const list = rows.map(({ index, row }) => {
    const preview = row.text.replace(/<\|endofchunk\|>/g, ' ').slice(0, 220);
    return `<tr><td><a href="/segment/${split}/${index}" class="segment-link">${esc(row.id)}</a></td><td class="num">${row.num_tokens}</td><td class="num">${row.num_images}</td><td>${esc(preview)}</td></tr>`;
  }).join('');
  const base = `/segments?split=${encodeURIComponent(split)}&${query ? `q=${encodeURIComponent(query)}&` : ''}`;
  const count = query ? `${rows.length} shown` : `${fmtInt(total)} segments in ${esc(split)}`;
  return page(`segments: ${split}`, `${form}<p>${count}</p><table id="segments"><thead><tr><th>id</th><th>tokens</th><th>images</th><th>text</th></tr></thead><tbody>${list}</tbody></table>${query ? (rows.length >= PAGE_SIZE ? `<p class="pager"><a href="${base}offset=${offset + PAGE_SIZE}">more &rarr;</a></p>` : '') : pager(base, offset, total)}`);
}

export interface DuplicateView { bookId: string; seq: number; reason: string; similarity: number; twin: string | null; dropped?: NodeRow; kept?: NodeRow }

function twinCell(bookId: string, n: NodeRow | undefined): string {
  if (!n) return '<div class="meta">(not found)</div>';
  const body = n.kind === 'image' ? `<img src="/node-image/${encodeURIComponent(bookId)}/${n.seq}" style="max-width:240px">` : esc(n.text);
  return `<div><div class="meta"><a href="/book/${encodeURIComponent(bookId)}?page=${n.page}#seq-${n.seq}">${esc(bookId)}/${n.seq}</a> p. ${n.page}</div>${body}</div>`;
}

export function duplicatesPage(items: DuplicateView[], offset: number, total: number, wholeBooks: Array<{ bookId: string; twinBook: string; similarity: number }>): string {
  const whole = wholeBooks.length
    ? `<h2>whole books</h2><ul>${wholeBooks.map((w) => `<li>${esc(w.bookId)} dropped as a duplicate of ${esc(w.twinBook)} (Jaccard ${w.similarity.toFixed(3)})</li>`).join('')}</ul>`
    : '';
  const list = items.map((d) => {
    const twinBook = d.twin?.split('/')[0] ?? '';
    return `<div class="twin" id="seq-${d.seq}" data-reason="${esc(d.reason)}"><div><span class="reason">${esc(d.reason)} · similarity ${d.similarity.toFixed(3)}</span><p class="meta">dropped</p>${twinCell(d.bookId, d.dropped)}</div><div><p class="meta">kept twin</p>${twinCell(twinBook, d.kept)}</div></div>`;
  }).join('');
  return page('duplicates', `${whole}<h2>dropped units and their kept twins</h2><p>${fmtInt(total)} duplicates</p>${list}${pager('/duplicates?', offset, total)}`);
}
