import { mkdirSync, readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { MODULES } from './cases/index.js';
import { runCase } from './run-case.js';
import { formatTable } from './format.js';
import type { CaseResult } from './types.js';
// @ts-expect-error plain JavaScript next to mtb's bin, loaded before tsx: no types.
import { relaunchEnv } from '../../../packages/cli/bin/malloc-arenas.js';

// The processes a case starts (a stage against its baseline, each measured whole) run under the allocator
// settings mtb runs its stages with, baseline and ours alike.
Object.assign(process.env, relaunchEnv(process.env, process.platform) ?? {});

const program = new Command()
  .name('npm run bench --')
  .description('Run the named benchmarks (all by default): ours vs baseline, alternating, medians and ratios.')
  .argument('[filters...]', 'module or case names (substring match)')
  .option('--quick', 'smaller inputs and fewer repetitions (a smoke run)')
  .option('--reps <n>', 'repetitions per case', '3')
  .option('--out <dir>', 'where results JSON goes', 'bench-results')
  .option('--compare <file>', 'a previous results JSON to compare against (default: the latest in --out)')
  .option('--list', 'list the benchmark modules and exit')
  .parse(process.argv);

const opts = program.opts<{ quick?: boolean; reps: string; out: string; compare?: string; list?: boolean }>();
const filters = program.args;

if (opts.list) {
  for (const name of Object.keys(MODULES)) process.stdout.write(`${name}\n`);
  process.exit(0);
}

const outDir = resolve(opts.out);
function latestResults(): string | undefined {
  if (!existsSync(outDir)) return undefined;
  const files = readdirSync(outDir).filter((f) => /^bench-.*\.json$/.test(f)).sort();
  return files.length ? join(outDir, files[files.length - 1]!) : undefined;
}
const compareFile = opts.compare ?? latestResults();
const previous = new Map<string, CaseResult>();
if (compareFile && existsSync(compareFile)) {
  for (const r of (JSON.parse(readFileSync(compareFile, 'utf8')) as { results: CaseResult[] }).results) previous.set(r.name, r);
}

const results: CaseResult[] = [];
const reps = Number(opts.reps);
for (const [modName, mod] of Object.entries(MODULES)) {
  const wanted = (name: string): boolean => filters.length === 0 || filters.some((f) => modName.includes(f) || name.includes(f));
  let cases;
  try {
    cases = await mod.cases({ quick: !!opts.quick });
  } catch (err) {
    results.push({ name: modName, description: 'module setup failed', repetitions: 0, oursMs: [], oursMedianMs: NaN, error: (err as Error).stack ?? String(err) });
    continue;
  }
  for (const c of cases) {
    if (!wanted(c.name)) continue;
    process.stderr.write(`bench: ${c.name} ...\n`);
    const r = await runCase(c, opts.quick ? Math.min(reps, 2) : reps);
    if (r.error) process.stderr.write(`bench: ${c.name} failed: ${r.error}\n`);
    results.push(r);
  }
}

process.stdout.write(formatTable(results, previous.size ? previous : undefined) + '\n');
if (compareFile && previous.size) process.stdout.write(`(vs previous run: ${compareFile}; ratio column normalises by the baseline measured in the same run)\n`);
mkdirSync(outDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const file = join(outDir, `bench-${stamp}.json`);
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, quick: !!opts.quick, results }, null, 2) + '\n');
process.stdout.write(`results: ${file}\n`);
process.exitCode = results.some((r) => r.error) ? 1 : 0;
