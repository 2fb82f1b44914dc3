import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@mtb/core';

/** One line of metrics.jsonl. `kind` tells training steps, evaluations and skipped steps apart. */
export type MetricsRecord =
  | {
      kind: 'train';
      step: number;
      loss: number;
      losses: Record<string, number>;
      lr: number;
      gradNorm: number;
      clipped: boolean;
      samples: number;
      tokens: number;
      samplesPerSec: number;
      tokensPerSec: number;
      /** Share of the step's wall time spent waiting for the loader. */
      loaderWaitShare: number;
      stepMs: number;
    }
  | { kind: 'skip'; step: number; reason: string; detail: string; lr: number }
  | { kind: 'eval'; step: number; loss: number; losses: Record<string, number>; perplexity: Record<string, number>; targets: Record<string, number>; samples: number; ms: number };

/**
 * metrics.jsonl in the run folder, one JSON object per line, appended as the run
 * goes (a line is one write call, so a killed run leaves whole lines). A resumed
 * run first drops the lines after its checkpoint's step, so the file reads as one
 * uninterrupted run.
 */
export class MetricsLog {
  readonly file: string;

  constructor(outDir: string) {
    this.file = join(outDir, 'metrics.jsonl');
  }

  write(record: MetricsRecord): void {
    appendFileSync(this.file, JSON.stringify(record) + '\n');
  }

  /** Keeps the lines of steps <= step (and drops a torn last line). */
  truncateAfter(step: number): void {
    if (!existsSync(this.file)) return;
    const kept = readMetrics(this.file).filter((r) => r.step <= step);
    writeFileAtomic(this.file, kept.map((r) => JSON.stringify(r) + '\n').join(''));
  }
}

export function readMetrics(file: string): MetricsRecord[] {
  const out: MetricsRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as MetricsRecord);
    } catch {
      // A torn last line of a killed run.
    }
  }
  return out;
}

/** The human progress line printed every logEvery steps. */
export function progressLine(r: Extract<MetricsRecord, { kind: 'train' }>, total: number, etaS: number): string {
  const per = Object.entries(r.losses).map(([s, l]) => `${s} ${l.toFixed(4)}`).join(', ');
  return (
    `step ${r.step}/${total} loss ${r.loss.toFixed(4)}${per ? ` (${per})` : ''} lr ${r.lr.toExponential(2)} ` +
    `grad-norm ${r.gradNorm.toFixed(3)}${r.clipped ? ' (clipped)' : ''} | ${r.samplesPerSec.toFixed(2)} samples/s, ` +
    `${r.tokensPerSec.toFixed(0)} tokens/s, loader wait ${(100 * r.loaderWaitShare).toFixed(1)}% | eta ${formatSeconds(etaS)}`
  );
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
}
