import { encodePlain, sha256Hex } from '@mtb/core';
import type { BenchCase } from '../types.js';

/**
 * The harness's own sanity case: the tokenizer on book-like text vs sha256 of
 * the same bytes. It shows the tokenizer's MB/s (DESIGN.md 7 expects ~0.7 MB/s),
 * the known cost every stage that counts tokens pays.
 */
export async function cases(opts: { quick: boolean }): Promise<BenchCase[]> {
  const words = 'the left ventricle pumps oxygenated blood through the aorta to the systemic circulation while the right ventricle'.split(' ');
  const parts: string[] = [];
  const target = opts.quick ? 50_000 : 400_000;
  let n = 0;
  for (let i = 0; n < target; i++) {
    const w = words[(i * 7919) % words.length]!;
    parts.push(w);
    n += w.length + 1;
  }
  const text = parts.join(' ');
  const mb = Buffer.byteLength(text) / 1e6;
  return [
    {
      name: 'tokenizer',
      description: 'llama-tokenizer-js encodePlain on book-like text (baseline: sha256 of the same bytes)',
      work: { unit: 'MB', amount: mb },
      repetitions: opts.quick ? 2 : 3,
      ours: async () => {
        encodePlain(text);
      },
      baseline: { name: 'sha256', run: async () => { sha256Hex(text); } },
    },
  ];
}
