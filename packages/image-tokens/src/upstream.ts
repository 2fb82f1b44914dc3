import { readBookStatus, type StageStatus } from '@mtb/core';

/**
 * Stages that run after a given stage: their old status files (from an earlier
 * build) must not make it skip. Only failures of stages before it count.
 */
const LATER_STAGES: Record<string, readonly string[]> = {
  tokens: ['tokens', 'filter', 'signatures', 'dedup', 'segment', 'segments', 'split', 'shards'],
  filter: ['filter', 'signatures', 'dedup', 'segment', 'segments', 'split', 'shards'],
};

/** The failed stage upstream of `stage`, if any (the stage then skips and writes empty outputs). */
export function failedBefore(statusDir: string, bookId: string, stage: string): StageStatus | undefined {
  const later = LATER_STAGES[stage] ?? [stage];
  return Object.values(readBookStatus(statusDir, bookId).stages).find((s) => s.state === 'failed' && !later.includes(s.stage));
}
