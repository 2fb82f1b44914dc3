import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readMetrics } from '../src/train/metrics.js';
import { writeShards } from './train-fixtures.js';

/**
 * The resume promise as a user meets it: `mtb train` killed with SIGKILL at a
 * random moment after some checkpoint, then `mtb train --resume`, gives for
 * every following step the loss the uninterrupted run had (CPU backend).
 */
const ROOT = resolve(import.meta.dirname ?? '.', '..', '..', '..');
const MTB = join(ROOT, 'packages/cli/bin/mtb.js');
const STEPS = 5;

let root = '';
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'mtb-train-kill-'));
  await writeShards(join(root, 'mtb'), 8, 'mtb');
  await writeShards(join(root, 'pmc'), 8, 'pmc-oa');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function configFile(name: string): { file: string; outDir: string } {
  const outDir = join(root, name);
  const file = join(root, `${name}.json`);
  writeFileSync(file, JSON.stringify({
    model: 'tiny', sources: [{ dir: join(root, 'mtb') }, { dir: join(root, 'pmc') }], eval: [],
    batchSize: 1, accumulation: 1, lr: 1e-2, warmupSteps: 1, schedule: 'cosine', steps: STEPS,
    checkpointEvery: 1, keepCheckpoints: 2, evalEvery: 0, logEvery: 1, outDir, seed: 11, backend: 'cpu',
    loader: { maxTokens: 32, maxImages: 1, workers: 0 },
  }));
  return { file, outDir };
}

/** Loss per step from metrics.jsonl (a resumed run appends; the last record of a step wins). */
function lossesByStep(outDir: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of readMetrics(join(outDir, 'metrics.jsonl'))) if (r.kind === 'train') out.set(r.step, r.loss);
  return out;
}

function latestStep(outDir: string): number {
  const latest = join(outDir, 'checkpoints', 'latest.json');
  if (!existsSync(latest)) return 0;
  try {
    const { dir } = JSON.parse(readFileSync(latest, 'utf8')) as { dir: string };
    return Number(/(\d+)$/.exec(dir)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

test('SIGKILL after a random checkpoint, then --resume: every later loss equals the uninterrupted run\'s', async () => {
  const whole = configFile('whole');
  const r = spawnSync(process.execPath, [MTB, '--quiet', 'train', '--config', whole.file], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const want = lossesByStep(whole.outDir);
  expect([...want.keys()]).toEqual([1, 2, 3, 4, 5]);

  // A seeded "random" kill point: once checkpoint k exists, kill at once, wherever the run is.
  const k = 1 + (Number(process.env.MTB_KILL_SEED ?? 20261129) % (STEPS - 2));
  const split = configFile('split');
  const child = spawn(process.execPath, [MTB, '--quiet', 'train', '--config', split.file], { cwd: ROOT, stdio: 'ignore' });
  const killedAt = await new Promise<number>((resolveKill, reject) => {
    const poll = setInterval(() => {
      const step = latestStep(split.outDir);
      if (step >= k) {
        clearInterval(poll);
        child.kill('SIGKILL');
        resolveKill(step);
      }
    }, 5);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') {
        clearInterval(poll);
        reject(new Error(`the run ended (${code}) before checkpoint ${k} was seen`));
      }
    });
  });
  expect(killedAt).toBeLessThan(STEPS);

  const again = spawnSync(process.execPath, [MTB, '--quiet', 'train', '--config', split.file, '--resume'], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  expect(again.status).toBe(0);
  const got = lossesByStep(split.outDir);
  expect(latestStep(split.outDir)).toBe(STEPS);
  // It resumed, not restarted: the steps up to the checkpoint were trained once, by the killed run.
  const records = readMetrics(join(split.outDir, 'metrics.jsonl')).filter((m) => m.kind === 'train');
  for (let step = 1; step <= killedAt; step++) expect(records.filter((m) => m.step === step)).toHaveLength(1);
  for (let step = 1; step <= STEPS; step++) {
    expect(got.has(step)).toBe(true);
    expect(Math.abs(got.get(step)! - want.get(step)!)).toBeLessThan(1e-6);
  }
}, 300_000);
