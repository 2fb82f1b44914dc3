import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { join } from 'node:path';
import { WORKSPACE } from './corpus.js';

export const STAGES = ['html', 'tokens', 'filter', 'signatures', 'dedup', 'segments', 'shards'] as const;

export interface BuildTimes {
  wallMs: number;
  parallel: number;
  mode: 'nx' | 'direct';
  isolate?: string;
  peakRssMb?: number;
  cpuMs?: number;
  byStage: Record<string, { tasks: number; ms: number; maxRssMb?: number; cpuMs?: number }>;
  tasks: Array<{ stage: string; ms: number; task: string; cached?: boolean; maxRssMb?: number }>;
}

export interface BuildRun { wallMs: number; times: BuildTimes }

/** A fresh copy of a corpus's inputs (pdf/, corpus.json, books.json), without any build output. */
export function copyCorpusInputs(src: string, dest: string): void {
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  cpSync(join(src, 'pdf'), join(dest, 'pdf'), { recursive: true });
  for (const f of ['corpus.json', 'books.json']) if (existsSync(join(src, f))) cpSync(join(src, f), join(dest, f));
}

/** Remove the outputs of a build, keeping the inputs, so the next direct build starts from nothing. */
export function cleanOutputs(corpusDir: string): void {
  for (const d of ['build', 'shards', 'report']) rmSync(join(corpusDir, d), { recursive: true, force: true });
}

/**
 * `mtb build` as a user runs it (its own process, from the workspace root),
 * then its build-times.json. `workspace` may be a copy of this workspace, so
 * that Nx hashes a frozen copy of the sources.
 */
export async function runBuild(corpusDir: string, args: string[], workspace = WORKSPACE, env: NodeJS.ProcessEnv = {}): Promise<BuildRun> {
  const t0 = Date.now();
  const out: string[] = [];
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [join(workspace, 'packages/cli/bin/mtb.js'), '--quiet', 'build', corpusDir, ...args], {
      cwd: workspace, env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (b: Buffer) => out.push(b.toString()));
    child.stderr.on('data', (b: Buffer) => out.push(b.toString()));
    child.on('close', (c) => resolve(c ?? 1));
  });
  const wallMs = Date.now() - t0;
  if (code !== 0) throw new Error(`mtb build ${corpusDir} ${args.join(' ')} failed (exit ${code}):\n${out.join('').slice(-4000)}`);
  const times = JSON.parse(readFileSync(join(corpusDir, 'report', 'build-times.json'), 'utf8')) as BuildTimes;
  return { wallMs, times };
}

export interface Work { books: number; pages: number; images: number; tokens: number }

/** What the corpus holds, from the stages' own status counts: pages and images (html), tokens (tokens). */
export function corpusWork(corpusDir: string): Work {
  const w: Work = { books: 0, pages: 0, images: 0, tokens: 0 };
  const build = join(corpusDir, 'build');
  for (const id of readdirSync(build)) {
    if (id.startsWith('_')) continue;
    const counts = (stage: string): Record<string, number> => {
      const f = join(build, id, 'status', `${stage}.json`);
      return existsSync(f) ? ((JSON.parse(readFileSync(f, 'utf8')) as { counts?: Record<string, number> }).counts ?? {}) : {};
    };
    w.books += 1;
    w.pages += counts('html').pages ?? 0;
    w.images += counts('html')['images.extracted'] ?? 0;
    w.tokens += counts('tokens').tokens ?? 0;
  }
  return w;
}

/**
 * Per stage (with detail): its share of all task time, its throughput over its
 * summed task time (so per busy core), and, when the build measured them, the
 * largest peak RSS of one of its tasks and its CPU time; then the whole
 * build's wall time, throughput, peak RSS and CPU.
 */
export function stageFigures(times: BuildTimes, work: Work, prefix: string, detail = true): Record<string, number> {
  const out: Record<string, number> = {};
  const total = STAGES.reduce((s, st) => s + (times.byStage[st]?.ms ?? 0), 0);
  for (const st of detail ? STAGES : []) {
    const s = times.byStage[st];
    if (!s) continue;
    const sec = s.ms / 1000;
    out[`${prefix}${st}.share%`] = round((100 * s.ms) / total);
    // html works on pages and images; the other stages' work grows with tokens.
    if (st === 'html') {
      out[`${prefix}${st}.pages/s`] = round(work.pages / sec);
      out[`${prefix}${st}.images/s`] = round(work.images / sec);
    } else out[`${prefix}${st}.tokens/s`] = Math.round(work.tokens / sec);
    if (s.maxRssMb !== undefined) out[`${prefix}${st}.peakRssMB`] = s.maxRssMb;
    if (s.cpuMs !== undefined) out[`${prefix}${st}.cpu.s`] = round(s.cpuMs / 1000);
  }
  const wall = times.wallMs / 1000;
  out[`${prefix}wall.s`] = round(wall);
  out[`${prefix}pages/s`] = round(work.pages / wall);
  out[`${prefix}images/s`] = round(work.images / wall);
  out[`${prefix}tokens/s`] = Math.round(work.tokens / wall);
  if (times.peakRssMb !== undefined) out[`${prefix}peakRssMB`] = times.peakRssMb;
  if (times.cpuMs !== undefined) out[`${prefix}cpu.s`] = round(times.cpuMs / 1000);
  return out;
}

/** Tasks that ran (not from the Nx cache) in an Nx build, grouped by target: "html:1 tokens:1 ...". */
export function ranByTarget(times: BuildTimes): { count: number; summary: string; tasks: string[] } {
  const ran = times.tasks.filter((t) => !t.cached && !t.task.endsWith(':build'));
  const by = new Map<string, number>();
  for (const t of ran) by.set(t.stage, (by.get(t.stage) ?? 0) + 1);
  return { count: ran.length, summary: [...by].map(([k, v]) => `${k}:${v}`).join(' ') || 'none', tasks: ran.map((t) => t.task) };
}

/**
 * Edit one book the way a publisher's revision would: a new page of body text
 * in the middle of the book (pdf-lib rewrites the file). Its content changes,
 * so every task of that book and the corpus join rerun; the other books' drop
 * lists stay the same, so their tasks must stay cache hits.
 */
export async function touchPdf(file: string, n: number): Promise<void> {
  const doc = await PDFDocument.load(readFileSync(file));
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  const page = doc.insertPage(Math.floor(doc.getPageCount() / 2), [612, 792]);
  const lines = [
    `Revision ${n} adds this note on follow-up after an acute presentation. Patients`,
    'who improve within the first two days still need a structured review of their',
    'medication, because early improvement often hides adverse effects that appear',
    'only when the dose is raised. The review should record blood pressure, renal',
    'function and the patient\'s own account of symptoms, and it should be repeated',
    `after ${n + 6} weeks, or sooner when new symptoms appear or the treatment changes.`,
  ];
  lines.forEach((line, i) => page.drawText(line, { x: 72, y: 690 - 16 * i, size: 11, font }));
  writeFileSync(file, await doc.save({ useObjectStreams: false }));
}

export function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Log a line to stderr, as the bench harness does for progress. */
export function note(msg: string): void {
  process.stderr.write(`bench: pipeline: ${msg}\n`);
}
