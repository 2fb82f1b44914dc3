import type { BookPage } from './layout/book.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ESCAPES[c]!);
}

const fmt = (n: number): string => String(Math.round(n * 10) / 10);

/**
 * book.html as the image-tokens stage reads it (DESIGN.md 4.1): one
 * <section data-page> per page; <h1..h3>, <p>, <ul>/<ol start type><li>,
 * <table><caption><tr><td>, <pre> for code (in a <figure> with its <figcaption> when captioned); notes, footnotes, unlinked captions and furniture as
 * <p data-role="note|footnote|caption|header|footer|page-number">; figures with
 * their page box in points, the re-encoded image's pixel size and, as `alt`, the
 * text drawn over the image.
 * One element per line so a diff of two runs reads as a diff of content.
 */
export function renderBookHtml(bookId: string, pages: BookPage[]): string {
  const out: string[] = [
    '<!DOCTYPE html>',
    '<html>',
    `<head><meta charset="utf-8"><title>${escapeHtml(bookId)}</title></head>`,
    '<body>',
    `<article data-book="${escapeHtml(bookId)}">`,
  ];
  for (const p of pages) {
    out.push(`<section data-page="${p.page}">`);
    for (const n of p.nodes) {
      // OCR'd text says so, with its mean confidence: a filter or a reader can weigh it.
      const ocr = 'ocr' in n && n.ocr !== undefined ? ` data-ocr="1" data-confidence="${n.ocr.toFixed(2)}"` : '';
      if (n.kind === 'heading') out.push(`<h${n.level}${ocr}>${escapeHtml(n.text)}</h${n.level}>`);
      else if (n.kind === 'paragraph') out.push(n.role ? `<p data-role="${n.role}"${ocr}>${escapeHtml(n.text)}</p>` : `<p${ocr}>${escapeHtml(n.text)}</p>`);
      else if (n.kind === 'list') {
        const tag = n.ordered ? 'ol' : 'ul';
        const attrs = `${n.start === undefined ? '' : ` start="${n.start}"`}${n.type === undefined ? '' : ` type="${n.type}"`}`;
        out.push(`<${tag}${attrs}${ocr}>`, ...n.items.map((item) => `<li>${escapeHtml(item)}</li>`), `</${tag}>`);
      } else if (n.kind === 'code') {
        // Line breaks are content here: the reader keeps them inside <pre>.
        const pre = `<pre>${escapeHtml(n.text)}</pre>`;
        // A captioned listing is a figure, as an image is: its caption in its <figcaption>.
        out.push(n.caption === undefined ? pre : `<figure>${pre}<figcaption>${escapeHtml(n.caption)}</figcaption></figure>`);
      } else if (n.kind === 'table') {
        const caption = n.caption === undefined ? [] : [`<caption>${escapeHtml(n.caption)}</caption>`];
        out.push('<table>', ...caption, ...n.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`), '</table>');
      } else {
        const b = n.image.box;
        const alt = n.alt === undefined ? '' : ` alt="${escapeHtml(n.alt)}"`;
        const img = `<img src="${escapeHtml(n.image.src)}" width="${n.image.width}" height="${n.image.height}"${alt}>`;
        const caption = n.caption === undefined ? '' : `<figcaption>${escapeHtml(n.caption)}</figcaption>`;
        out.push(`<figure data-bbox="${fmt(b.x)},${fmt(b.y)},${fmt(b.w)},${fmt(b.h)}">${img}${caption}</figure>`);
      }
    }
    out.push('</section>');
  }
  out.push('</article>', '</body>', '</html>', '');
  return out.join('\n');
}
