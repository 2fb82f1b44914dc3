/** Converts one PDF in a fresh process and prints its peak RSS: the memory test's probe. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCorpusConfig } from '@mtb/core';
import { pdfToHtml } from '../src/index.js';

const out = mkdtempSync(join(tmpdir(), 'pdf-html-rss-'));
const { status } = await pdfToHtml(process.argv[2]!, out, { bookId: 'rss', config: parseCorpusConfig({}) });
rmSync(out, { recursive: true, force: true });
process.stdout.write(JSON.stringify({ state: status.state, pages: status.counts.pages ?? 0, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
