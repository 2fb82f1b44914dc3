/** Escape text for HTML element content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function fmtInt(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? '-' : Math.round(n).toLocaleString('en-US');
}

export function fmtPct(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? '-' : `${(x * 100).toFixed(1)}%`;
}

/** Shared page chrome: inline CSS only (no external assets: the viewer works offline). */
export const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d232a;background:#f7f8fa}
header{background:#20344d;color:#fff;padding:10px 20px;display:flex;gap:20px;align-items:baseline}
header a{color:#cfe3ff;text-decoration:none}header h1{font-size:18px;margin:0}
main{padding:16px 20px;max-width:1400px}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #dde2e8;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
.summary{font-size:16px;background:#fff;border-left:4px solid #2f6fb3;padding:10px 14px;margin:8px 0 16px}
.warning{background:#fff4d6;border-left:4px solid #c98a00;padding:8px 12px;margin:8px 0}
.plots{display:flex;flex-wrap:wrap;gap:16px}.plot{background:#fff;border:1px solid #dde2e8;padding:8px}
.plot h3{margin:0 0 6px;font-size:14px}
.dropped{text-decoration:line-through;color:#8a5a5a}.reason{font-size:11px;background:#fbe3e3;color:#7a2020;border-radius:3px;padding:0 4px;margin-left:6px;text-decoration:none;display:inline-block}
.node{margin:4px 0;padding:2px 6px;background:#fff;border-left:3px solid #cfd6de}.node.heading{font-weight:600;border-color:#2f6fb3}
.node.caption{font-style:italic}.node img{max-width:260px;max-height:220px;display:block;border:1px solid #ccc}
.split{display:grid;grid-template-columns:1fr 1fr;gap:16px}.pager a{margin-right:8px}
.segment{background:#fff;border:1px solid #dde2e8;padding:10px;white-space:pre-wrap}.segment img{max-width:300px;display:block;margin:6px 0;border:1px solid #ccc}
.marker{color:#2f6fb3;font-weight:600}.meta{color:#5a6570;font-size:12px}
canvas{border:1px solid #ccc;max-width:100%}
.banner{background:#fff4d6;border:1px solid #e3c46b;padding:8px 12px;margin:0 0 12px}
.twin{display:grid;grid-template-columns:1fr 1fr;gap:10px;background:#fff;border:1px solid #dde2e8;padding:8px;margin:8px 0}
`;

export function page(title: string, body: string, opts: { nav?: boolean } = {}): string {
  const nav = opts.nav === false ? '' : `<nav><a href="/">report</a> <a href="/books">books</a> <a href="/segments?split=train">segments</a> <a href="/duplicates">duplicates</a></nav>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${CSS}</style></head><body><header><h1>${esc(title)}</h1>${nav}</header><main>${body}</main></body></html>`;
}
