import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bookIdFromPath, parseCorpusConfig, type CorpusConfig } from '@mtb/core';
import { runPdfHtml } from '@mtb/pdf-html';
import { readNodes, runTokensStage, type NodeRow } from '@mtb/image-tokens';
import { runFilterStage } from '@mtb/dedup-filter';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const sharedPdf = join(repo, '..', 'shared', 'corpus', 'pdf');
export const sampleDir = join(repo, 'datasets', 'sample');
export const config = parseCorpusConfig({});

export interface Built { nodes: NodeRow[]; drops: Map<number, string> }

/** The filter stage run again over a built book with another corpus config: its drops by node. */
export async function refilter(root: string, id: string, other: CorpusConfig): Promise<Map<number, string>> {
  const dir = join(root, 'build', id);
  await runFilterStage(dir, { config: other });
  return dropsOf(dir);
}

function dropsOf(dir: string): Map<number, string> {
  const list = JSON.parse(readFileSync(join(dir, 'drops.json'), 'utf8')) as { drops: Array<{ seq: number; reason: string }> };
  return new Map(list.drops.map((d) => [d.seq, d.reason]));
}

/** pdf-html -> tokens -> filter, the way the build runs them, into a temporary corpus. */
export async function build(root: string, pdf: string): Promise<Built> {
  const id = bookIdFromPath(pdf);
  const dir = join(root, 'build', id);
  mkdirSync(dir, { recursive: true });
  await runPdfHtml(pdf, dir, { bookId: id, config });
  await runTokensStage(dir, { config, quiet: true });
  await runFilterStage(dir, { config });
  return { nodes: readNodes(join(dir, 'nodes.arrow')), drops: dropsOf(dir) };
}
