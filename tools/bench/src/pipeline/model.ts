/**
 * The scale model of SCALING.md: from measured per-unit costs of each stage
 * to the time, memory and disk of the full MTB corpus on C cores.
 *
 * Per-book stages (html, tokens, filter, signatures, segments) are independent
 * per book, so they spread over cores; the corpus join (dedup) and the split
 * run once, on one core, after them. Costs are CPU time net of process
 * startup (see stageCpu), so they depend little on how loaded the measuring
 * machine was.
 */
export interface StageCost { stage: string; cpuMs: number; tasks: number }

/**
 * Each stage's CPU, net of process startup. From a worker-thread build: its
 * whole CPU (threads included) less the workers' one-time start, shared out by
 * each stage's share of task time (a loaded machine slows every stage alike,
 * and a worker-thread build has no per-task startup to subtract). Without one:
 * a process-isolated build's per-stage CPU less one startup per task.
 */
export function stageCpu(
  processStages: StageCost[],
  startupCpuMs: number,
  worker?: { cpuMs: number; parallel: number; byStage: Record<string, { ms: number }> },
): StageCost[] {
  if (!worker) return processStages.map((s) => ({ ...s, cpuMs: Math.max(0, s.cpuMs - s.tasks * startupCpuMs) }));
  const total = Object.values(worker.byStage).reduce((a, s) => a + s.ms, 0);
  const cpu = Math.max(0, worker.cpuMs - worker.parallel * startupCpuMs);
  return processStages.map((s) => ({ ...s, cpuMs: (cpu * (worker.byStage[s.stage]?.ms ?? 0)) / total }));
}

export interface Measured {
  /** Per-stage CPU net of process startup (stageCpu). */
  stages: StageCost[];
  /** CPU of starting one `mtb` process that does nothing (--help). */
  startupCpuMs: number;
  /** RSS of that idle process: the base of every stage process and every worker thread pool member. */
  startupRssMb: number;
  /**
   * CPU that Nx mode adds per task beyond the stage's own work. Default: one
   * process startup per task (Nx before batch mode); with the batch executor,
   * (CPU of an Nx build - CPU of a direct build) / tasks, measured side by side.
   */
  nxTaskCpuMs?: number;
  /** Largest per-task peak RSS of a per-book stage (html, on the measured books). */
  perBookPeakRssMb: number;
  /** Peak RSS of a worker-thread build divided by its --parallel: memory per busy core. */
  perWorkerPeakRssMb?: number;
  /** Override of html's CPU per page (e.g. real illustrated textbooks instead of generated ones). */
  htmlMsPerPage?: number;
  books: number;
  pages: number;
  images: number;
  /** Tokens extracted (tokens stage) and kept in the shards (split's stats). */
  tokensExtracted: number;
  tokensKept: number;
  /** Paragraph signatures written (signatures stage, text rows). */
  paragraphs: number;
  /** Bytes under build/ and shards/ after the build. */
  buildBytes: number;
  shardBytes: number;
  /** The dedup join at MTB scale (issue 5 bench): paragraphs joined, seconds, peak MB. */
  join: { paragraphs: number; seconds: number; peakMb: number };
  /** Wall(p1) / wall(p2) of the same build: how well two cores are used (2 = perfectly). */
  scalingP1P2?: number;
}

export interface Target { books: number; imagesKept: number; tokensKept: number }
export const MTB: Target = { books: 4721, imagesKept: 800_000, tokensKept: 584_000_000 };

export interface Prediction {
  cores: number;
  /** Hours for direct mode (worker threads) and Nx mode (direct plus Nx's CPU per task). */
  hoursDirect: number;
  hoursNx: number;
  /** Peak memory in GB: the larger of the parallel phase and the join. */
  peakGb: number;
}

export interface ModelOutput {
  scale: { pages: number; tokensExtracted: number; paragraphs: number; factor: number };
  perUnit: Record<string, string>;
  cpuHoursPerBookStages: number;
  serialHours: number;
  nxCpuHours: number;
  diskTb: { build: number; shards: number };
  join: { seconds: number; peakGb: number };
  predictions: Prediction[];
}

const PER_BOOK = ['html', 'tokens', 'filter', 'signatures', 'segments'];

