import { Command } from 'commander';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordShardRun, shardRunFile } from '../cluster/shard-runs.js';
import { registerCluster } from './cluster.js';

/**
 * `mtb cluster slurm` and `mtb cluster status` without a scheduler: the scripts
 * they write, the usage errors, and the status of a corpus from run records
 * (packages/cli/test/slurm.test.ts runs them on a real Slurm cluster).
 */
let root = '';
/** An empty PATH: no sbatch or squeue, whatever this machine has installed. */
let noTools = '';

async function mtb(args: string[]): Promise<{ code: number; out: string }> {
  const program = new Command().exitOverride();
  registerCluster(program);
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const path = process.env.PATH;
  process.stdout.write = ((c: string | Uint8Array) => (chunks.push(String(c)), true)) as typeof process.stdout.write;
  process.env.PATH = noTools;
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'mtb', 'cluster', ...args]);
    return { code: Number(process.exitCode ?? 0), out: chunks.join('') };
  } finally {
    process.stdout.write = write;
    process.env.PATH = path;
    process.exitCode = undefined;
  }
}

/** A corpus of five (empty) PDFs: status and the scripts never open them. */
function corpus(name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'pdf'), { recursive: true });
  for (const b of ['a', 'b', 'c', 'd', 'e']) writeFileSync(join(dir, 'pdf', `${b}.pdf`), '');
  return dir;
}

