import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PUBLIC_SPLIT_FILES, type Split } from './split.js';

/** One jsonl file to read; `split` is fixed by a public split file, null = hash split per row. */
export interface InputFile {
  file: string;
  split: Split | null;
}

export interface InputLayout {
  kind: 'public-split' | 'hash-split';
  files: InputFile[];
}

/** Single-file releases, most current first (pmc_oa_beta has whole-figure captions). */
export const SINGLE_FILES = ['pmc_oa.jsonl', 'pmc_oa_beta.jsonl'] as const;

export class InputError extends Error {
  override name = 'InputError';
}

/**
 * What to read from a path as PMC-OA distributes it:
 * - a folder with `train.jsonl` / `valid.jsonl` / `test.jsonl` (any present): the
 *   public split, train -> train, valid -> eval, test -> test;
 * - else a folder with `pmc_oa.jsonl` (or `pmc_oa_beta.jsonl`): hash split;
 * - a file named like a public split file: that split only;
 * - any other `.jsonl` file: hash split.
 */
export function resolveInputs(path: string): InputLayout {
  if (!existsSync(path)) throw new InputError(`${path}: no such file or folder; pass PMC-OA's jsonl file or the folder holding train/valid/test.jsonl or pmc_oa.jsonl`);
  if (statSync(path).isFile()) {
    const pub = PUBLIC_SPLIT_FILES.find((p) => p.file === basename(path));
    return pub ? { kind: 'public-split', files: [{ file: path, split: pub.split }] } : { kind: 'hash-split', files: [{ file: path, split: null }] };
  }
  const publicFiles = PUBLIC_SPLIT_FILES.filter((p) => existsSync(join(path, p.file))).map((p) => ({ file: join(path, p.file), split: p.split }));
  if (publicFiles.length > 0) return { kind: 'public-split', files: publicFiles };
  const single = SINGLE_FILES.find((f) => existsSync(join(path, f)));
  if (single) return { kind: 'hash-split', files: [{ file: join(path, single), split: null }] };
  throw new InputError(
    `${path}: no PMC-OA metadata found; expected ${PUBLIC_SPLIT_FILES.map((p) => p.file).join(', ')} or ${SINGLE_FILES.join(' / ')} in this folder, or pass a .jsonl file`,
  );
}
