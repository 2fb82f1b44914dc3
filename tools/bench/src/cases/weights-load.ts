import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCase } from '../types.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');
const CHILD = join(ROOT, 'tools/bench/src/cases/weights-load/child.ts');

/**
 * Loading a 2.2 GB (2.07 GiB) safetensors checkpoint (a LLaMA-sized-per-layer config:
 * hidden 2048, 6 layers, float32) into a FlamingoModel on the CPU backend, in
 * a fresh process: load time and the process's peak RSS, beside the file size
 * (the floor for a model held in memory) and the time `cat` takes to read the
 * file (the disk floor). The old whole-file path (readFileSync) cannot open it:
 * Node refuses files over 2 GiB. `--quick`: a 0.6 GB file.
 */
export async function cases(opts: { quick: boolean }): Promise<BenchCase[]> {
  let dir = '';
  let file = '';
  let config: import('@mtb/flamingo').FlamingoConfig | undefined;
  let last: { ms: number; maxRssMB: number; rssBeforeMB: number; parameters: number } | undefined;
  return [{
    name: 'weights-load',
    description: `load a ${opts.quick ? '0.6' : '2.2'} GB safetensors file tensor by tensor into a FlamingoModel (cpu backend, fresh process; baseline: cat of the file)`,
    repetitions: opts.quick ? 1 : 2,
    warmup: false,
    async setup() {
      const f = await import('@mtb/flamingo');
      config = { ...f.CONFIGS.small, name: 'weights-load', lm: { ...f.CONFIGS.small.lm, hidden: 2048, heads: 16, intermediate: opts.quick ? 1024 : 6016, layers: opts.quick ? 2 : 6 } };
      dir = mkdtempSync(join(tmpdir(), 'bench-weights-'));
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      file = join(dir, 'model.safetensors');
      // Written by the streaming writer from cheap deterministic values: one tensor in memory at a time.
      const tensors = new Map(f.parameterShapes(config).map((p) => [p.name, {
        shape: p.shape, dtype: 'F32' as const,
        read: () => {
          const n = p.shape.reduce((a, b) => a * b, 1);
          const out = new Float32Array(n);
          let s = n >>> 0;
          for (let i = 0; i < n; i++) {
            s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
            out[i] = (s / 2 ** 32 - 0.5) * 0.04;
          }
          return out;
        },
      }]));
      f.writeSafetensorsFile(file, tensors, { format: 'pt' });
    },
    async ours() {
      const out = execFileSync(process.execPath, ['--import', 'tsx', CHILD, file, JSON.stringify(config)], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 });
      last = JSON.parse(out.trim().split('\n').pop()!) as typeof last;
    },
    baseline: {
      name: 'cat file > /dev/null',
      async run() {
        execFileSync('sh', ['-c', `cat "${file}" > /dev/null`]);
      },
    },
    async extras() {
      const size = statSync(file).size;
      let wholeFileRead = 'ok';
      try {
        readFileSync(file);
      } catch (err) {
        wholeFileRead = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      }
      return {
        fileGB: Number((size / 1e9).toFixed(3)),
        loadSeconds: Number((last!.ms / 1000).toFixed(2)),
        loadMBps: Math.round(size / 1e6 / (last!.ms / 1000)),
        peakRssGB: Number((last!.maxRssMB / 1024).toFixed(2)),
        rssBeforeLoadGB: Number((last!.rssBeforeMB / 1024).toFixed(2)),
        peakRssOverFile: Number(((last!.maxRssMB * 2 ** 20) / size).toFixed(2)),
        readFileSyncOfWholeFile: wholeFileRead,
      };
    },
    async teardown() {
      rmSync(dir, { recursive: true, force: true });
    },
  }];
}
