import { readFileSync, existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import {
  assertValidBookId, bookPaths, corpusPaths, createProgress, encodePlain, loadCorpusConfig,
  neutralizeSpecialMarkers, recordStage, type CorpusConfig, type StageStatus,
} from '@mtb/core';
import { parseBookHtml } from './html-blocks.js';
import { embedImage } from './image-file.js';
import { writeNodes } from './nodes-file.js';
import type { NodeRow } from './schema.js';
import { failedBefore } from './upstream.js';

export const TOKENS_STAGE = 'tokens';

export interface TokensOptions {
  /** Settings; default: `<corpus>/corpus.json` two levels above the book folder. */
  config?: CorpusConfig;
  quiet?: boolean;
}

/** `<corpus>/build/<bookId>` -> its corpus folder and id, refusing anything else. */
export function locateBook(bookDir: string): { corpusDir: string; bookId: string } {
  const dir = resolve(bookDir);
  const bookId = basename(dir);
  assertValidBookId(bookId);
  if (basename(dirname(dir)) !== 'build') {
    throw new Error(`${dir} is not a book build folder: expected <corpus>/build/<bookId>`);
  }
  return { corpusDir: dirname(dirname(dir)), bookId };
}

/**
 * Text and image nodes of book.html, in reading order, with token counts.
 * Images that cannot be read are left out and reported in `problems`.
 */
export async function buildNodes(
  html: string,
  bookDir: string,
  bookId: string,
  config: CorpusConfig,
  opts: { quiet?: boolean } = {},
): Promise<{ rows: NodeRow[]; counts: Record<string, number>; problems: string[]; htmlBookId: string | null }> {
  const { bookId: htmlBookId, blocks } = parseBookHtml(html);
  const rows: NodeRow[] = [];
  const counts: Record<string, number> = { 'nodes.text': 0, 'nodes.image': 0, tokens: 0, 'images.reencoded': 0, 'images.unreadable': 0 };
  const problems: string[] = [];
  const progress = createProgress(`tokens ${bookId}`, blocks.length, 'blocks', opts.quiet ? { quiet: true } : {});
  for (const block of blocks) {
    progress.increment();
    if (block.kind === 'text') {
      // A literal "<image>" in a book must never become a real image marker downstream.
      const text = neutralizeSpecialMarkers(block.text);
      const num_tokens = encodePlain(text).length;
      rows.push({
        seq: rows.length, page: block.page, kind: 'text', role: block.role, text, image_path: null, width: 0, height: 0, image_bytes: null, num_tokens,
        level: block.level, figure: block.figure, ocr: block.ocr,
      });
      counts['nodes.text']!++;
      counts.tokens! += num_tokens;
      continue;
    }
    try {
      const img = await embedImage(bookDir, block.src, config);
      rows.push({
        seq: rows.length, page: block.page, kind: 'image', role: 'body', text: '', image_path: `${bookId}/${img.name}`,
        width: img.width, height: img.height, image_bytes: img.bytes, num_tokens: 0, level: 0, figure: block.figure, ocr: false,
      });
      counts['nodes.image']!++;
      if (img.reencoded) counts['images.reencoded']!++;
    } catch (err) {
      counts['images.unreadable']!++;
      problems.push(`page ${block.page}: image "${block.src}" left out: ${(err as Error).message}`);
    }
  }
  progress.stop();
  return { rows, counts, problems, htmlBookId };
}

/**
 * The `tokens` stage of one book: `<corpus>/build/<id>/book.html` -> nodes.arrow,
 * and its record in status/tokens.json. A book whose upstream failed gets an
 * empty nodes.arrow and a 'skipped' record; a missing book.html is a usage error;
 * an unreadable image is left out and named in the record's details.
 */
export async function runTokensStage(bookDir: string, opts: TokensOptions = {}): Promise<StageStatus> {
  const { corpusDir, bookId } = locateBook(bookDir);
  const paths = bookPaths(corpusDir, bookId);
  const config = opts.config ?? loadCorpusConfig(corpusPaths(corpusDir).config);
  const finish = (status: StageStatus, rows: NodeRow[]): StageStatus => {
    writeNodes(paths.nodes, rows);
    recordStage(paths.status, bookId, status);
    return status;
  };

  const upstream = failedBefore(paths.status, bookId, TOKENS_STAGE);
  if (upstream) {
    return finish({
      stage: TOKENS_STAGE, state: 'skipped', counts: {},
      details: [`skipped: stage "${upstream.stage}" failed for ${bookId} (${upstream.error?.message ?? 'no message'})`],
    }, []);
  }
  if (!existsSync(paths.html)) {
    const err = new Error(`${paths.html} does not exist: run \`mtb pdf-html ${paths.pdf} --out ${paths.dir}\` first`) as NodeJS.ErrnoException;
    err.code = 'ENOENT';
    throw err;
  }
  const html = readFileSync(paths.html, 'utf8');
  const { rows, counts, problems, htmlBookId } = await buildNodes(html, paths.dir, bookId, config, opts);
  if (htmlBookId !== null && htmlBookId !== bookId) {
    problems.unshift(`book.html says data-book="${htmlBookId}" but its folder is ${bookId}; the folder name is used`);
  }
  counts.pages = new Set(rows.map((r) => r.page)).size;
  return finish({ stage: TOKENS_STAGE, state: 'ok', counts, details: problems }, rows);
}
