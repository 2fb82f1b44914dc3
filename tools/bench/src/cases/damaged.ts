import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCorpusConfig } from '@mtb/core';
import { pdfToHtml } from '@mtb/pdf-html';
import { LAYOUT_CORPUS } from '../layout-score.js';
import type { BenchCase } from '../types.js';

/**
 * Damaged files (issue 19): corpus files cut to 50, 90 and 99% of their bytes
 * (and tam-review at 300,000 bytes, the example) must never convert as
 * `ok` with pages missing. Reported per copy: our state and pages read of
 * pages declared, beside poppler's pdfinfo page count and the pages its
 * pdftotext reads (form feeds), where poppler is installed.
 */
const CORPUS_PDF = resolve(process.cwd(), '../shared/corpus/pdf');
const FILES = [join(CORPUS_PDF, 'tam-review.pdf'), join(CORPUS_PDF, 'pdkids.pdf'), join(CORPUS_PDF, 'clinical-science-ace.pdf'), join(CORPUS_PDF, 'peerj-bioinformatics.pdf'), join(LAYOUT_CORPUS, 'pdf', 'palm-lab-manual.pdf'), join(LAYOUT_CORPUS, 'pdf', 'wtfgenes-preprint.pdf')];

function poppler(file: string): string {
  const info = spawnSync('pdfinfo', [file], { encoding: 'utf8' });
  if (info.error) return 'not installed';
  const pages = /Pages:\s+(\d+)/.exec(info.stdout ?? '')?.[1];
  const text = spawnSync('pdftotext', [file, '-'], { encoding: 'latin1', maxBuffer: 64 << 20 });
  const read = text.status === 0 ? (text.stdout.match(/\f/g) ?? []).length : 0;
  return pages ? `${read}/${pages} pages` : 'unreadable';
}

export async function cases(): Promise<BenchCase[]> {
  const files = FILES.filter(existsSync);
  if (!files.length) return [];
  let dir = '';
  const rows: Record<string, string> = {};
  let okWithMissing = 0;
  let copies = 0;
  return [
    {
      name: 'damaged truncated copies',
      description: `${files.length} corpus files cut at 50/90/99% of their bytes: state and pages read, beside poppler`,
      repetitions: 1,
      warmup: false,
      setup: async () => {
        dir = mkdtempSync(join(tmpdir(), 'bench-damaged-'));
      },
      ours: async () => {
        const config = parseCorpusConfig({ ocr: 'off' });
        for (const file of files) {
          const bytes = readFileSync(file);
          const name = file.split('/').pop()!.replace(/\.pdf$/, '');
          const cuts: Array<[string, number]> = [[`${name}@50%`, Math.floor(bytes.length * 0.5)], [`${name}@90%`, Math.floor(bytes.length * 0.9)], [`${name}@99%`, Math.floor(bytes.length * 0.99)]];
          if (name === 'tam-review') cuts.push([`${name}@300000`, 300_000]);
          for (const [label, size] of cuts) {
            const cut = join(dir, `${label.replace(/[@%]/g, '_')}.pdf`);
            writeFileSync(cut, bytes.subarray(0, size));
            const r = await pdfToHtml(cut, join(dir, label.replace(/[@%]/g, '_')), { bookId: 'cut', config });
            const c = r.status.counts;
            const read = (c.pages ?? 0) - (c['pages.failed'] ?? 0);
            const missing = c['pages.missing'] ?? 0;
            copies++;
            if (r.status.state === 'ok' && missing > 0) okWithMissing++;
            const ours = r.status.state === 'failed' ? `failed (${r.status.error?.class})` : `${r.status.state} ${read}/${read + missing} pages`;
            rows[label] = `${ours}; poppler ${poppler(cut)}`;
          }
        }
      },
      extras: async () => ({ copies, 'ok with pages missing': okWithMissing, ...rows }),
      teardown: async () => {
        if (dir) rmSync(dir, { recursive: true, force: true });
      },
    },
  ];
}
