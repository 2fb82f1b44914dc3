import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, openSync, readFileSync, writeFileSync, chmodSync, existsSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';

/**
 * A one-node Slurm cluster on this machine for tests: Debian's slurm-wlm and
 * munge, installed on demand where apt and root are there, and three daemons
 * (munged, slurmctld, slurmd) started in the foreground so their process ids
 * are ours to stop. Everything lives in one folder: the munge key and socket,
 * slurm.conf on free ports, state, spool and logs. No systemd and no cgroups:
 * proctrack/linuxproc, task/none; no slurmdbd, so no sacct.
 */

const BINARIES = ['sbatch', 'squeue', 'scontrol', 'scancel', 'sinfo', 'slurmctld', 'slurmd', 'munged', 'mungekey'];

/** A program's path: on PATH, or in /usr/sbin where Debian puts the daemons (not on every user's PATH). */
function bin(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  return existsSync(`/usr/sbin/${name}`) ? `/usr/sbin/${name}` : undefined;
}

function missingBinaries(): string[] {
  return BINARIES.filter((b) => !bin(b));
}

/**
 * Whether the cluster can be had here: installed already, installable (root
 * and apt-get: CI installs it the way it installs chromium), or not, and why.
 * Cheap and synchronous, so a test can decide to skip when it is defined.
 */
export function slurmSetupPlan(): { install: boolean } | { skip: string } {
  if (process.platform !== 'linux') return { skip: `the Slurm test needs Linux (this is ${process.platform})` };
  const missing = missingBinaries();
  if (!missing.length) return { install: false };
  if (process.getuid?.() !== 0) return { skip: `${missing.join(', ')} not installed, and installing slurm-wlm and munge needs root (apt-get install slurm-wlm munge)` };
  if (spawnSync('sh', ['-c', 'command -v apt-get']).status !== 0) return { skip: `${missing.join(', ')} not installed, and there is no apt-get to install slurm-wlm and munge` };
  return { install: true };
}

