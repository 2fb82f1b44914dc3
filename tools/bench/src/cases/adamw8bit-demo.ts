import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCase } from '../types.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');

/**
 * The training demo (packages/flamingo/demo/tiny.json on the sample shards,
 * 200 steps on the default backend) with fp32 AdamW state and with
 * bitsandbytes' 8-bit blockwise state: wall time, train and eval loss first
 * and last, and the 8-bit run's final losses against the fp32 run's (the
 * baseline). Needs `npm start` first (the sample shards). `--quick`: 40 steps.
 */
export async function cases(opts: { quick: boolean }): Promise<BenchCase[]> {
  const runs: Record<'fp32' | '8bit', { seconds: number; train: number[]; evals: number[]; skipped: number } | undefined> = { fp32: undefined, '8bit': undefined };
  let root = '';
  const run = async (bits: 32 | 8): Promise<void> => {
    const f = await import('@mtb/flamingo');
    const config = f.loadTrainConfig(join(ROOT, 'packages/flamingo/demo/tiny.json'));
    const cwd = process.cwd();
    process.chdir(ROOT);
    try {
      const s = await f.runTraining({ ...config, optimizerBits: bits, outDir: join(root, `demo-${bits}`) }, { restart: true, ...(opts.quick ? { maxSteps: 40 } : {}) });
      runs[bits === 32 ? 'fp32' : '8bit'] = { seconds: s.seconds, train: s.losses.filter(Number.isFinite), evals: s.evals.map((e) => e.result.loss), skipped: s.skipped };
    } finally {
      process.chdir(cwd);
    }
  };
  return [{
    name: 'adamw8bit-demo',
    description: `npm run train:demo's run (${opts.quick ? '40' : '200'} steps, default backend) with 8-bit AdamW state (baseline: fp32 AdamW state)`,
    repetitions: 1,
    warmup: false,
    async setup() {
      root = mkdtempSync(join(tmpdir(), 'bench-demo-'));
      process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    },
    async ours() {
      await run(8);
    },
    baseline: {
      name: 'fp32 AdamW state',
      async run() {
        await run(32);
      },
    },
    async extras() {
      const out: Record<string, number | string> = {};
      for (const [k, r] of Object.entries(runs)) {
        if (!r) continue;
        out[`${k}Seconds`] = Number(r.seconds.toFixed(1));
        out[`${k}TrainFirst`] = Number(r.train[0]!.toFixed(4));
        out[`${k}TrainLast`] = Number(r.train[r.train.length - 1]!.toFixed(4));
        out[`${k}EvalFirst`] = Number(r.evals[0]!.toFixed(4));
        out[`${k}EvalLast`] = Number(r.evals[r.evals.length - 1]!.toFixed(4));
        out[`${k}EvalFall`] = `${(100 * (1 - r.evals[r.evals.length - 1]! / r.evals[0]!)).toFixed(1)}%`;
        out[`${k}Skipped`] = r.skipped;
      }
      const a = runs['8bit'];
      const b = runs.fp32;
      if (a && b) {
        out.finalTrainLoss8bitVsFp32 = `${(100 * (a.train[a.train.length - 1]! / b.train[b.train.length - 1]! - 1)).toFixed(3)}%`;
        out.finalEvalLoss8bitVsFp32 = `${(100 * (a.evals[a.evals.length - 1]! / b.evals[b.evals.length - 1]! - 1)).toFixed(3)}%`;
      }
      return out;
    },
    async teardown() {
      rmSync(root, { recursive: true, force: true });
    },
  }];
}
