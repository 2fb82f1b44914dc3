import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { installSlurm, jobStates, slurmSetupPlan, startSlurmCluster, waitFor, type SlurmCluster } from './slurm-cluster.js';
import { folderFiles } from './folder-files.js';
import { buildLockPath } from '../src/build/plan.js';

/**
 * `mtb cluster slurm` on a real scheduler: a one-node Slurm cluster (munged,
 * slurmctld, slurmd) on this machine runs a 3-shard build of three sample books
 * as a job array, and its join as a job that waits on the array. One array task
 * is cancelled while it runs (SIGTERM, as a time limit would), so Slurm cancels
 * the join too; `mtb cluster status` must name that shard, and the rerun line it
 * prints must finish the build. The shards must equal a single-machine build
 * byte for byte. Slurm comes from Debian (slurm-wlm, munge), installed here when
 * missing and possible; elsewhere the test is skipped with the reason.
 */
const ROOT = resolve(import.meta.dirname ?? '.', '..', '..', '..');
const MTB = join(ROOT, 'packages/cli/bin/mtb.js');
const SAMPLE = join(ROOT, 'datasets', 'sample', 'pdf');
// Sorted ids: shard 0 = cardiology-essentials (the largest of the three: it is still running when cancelled).
const BOOKS = ['cardiology-essentials', 'clinical-neurology-handbook', 'obstetrics-and-gynaecology-primer'];
const CANCELLED_SHARD = 0;

const plan = slurmSetupPlan();

function mtb(args: string[], env: NodeJS.ProcessEnv = process.env): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MTB, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

function corpus(dir: string): string {
  mkdirSync(join(dir, 'pdf'), { recursive: true });
  for (const b of BOOKS) cpSync(join(SAMPLE, `${b}.pdf`), join(dir, 'pdf', `${b}.pdf`));
  writeFileSync(join(dir, 'corpus.json'), JSON.stringify({ splitUnit: 'segment' }));
  return dir;
}

const describeSlurm = 'skip' in plan ? describe.skip : describe;
if ('skip' in plan) console.warn(`skipping the Slurm test: ${plan.skip}`);

describeSlurm('mtb cluster slurm on a one-node Slurm cluster', () => {
  let scratch = '';
  let cluster: SlurmCluster | undefined;

  beforeAll(async () => {
    if ('install' in plan && plan.install) installSlurm((m) => console.log(`slurm test: ${m}`));
    scratch = mkdtempSync(join(tmpdir(), 'mtb-slurm-'));
    chmodSync(scratch, 0o755); // munged runs as its own user and must reach its socket inside
    cluster = await startSlurmCluster(join(scratch, 'cluster'));
  }, 600_000);

  afterAll(async () => {
    await cluster?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  it('builds 3 shards as an array and joins them; a cancelled task is rerun alone; shards equal a single-machine build', async () => {
    const c = cluster!;
    const single = corpus(join(scratch, 'single', 'corpus'));
    const r0 = mtb(['--quiet', 'build', single, '--no-nx', '--parallel', '2']);
    expect(r0).toMatchObject({ code: 0 });

    const shared = corpus(join(scratch, 'shared', 'corpus'));
    const t0 = Date.now();
    const sub = mtb(['cluster', 'slurm', shared, '--shards', '3', '--cpus-per-task', '1', '--submit'], c.env);
    expect(sub).toMatchObject({ code: 0 });
    const [, arrayJob, joinJob] = /submitted array job (\d+) \(3 tasks\) and join job (\d+)/.exec(sub.stdout) ?? [];
    expect(arrayJob && joinJob).toBeTruthy();

    // Cancel one task while it runs, as a time limit would (SIGTERM): its run record must say so.
    const record = join(shared, 'report', 'cluster', `shard-${CANCELLED_SHARD}-of-3.json`);
    const state = (): string | undefined => (existsSync(record) ? (JSON.parse(readFileSync(record, 'utf8')) as { state: string }).state : undefined);
    await waitFor(`shard ${CANCELLED_SHARD} to start`, 120_000, () => state() !== undefined, 100);
    expect(state()).toBe('running');
    expect(spawnSync('scancel', [`${arrayJob}_${CANCELLED_SHARD}`], { env: c.env }).status).toBe(0);
    const final = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL']);
    await waitFor('the array and the join to end', 240_000, () => [...jobStates(c.env, arrayJob!), ...jobStates(c.env, joinJob!)].every((s) => final.has(s)), 500);
    const firstPassMs = Date.now() - t0;
    expect(jobStates(c.env, joinJob!)).toEqual(['CANCELLED']); // --kill-on-invalid-dep: not pending forever

    const status = mtb(['cluster', 'status', shared], c.env);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(new RegExp(`shard ${CANCELLED_SHARD}/3 +failed .*SIGTERM`));
    for (const i of [0, 1, 2].filter((i) => i !== CANCELLED_SHARD)) expect(status.stdout).toMatch(new RegExp(`shard ${i}/3 +done`));
    // The cancelled run released its shard's build lock on the way out: a rerun on another node is not held up.
    expect(existsSync(buildLockPath(shared, { index: CANCELLED_SHARD, count: 3 }))).toBe(false);
    const rerun = /^ {2}(jid=\$\(sbatch --parsable --array=\d+ .*)$/m.exec(status.stdout)?.[1];
    expect(rerun).toContain(`--array=${CANCELLED_SHARD} `);

    // The printed line, as a user would paste it: only that task, then the join.
    const t1 = Date.now();
    const again = spawnSync('bash', ['-c', rerun!], { env: c.env, encoding: 'utf8' });
    expect(again.status).toBe(0);
    let last = '';
    await waitFor('the rerun and the join', 300_000, () => {
      const s = mtb(['cluster', 'status', shared], c.env);
      last = s.stdout + s.stderr;
      return s.code === 0;
    }, 1000).catch((err: Error) => {
      throw new Error(`${err.message}\n${last}\n${c.logs()}`);
    });
    console.log(`slurm test: first pass (3 tasks, one cancelled, join cancelled) ${(firstPassMs / 1000).toFixed(1)} s; rerun of 1 task + join ${((Date.now() - t1) / 1000).toFixed(1)} s`);

    const want = folderFiles(join(single, 'shards'));
    const got = folderFiles(join(shared, 'shards'));
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    expect([...want.keys()].some((f) => f.endsWith('.arrow'))).toBe(true);
    for (const [f, bytes] of want) expect({ f, same: got.get(f)!.equals(bytes) }).toEqual({ f, same: true });
    // Every task wrote its log where the script said.
    expect(readdirSync(join(shared, 'slurm', 'logs')).filter((f) => f.startsWith('shard-')).length).toBe(4);
  }, 900_000);
});