/** apt-get install slurm-wlm munge (about 15 s after the package lists); throws with apt's message. */
export function installSlurm(log: (m: string) => void): void {
  log('installing slurm-wlm and munge with apt-get');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Another apt run (a parallel CI job) may hold the lock: wait for it rather than fail.
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  const update = spawnSync('apt-get', [...lock, 'update', '-qq'], { env, encoding: 'utf8', timeout: 300_000 });
  if (update.status !== 0) throw new Error(`apt-get update failed: ${(update.stderr || '').trim().slice(-400)}`);
  const install = spawnSync('apt-get', [...lock, 'install', '-y', '-qq', '--no-install-recommends', 'slurm-wlm', 'munge'], { env, encoding: 'utf8', timeout: 600_000 });
  if (install.status !== 0) throw new Error(`apt-get install slurm-wlm munge failed: ${(install.stderr || '').trim().slice(-400)}`);
  const still = missingBinaries();
  if (still.length) throw new Error(`after apt-get install slurm-wlm munge, still missing: ${still.join(', ')}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function userIds(name: string): { uid: number; gid: number } {
  const uid = Number(spawnSync('id', ['-u', name], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', name], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`no "${name}" user: the munge package creates it`);
  return { uid, gid };
}

export interface SlurmCluster {
  dir: string;
  /** Environment for client commands (sbatch, squeue, scontrol, mtb cluster): SLURM_CONF points at our slurm.conf. */
  env: NodeJS.ProcessEnv;
  /** The daemons' process ids, stopped by stop(). */
  pids: number[];
  stop(): Promise<void>;
  /** The last lines of every daemon log, for a failure message. */
  logs(): string;
}

/** Waits until `check` is true, polling; throws with `what` after `ms`. */
export async function waitFor(what: string, ms: number, check: () => boolean, every = 300): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** `dir` and the folders above it must be searchable by the munge user (munged's socket lives inside). */
export async function startSlurmCluster(dir: string): Promise<SlurmCluster> {
  const host = hostname().split('.')[0]!;
  const munge = userIds('munge');
  // munged wants its socket folder owned by it and searchable by all, its key readable by it alone.
  const mungeDir = join(dir, 'munge');
  mkdirSync(mungeDir, { recursive: true });
  chmodSync(dir, 0o755);
  chownSync(mungeDir, munge.uid, munge.gid);
  chmodSync(mungeDir, 0o755);
  const key = join(mungeDir, 'munge.key');
  const socket = join(mungeDir, 'munge.socket');
  for (const d of ['state', 'spool', 'log']) mkdirSync(join(dir, d), { recursive: true });
  const children: ChildProcess[] = [];
  const out = (name: string): number => openSync(join(dir, 'log', `${name}.out`), 'a');
  const started = (name: string, cmd: string, args: string[], opts: { uid?: number; gid?: number } = {}): ChildProcess => {
    const fd = out(name);
    const child = spawn(cmd, args, { stdio: ['ignore', fd, fd], ...opts });
    closeSync(fd);
    child.on('error', () => {});
    children.push(child);
    return child;
  };
  const stop = async (): Promise<void> => {
    // Reverse order of start; each by its own pid, SIGTERM then SIGKILL.
    for (const child of [...children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null || !child.pid) continue;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      process.kill(child.pid, 'SIGTERM');
      const t = setTimeout(() => child.pid && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
  };
  const logs = (): string =>
    ['munged.out', 'slurmctld.log', 'slurmd.log', 'slurmctld.out', 'slurmd.out']
      .map((f) => join(dir, 'log', f))
      .filter((f) => existsSync(f))
      .map((f) => `--- ${f}\n${readFileSync(f, 'utf8').trim().split('\n').slice(-15).join('\n')}`)
      .join('\n');
  try {
    const keygen = spawnSync(bin('mungekey')!, ['--create', `--keyfile=${key}`], { uid: munge.uid, gid: munge.gid, encoding: 'utf8' });
    if (keygen.status !== 0) throw new Error(`mungekey failed: ${keygen.stderr}`);
    started('munged', bin('munged')!, ['--foreground', `--socket=${socket}`, `--key-file=${key}`, `--pid-file=${join(mungeDir, 'munged.pid')}`, `--log-file=${join(mungeDir, 'munged.log')}`, `--seed-file=${join(mungeDir, 'munged.seed')}`], munge);
    await waitFor('munged to open its socket', 20_000, () => existsSync(socket));
    const [ctldPort, dPort] = [await freePort(), await freePort()];
    const conf = join(dir, 'slurm.conf');
    writeFileSync(conf, [
      `ClusterName=mtbtest`,
      // Addresses given, so nothing depends on the hostname resolving (a container's often does not).
      `SlurmctldHost=${host}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      `AuthInfo=socket=${socket}`,
      'CredType=cred/munge',
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      // No systemd, no cgroups here.
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'SchedulerType=sched/backfill',
      'MpiDefault=none',
      'ReturnToService=2',
      'JobCompType=jobcomp/none',
      'AccountingStorageType=accounting_storage/none',
      // Finished jobs stay visible to scontrol for a while (no slurmdbd, no sacct).
      'MinJobAge=600',
      `NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus().length} State=UNKNOWN`,
      'PartitionName=mtb Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'));
    const env = { ...process.env, SLURM_CONF: conf };
    started('slurmctld', bin('slurmctld')!, ['-D', '-f', conf]);
    started('slurmd', bin('slurmd')!, ['-D', '-f', conf]);
    await waitFor('the node to be idle', 60_000, () => {
      const r = spawnSync('sinfo', ['--noheader', '--format=%T'], { env, encoding: 'utf8' });
      return r.status === 0 && r.stdout.trim() === 'idle';
    }, 500);
    return { dir, env, pids: children.map((c) => c.pid!), stop, logs };
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${logs()}`);
  }
}

/** A job's state from scontrol (no sacct without slurmdbd): COMPLETED, FAILED, CANCELLED, PENDING, ... per job or array task. */
export function jobStates(env: NodeJS.ProcessEnv, jobId: string): string[] {
  const r = spawnSync('scontrol', ['--oneliner', 'show', 'job', jobId], { env, encoding: 'utf8' });
  if (r.status !== 0) return [];
  return r.stdout.trim().split('\n').map((l) => /JobState=(\S+)/.exec(l)?.[1] ?? 'UNKNOWN');
}
