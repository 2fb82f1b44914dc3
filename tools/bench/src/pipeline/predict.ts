// Print the SCALING.md model's inputs and predictions from a measured build:
//   node --import tsx tools/bench/src/pipeline/predict.ts --corpus <built corpus> \
//     --times <build-times.json of an --isolate process build of it> \
//     --join <paragraphs>,<seconds>,<peakMB> [--scaling <wall p1 / wall p2>]
// --join is the dedup-join bench's figure (`npm run bench -- dedup-join`).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { WORKSPACE } from './corpus.js';
import { corpusWork, type BuildTimes } from './measure.js';
import { formatModel, predict, stageCpu, type Measured } from './model.js';

/** CPU and RSS of an `mtb` process that only prints its help: the fixed cost of every stage process. */
async function startupCost(): Promise<{ cpuMs: number; rssMb: number }> {
  const runs: Array<{ cpuMs: number; rssMb: number }> = [];
  for (let i = 0; i < 3; i++) {
    const usage = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, [join(WORKSPACE, 'packages/cli/src/build/stage-child.mjs'), '--help'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
      const out: string[] = [];
      child.stdio[3]!.on('data', (b: Buffer) => out.push(b.toString()));
      child.on('close', () => resolve(out.join('')));
    });
    const u = JSON.parse(usage) as NodeJS.ResourceUsage;
    runs.push({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, rssMb: u.maxRSS / 1024 });
  }
  runs.sort((a, b) => a.cpuMs - b.cpuMs);
  return runs[1]!;
}

function bytesUnder(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? bytesUnder(p) : statSync(p).size;
  }
  return n;
}

const opts = new Command()
  .requiredOption('--corpus <dir>', 'a built corpus (build/, shards/, report/stats.json)')
  .requiredOption('--times <file>', 'build-times.json of an `mtb build --no-nx --isolate process` build of that corpus (or a JSON with it under "times")')
  .requiredOption('--join <p,s,mb>', 'dedup join at scale: paragraph signatures, seconds, peak MB')
  .option('--scaling <ratio>', 'wall(p1) / wall(p2) measured on this machine')
  .option('--worker-times <file>', 'build-times.json of an --isolate worker build of the same corpus: memory per worker, corpus-step times')
  .option('--html-page-ms <ms>', 'html CPU per page to use instead of the measured one (e.g. real illustrated textbooks)')
  .option('--nx-task-ms <ms>', "CPU Nx mode adds per task: (Nx build CPU - direct build CPU) / tasks (default: one process startup per task, as before Nx batch mode)")
  .parse(process.argv)
  .opts<{ corpus: string; times: string; join: string; scaling?: string; workerTimes?: string; htmlPageMs?: string; nxTaskMs?: string }>();
const workerTimes = opts.workerTimes ? (JSON.parse(readFileSync(opts.workerTimes, 'utf8')) as BuildTimes) : undefined;

const raw = JSON.parse(readFileSync(opts.times, 'utf8')) as BuildTimes | { times: BuildTimes };
const times = 'times' in raw ? raw.times : raw;
const work = corpusWork(opts.corpus);
const stats = JSON.parse(readFileSync(join(opts.corpus, 'report', 'stats.json'), 'utf8')) as { tokens: { kept: number } };
let paragraphs = 0;
for (const id of readdirSync(join(opts.corpus, 'build'))) {
  const f = join(opts.corpus, 'build', id, 'status', 'signatures.json');
  if (existsSync(f)) paragraphs += (JSON.parse(readFileSync(f, 'utf8')) as { counts: Record<string, number> }).counts['text.rows'] ?? 0;
}
const startup = await startupCost();
const [jp, js, jm] = opts.join.split(',').map(Number) as [number, number, number];
const m: Measured = {
  stages: stageCpu(
    Object.entries(times.byStage).map(([stage, s]) => ({ stage, cpuMs: s.cpuMs ?? 0, tasks: s.tasks })),
    startup.cpuMs,
    workerTimes?.cpuMs !== undefined ? { cpuMs: workerTimes.cpuMs, parallel: workerTimes.parallel, byStage: workerTimes.byStage } : undefined,
  ),
  startupCpuMs: startup.cpuMs,
  startupRssMb: startup.rssMb,
  perBookPeakRssMb: Math.max(...Object.values(times.byStage).map((s) => s.maxRssMb ?? 0)),
  books: work.books,
  pages: work.pages,
  images: work.images,
  tokensExtracted: work.tokens,
  tokensKept: stats.tokens.kept,
  paragraphs,
  buildBytes: bytesUnder(join(opts.corpus, 'build')),
  shardBytes: bytesUnder(join(opts.corpus, 'shards')),
  join: { paragraphs: jp, seconds: js, peakMb: jm },
  scalingP1P2: opts.scaling ? Number(opts.scaling) : undefined,
  perWorkerPeakRssMb: workerTimes?.peakRssMb ? workerTimes.peakRssMb / workerTimes.parallel : undefined,
  htmlMsPerPage: opts.htmlPageMs ? Number(opts.htmlPageMs) : undefined,
  nxTaskCpuMs: opts.nxTaskMs ? Number(opts.nxTaskMs) : undefined,
};
process.stdout.write(`measured: ${JSON.stringify({ ...m, stages: undefined })}\n`);
process.stdout.write(`stage CPU net of startup (ms): ${m.stages.map((s) => `${s.stage} ${Math.round(s.cpuMs)}`).join(', ')}\n`);
process.stdout.write(formatModel(predict(m)) + '\n');
