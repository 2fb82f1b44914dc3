import { existsSync, readFileSync } from 'node:fs';

export interface StageTiming {
  stage: string;
  ms: number;
  task: string;
  cached?: boolean;
  /** Peak RSS of the task's own process (direct mode with --isolate process). */
  maxRssMb?: number;
  /** CPU time of the task's own process (direct mode with --isolate process). */
  cpuMs?: number;
}

/** Wall time summed per stage (the report's "time per stage" and pages/s). */
export interface StageTotals { tasks: number; ms: number; maxRssMb?: number; cpuMs?: number }

export function timingsByStage(timings: StageTiming[]): Record<string, StageTotals> {
  const out: Record<string, StageTotals> = {};
  for (const t of timings) {
    const s = (out[t.stage] ??= { tasks: 0, ms: 0 });
    s.tasks += 1;
    s.ms += t.ms;
    if (t.maxRssMb !== undefined) s.maxRssMb = Math.max(s.maxRssMb ?? 0, t.maxRssMb);
    if (t.cpuMs !== undefined) s.cpuMs = (s.cpuMs ?? 0) + t.cpuMs;
  }
  return out;
}

/**
 * Task durations from an Nx profile (NX_PROFILE: Chrome trace events, one
 * complete event per task named "<project>:<target>").
 */
export function timingsFromNxProfile(file: string): StageTiming[] {
  if (!existsSync(file)) return [];
  const events = JSON.parse(readFileSync(file, 'utf8')) as Array<{ name?: string; ph?: string; dur?: number; args?: { status?: string } }>;
  const out: StageTiming[] = [];
  for (const e of Array.isArray(events) ? events : []) {
    if (e.ph !== 'X' || typeof e.dur !== 'number' || !e.name || !e.name.includes(':')) continue;
    const target = e.name.split(':').pop()!;
    // Chrome trace durations are in microseconds.
    out.push({ stage: target, ms: e.dur / 1000, task: e.name, cached: !['success', 'failure'].includes(e.args?.status ?? 'success') });
  }
  return out;
}