export function predict(m: Measured, target: Target = MTB, coreCounts: number[] = [2, 16, 64]): ModelOutput {
  // MTB's size in our units: its 584M tokens are what the shards keep, so scale
  // by kept tokens (pages, paragraphs and extracted tokens follow at our ratios).
  const factor = target.tokensKept / m.tokensKept;
  const pages = m.pages * factor;
  const byStage = new Map(m.stages.map((s) => [s.stage, s]));
  const perUnit: Record<string, string> = {};
  let perBookCpuMs = 0;
  for (const st of PER_BOOK) {
    const s = byStage.get(st);
    if (!s) continue;
    const ms = st === 'html' && m.htmlMsPerPage !== undefined ? m.htmlMsPerPage * m.pages : s.cpuMs;
    perBookCpuMs += ms;
    perUnit[st] = st === 'html' ? `${((ms / m.pages)).toFixed(1)} ms/page (${(ms / m.images).toFixed(1)} ms/image at ${(m.images / m.pages).toFixed(2)} images/page)` : `${((ms / m.tokensExtracted) * 1000).toFixed(2)} µs/token`;
  }
  const split = byStage.get('shards');
  const splitMs = split?.cpuMs ?? 0;
  perUnit.shards = `${((splitMs / m.tokensKept) * 1000).toFixed(2)} µs/kept token (one process, after all books)`;
  const paragraphs = m.paragraphs * factor;
  const joinSec = m.join.seconds * (paragraphs / m.join.paragraphs);
  perUnit.dedup = `${((m.join.seconds / m.join.paragraphs) * 1e6).toFixed(1)} µs/paragraph signature (5M-signature join, issue 5)`;
  const cpuHoursPerBookStages = (perBookCpuMs * factor) / 3.6e6;
  const serialHours = (splitMs * factor) / 3.6e6 + joinSec / 3600;
  const tasks = target.books * PER_BOOK.length + 2;
  const nxCpuHours = (tasks * (m.nxTaskCpuMs ?? m.startupCpuMs)) / 3.6e6;
  // Two cores did `scalingP1P2` times the work of one: apply that efficiency per core pair.
  const efficiency = m.scalingP1P2 ? Math.min(1, m.scalingP1P2 / 2) : 1;
  const joinPeakGb = (m.join.peakMb * (paragraphs / m.join.paragraphs)) / 1024;
  const predictions = coreCounts.map((cores) => {
    const par = cores * (cores > 1 ? efficiency : 1);
    return {
      cores,
      hoursDirect: cpuHoursPerBookStages / par + serialHours,
      hoursNx: (cpuHoursPerBookStages + nxCpuHours) / par + serialHours,
      peakGb: Math.max((cores * Math.max(m.perBookPeakRssMb, m.perWorkerPeakRssMb ?? 0)) / 1024, joinPeakGb),
    };
  });
  return {
    scale: { pages, tokensExtracted: m.tokensExtracted * factor, paragraphs, factor },
    perUnit,
    cpuHoursPerBookStages,
    serialHours,
    nxCpuHours,
    diskTb: { build: (m.buildBytes * factor) / 1e12, shards: (m.shardBytes * factor) / 1e12 },
    join: { seconds: joinSec, peakGb: joinPeakGb },
    predictions,
  };
}

export function formatModel(o: ModelOutput): string {
  const f = (x: number, d = 1): string => x.toFixed(d);
  const lines = [
    `MTB in our units: x${f(o.scale.factor, 0)} the measured corpus = ${f(o.scale.pages / 1e6, 2)}M pages, ${f(o.scale.tokensExtracted / 1e6, 0)}M tokens extracted, ${f(o.scale.paragraphs / 1e6, 2)}M paragraph signatures`,
    ...Object.entries(o.perUnit).map(([k, v]) => `  ${k}: ${v}`),
    `per-book stages: ${f(o.cpuHoursPerBookStages)} CPU-hours; serial (join + split): ${f(o.serialHours, 2)} h; Nx mode: +${f(o.nxCpuHours)} CPU-hours`,
    `dedup join: ${f(o.join.seconds, 0)} s, ${f(o.join.peakGb, 2)} GB; disk: build/ ${f(o.diskTb.build, 2)} TB, shards/ ${f(o.diskTb.shards, 2)} TB`,
    '| cores | direct mode (h) | Nx mode (h) | peak memory (GB) |',
    '|---:|---:|---:|---:|',
    ...o.predictions.map((p) => `| ${p.cores} | ${f(p.hoursDirect)} | ${f(p.hoursNx)} | ${f(p.peakGb)} |`),
  ];
  return lines.join('\n');
}