/** What a finished shard leaves for the join, per book. */
function builtBooks(dir: string, books: string[]): void {
  for (const b of books) {
    mkdirSync(join(dir, 'build', b, 'status'), { recursive: true });
    for (const f of ['kept.arrow', 'signatures.arrow']) writeFileSync(join(dir, 'build', b, f), '');
    writeFileSync(join(dir, 'build', b, 'status', 'signatures.json'), JSON.stringify({ stage: 'signatures', state: 'ok' }));
  }
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cli-cluster-'));
  noTools = join(root, 'no-tools');
  mkdirSync(noTools);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('mtb cluster slurm', () => {
  it('writes an array of one task per shard and a join that waits on it, the same bytes for the same options', async () => {
    const dir = corpus('scripts');
    const args = ['slurm', dir, '--shards', '2', '--partition', 'cpu', '--cpus-per-task', '8', '--mem', '12G', '--time', '4:00:00', '--join-mem', '32G'];
    const r = await mtb(args);
    expect(r.code).toBe(0);
    const array = readFileSync(join(dir, 'slurm', 'build-shards.sbatch'), 'utf8');
    const joinScript = readFileSync(join(dir, 'slurm', 'join.sbatch'), 'utf8');
    expect(array).toContain('#SBATCH --array=0-1\n');
    expect(array).toContain('#SBATCH --partition=cpu\n#SBATCH --cpus-per-task=8\n#SBATCH --mem=12G\n#SBATCH --time=4:00:00\n');
    expect(array).toMatch(/exec \S+ \S+mtb\.js build \S+ --no-nx --shard "\$SLURM_ARRAY_TASK_ID\/2" --parallel "\$\{SLURM_CPUS_PER_TASK:-1\}"\n$/);
    expect(array).toContain(`#SBATCH --output=${join(dir, 'slurm', 'logs')}/shard-%a-of-2-job-%A.out`);
    expect(joinScript).toContain('#SBATCH --kill-on-invalid-dep=yes');
    expect(joinScript).toContain('#SBATCH --mem=32G\n');
    expect(joinScript).toContain(' --join --parallel');
    expect(statSync(join(dir, 'slurm', 'build-shards.sbatch')).mode & 0o111).toBeTruthy();
    expect(statSync(join(dir, 'slurm', 'logs')).isDirectory()).toBe(true);
    expect(r.out).toContain('sbatch --dependency=afterok:${jid%%;*}');
    await mtb(args);
    expect(readFileSync(join(dir, 'slurm', 'build-shards.sbatch'), 'utf8')).toBe(array);
    expect((await mtb(['slurm', dir, '--shards', '2', '--tasks', '1'])).code).toBe(0);
    expect(readFileSync(join(dir, 'slurm', 'build-shards.sbatch'), 'utf8')).toContain('#SBATCH --array=1\n');
  });

  it('refuses options that cannot make a job (exit 2), and says where sbatch is missing (exit 1)', async () => {
    const dir = corpus('bad');
    expect((await mtb(['slurm', dir, '--shards', '6'])).code).toBe(2); // more shards than books
    expect((await mtb(['slurm', dir, '--shards', '0'])).code).toBe(2);
    expect((await mtb(['slurm', dir, '--shards', '2', '--mem', '8 G'])).code).toBe(2);
    expect((await mtb(['slurm', dir, '--shards', '2', '--tasks', '2'])).code).toBe(2);
    expect((await mtb(['slurm', join(root, 'nowhere'), '--shards', '2'])).code).toBe(2);
    writeFileSync(join(dir, 'corpus.json'), '{"noSuchKey": 1}');
    await expect(mtb(['slurm', dir, '--shards', '2'])).rejects.toThrow(/noSuchKey/);
    rmSync(join(dir, 'corpus.json'));
    expect((await mtb(['slurm', dir, '--shards', '2', '--submit'])).code).toBe(1);
  });
});

describe('mtb cluster status', () => {
  it('reports shards from their run records and prints how to rerun only the missing ones', async () => {
    const dir = corpus('status');
    expect((await mtb(['status', dir])).code).toBe(2); // no plan, no record: no shard count to go by
    await mtb(['slurm', dir, '--shards', '2']);
    // Shard 0 (books a, c, e) ran; shard 1 (b, d) never did.
    builtBooks(dir, ['a', 'c', 'e']);
    await recordShardRun(dir, { shard: { index: 0, count: 2 }, books: ['a', 'c', 'e'] }, async () => undefined);
    const r = await mtb(['status', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/shard 0\/2 +done +3 books/);
    expect(r.out).toMatch(/shard 1\/2 +missing +2 books/);
    expect(r.out).toContain('(no Slurm queue: records only)');
    expect(r.out).toContain(`sbatch --parsable --array=1 ${join(dir, 'slurm', 'build-shards.sbatch')}`);
    expect(r.out).toContain(`without Slurm: mtb build ${dir} --no-nx --shard 1/2 && mtb build ${dir} --join`);

    // A run that throws is recorded as failed, with its error.
    await expect(recordShardRun(dir, { shard: { index: 1, count: 2 }, books: ['b', 'd'] }, async () => {
      throw new Error('disk full');
    })).rejects.toThrow('disk full');
    expect(JSON.parse(readFileSync(shardRunFile(dir, { index: 1, count: 2 }), 'utf8'))).toMatchObject({ state: 'failed', error: 'disk full', books: ['b', 'd'] });
    expect((await mtb(['status', dir])).out).toMatch(/shard 1\/2 +failed .*disk full/);

    builtBooks(dir, ['b', 'd']);
    await recordShardRun(dir, { shard: { index: 1, count: 2 }, books: ['b', 'd'] }, async () => undefined);
    const beforeJoin = await mtb(['status', dir]);
    expect(beforeJoin.out).toContain('every shard is done; run the join:');
    await recordShardRun(dir, { shard: 'join', books: ['a', 'b', 'c', 'd', 'e'] }, async () => undefined);
    const done = await mtb(['status', dir, '--json']);
    expect(done.code).toBe(0);
    const json = JSON.parse(done.out) as { shards: number; shardReports: Array<{ state: string }>; join: { state: string }; next: unknown };
    expect(json).toMatchObject({ shards: 2, join: { state: 'done' }, next: null });
    expect(json.shardReports.map((s) => s.state)).toEqual(['done', 'done']);
  });
});
