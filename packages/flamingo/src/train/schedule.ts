/**
 * Learning rate per optimizer step, as the HuggingFace schedules OpenFlamingo uses
 * compute it (LambdaLR: the factor for the update that follows `step` completed
 * scheduler steps). Linear warmup from 0, then constant or a half cosine to 0 at
 * `totalSteps`. The first update of a run with warmup uses lr 0, as there.
 */
export type ScheduleKind = 'constant' | 'cosine';

export interface LearningRateSchedule {
  lr: number;
  warmupSteps: number;
  kind: ScheduleKind;
  /** Steps the cosine spans (the run's planned length; --max-steps does not change it). */
  totalSteps: number;
}

/** The lr of the update made after `step` earlier steps (0-based). */
export function learningRateAt(step: number, s: LearningRateSchedule): number {
  if (step < s.warmupSteps) return (s.lr * step) / Math.max(1, s.warmupSteps);
  if (s.kind === 'constant') return s.lr;
  // Clamped: past the planned length the lr stays 0 (HF's formula would rise again).
  const progress = Math.min(1, (step - s.warmupSteps) / Math.max(1, s.totalSteps - s.warmupSteps));
  return s.lr * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
}
