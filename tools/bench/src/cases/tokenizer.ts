import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePlain, encodePlainReference, clearTokenCache } from '@mtb/core';
import type { BenchCase } from '../types.js';

/**
 * Token counting is paid by every stage that measures text (DESIGN.md 7: the
 * library runs ~0.7 MB/s). Ours memoises whitespace chunks and must give the
 * same ids; the baseline is llama-tokenizer-js on the whole text. Each run
 * starts with a cold cache, as a fresh per-book stage process does.
 */
export async function cases(opts: { quick: boolean }): Promise<BenchCase[]> {
  const file = join(process.cwd(), '..', 'shared', 'corpus', 'captions', 'roco-validation-radiology-captions.tsv');
  const lines = readFileSync(file, 'utf8').split('\n').map((l) => l.split('\t')[1] ?? '').filter(Boolean);
  const text = lines.slice(0, opts.quick ? 500 : 3000).join('\n');
  const mb = Buffer.byteLength(text) / 1e6;
  let same = 0;
  return [
    {
      name: 'tokenizer',
      description: 'memoised LLaMA tokenizer vs llama-tokenizer-js, real captions, cold cache each run',
      work: { unit: 'MB', amount: mb },
      repetitions: opts.quick ? 2 : 3,
      ours: async () => {
        clearTokenCache();
        encodePlain(text);
      },
      baseline: { name: 'llama-tokenizer-js', run: async () => { encodePlainReference(text); } },
      extras: async () => {
        clearTokenCache();
        same = JSON.stringify(encodePlain(text)) === JSON.stringify(encodePlainReference(text)) ? 1 : 0;
        return { identicalIds: same ? 'yes' : 'NO', tokens: encodePlain(text).length };
      },
    },
  ];
}
