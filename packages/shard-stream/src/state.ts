import { z } from 'zod';

/**
 * What a checkpoint saves to resume the loader: a few numbers. The per-source
 * `samplesConsumed` counts are the mixing position and each source's place in
 * its epochs at once (the order is a pure function of them), so a loader built
 * from this state yields exactly what the uninterrupted one would have next.
 */
export const StreamStateSchema = z.object({
  version: z.literal(1),
  seed: z.union([z.number(), z.string()]).describe('Order seed.'),
  rank: z.number().int().nonnegative().describe('Rank that saved the state (any rank may resume from it: ranks run in lockstep).'),
  worldSize: z.number().int().positive(),
  epoch: z.number().int().nonnegative().describe('Epochs every source has completed (the mixed stream\'s epoch).'),
  samplesConsumed: z.number().int().nonnegative().describe('Samples this rank has yielded, all sources together.'),
  blockSize: z.number().int().positive(),
  remainder: z.enum(['pad', 'drop']),
  interleave: z.number().int().positive(),
  sources: z.array(z.object({
    name: z.string().min(1),
    weight: z.number().positive(),
    digest: z.string().describe('Shard hashes and row counts: resuming on other data is refused.'),
    epochLength: z.number().int().positive().describe('Samples per epoch of this source on each rank.'),
    epoch: z.number().int().nonnegative(),
    samplesConsumed: z.number().int().nonnegative().describe('Samples taken from this source over all epochs (the mixing position).'),
  })).min(1),
});

export type StreamState = z.infer<typeof StreamStateSchema>;

/** Validate a state read from a checkpoint (a string or parsed JSON). */
export function parseStreamState(raw: unknown): StreamState {
  const value = typeof raw === 'string' ? JSON.parse(raw) : raw;
  const result = StreamStateSchema.safeParse(value);
  if (!result.success) {
    throw new Error(`invalid loader state: ${result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return result.data;
}
