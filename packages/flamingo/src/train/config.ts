import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '@mtb/core';

const SourceSchema = z
  .object({
    dir: z.string().min(1).describe('Shard folder (index.json + data-*.arrow), relative to the current directory.'),
    weight: z.number().positive().default(1).describe('Sampling share: weight / sum of weights of the samples come from this folder.'),
    lossWeight: z.number().nonnegative().default(1)
      .describe('Multiplier of this source\'s mean token cross-entropy in the loss (the paper: paired + 1.0 x interleaved).'),
    name: z.string().min(1).optional().describe('Name in batches, metrics and the loader state; default the rows\' source column (mtb, pmc-oa).'),
  })
  .strict();

const EvalSourceSchema = z
  .object({
    dir: z.string().min(1).describe('Eval shard folder, read once in full at each evaluation.'),
    name: z.string().min(1).optional().describe('Name in the metrics; default the rows\' source column.'),
    lossWeight: z.number().nonnegative().default(1).describe('Its weight in the combined eval loss.'),
  })
  .strict();

/**
 * The training settings, defined once: type, defaults, validation and the docs
 * of `mtb train --describe` derive from this schema. Unknown keys are errors,
 * so a typo never silently falls back to a default.
 */
export const TrainConfigSchema = z
  .object({
    model: z.union([z.string().min(1), z.record(z.string(), z.unknown())])
      .describe('Model config: a name (tiny, small, openflamingo-9b) or an inline object ({"base": "tiny", ...overrides}).'),
    initWeights: z.array(z.string().min(1)).default([])
      .describe('Safetensors files to start from (OpenFlamingo, LLaMA or open_clip names); empty: random init from the seed.'),
    sources: z.array(SourceSchema).min(1).describe('Training shard folders with their weights.'),
    eval: z.array(EvalSourceSchema).default([]).describe('Eval shard folders (loss and perplexity every evalEvery steps).'),
    batchSize: z.number().int().positive().default(1).describe('Samples per micro-batch (per device; the paper: 1).'),
    accumulation: z.number().int().positive().default(50).describe('Micro-batches per optimizer step (the paper: 50).'),
    lr: z.number().positive().default(1e-4).describe('Peak learning rate.'),
    betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).default([0.9, 0.999]).describe('AdamW betas.'),
    eps: z.number().positive().default(1e-8).describe('AdamW epsilon.'),
    weightDecay: z.number().nonnegative().default(0.1).describe('AdamW weight decay, on gated cross-attention weights only (as OpenFlamingo).'),
    clipNorm: z.number().positive().default(1).describe('Global gradient-norm clipping threshold.'),
    optimizerBits: z.union([z.literal(32), z.literal(8)]).default(32)
      .describe('AdamW state precision: 32 (float32), or 8 (bitsandbytes\' blockwise 8-bit state, AdamW8bit, as the paper trained).'),
    activationCheckpointing: z.boolean().default(false)
      .describe('Recompute each decoder block in the backward pass instead of keeping its activations (see `mtb model plan`).'),
    warmupSteps: z.number().int().nonnegative().default(5000).describe('Linear warmup steps (from lr 0).'),
    schedule: z.enum(['constant', 'cosine']).default('constant').describe('After warmup: constant lr, or a half cosine to 0 at `steps`.'),
    steps: z.number().int().positive().describe('Optimizer steps of the run (the cosine spans them; --max-steps stops earlier without changing it).'),
    checkpointEvery: z.number().int().positive().default(1000).describe('Write a checkpoint every N steps (and always at the end).'),
    keepCheckpoints: z.number().int().positive().default(3).describe('Checkpoints kept on disk (the oldest are removed).'),
    checkpointShardSize: z.union([z.number().int().positive(), z.string().min(1)]).default('2GB')
      .describe('Largest checkpoint file: past it weights and optimizer state are written as HuggingFace shards with an index (bytes, or "2GB", "500MB").'),
    evalEvery: z.number().int().nonnegative().default(1000).describe('Evaluate every N steps and at the end; 0: only at the end.'),
    evalMaxSamples: z.number().int().positive().optional().describe('Evaluate on at most this many samples per eval folder (default: all).'),
    logEvery: z.number().int().positive().default(1).describe('Write a metrics line every N steps.'),
    outDir: z.string().min(1).describe('Run folder: metrics.jsonl, checkpoints/, config.json.'),
    seed: z.number().int().nonnegative().default(42).describe('Seed of the model init and the loader order.'),
    backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto')
      .describe('TensorFlow.js backend: tensorflow (tfjs-node-gpu or tfjs-node), wasm, cpu; auto picks the best that loads.'),
    timeBudget: z.union([z.number().positive(), z.string().min(1)]).optional()
      .describe('Stop (with a checkpoint) once this much wall time is used: seconds or "90s", "30m", "2h".'),
    loader: z
      .object({
        maxTokens: z.number().int().min(2).default(1024).describe('Longest token row.'),
        maxImages: z.number().int().positive().default(10).describe('Image slots per sample.'),
        workers: z.number().int().nonnegative().optional().describe('Loader worker threads (default cores - 1; 0 = in-process).'),
        prefetch: z.number().int().positive().optional().describe('Batches prepared ahead (default 2 per worker).'),
        blockSize: z.number().int().positive().default(512).describe('Shuffle block in samples.'),
        interleave: z.number().int().positive().default(4).describe('Parts of each rank\'s slice read side by side.'),
        padToMaxTokens: z.boolean().default(false).describe('Pad every batch to maxTokens (static shapes).'),
        padImagesToMax: z.boolean().default(false).describe('Always maxImages slots (static shapes).'),
      })
      .strict()
      .prefault({})
      .describe('Loader options (see @mtb/shard-stream).'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.warmupSteps > c.steps) ctx.addIssue({ code: 'custom', path: ['warmupSteps'], message: `warmupSteps (${c.warmupSteps}) exceeds steps (${c.steps})` });
  });

export type TrainConfig = z.infer<typeof TrainConfigSchema>;
export type TrainSource = TrainConfig['sources'][number];

/** Validate a parsed object; `source` names the file in error messages. */
export function parseTrainConfig(raw: unknown, source = 'training config'): TrainConfig {
  const result = TrainConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : '(root)';
    if (issue.code === 'unrecognized_keys') return `${where}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (see \`mtb train --describe\`)`;
    return `key "${where}": ${issue.message}`;
  });
  throw new ConfigError(`${source}: invalid training config:\n  ${lines.join('\n  ')}`);
}

export function loadTrainConfig(file: string): TrainConfig {
  if (!existsSync(file)) throw new ConfigError(`${file}: no such training config (see packages/flamingo/demo/tiny.json for an example)`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return parseTrainConfig(raw, file);
}

/** Seconds from a budget given as seconds or "<n>s|m|h". */
export function parseDuration(value: number | string, what = 'time budget'): number {
  if (typeof value === 'number') return value;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h)?\s*$/.exec(value);
  if (!m) throw new ConfigError(`${what} "${value}": expected seconds or a number with s, m or h (e.g. 90s, 30m, 2h)`);
  return Number(m[1]) * ({ s: 1, m: 60, h: 3600 } as const)[(m[2] ?? 's') as 's' | 'm' | 'h'];
}

/** One line per top-level key: name, default, description (for --describe). */
export function describeTrainConfig(): Array<{ key: string; default: unknown; description: string }> {
  return Object.entries(TrainConfigSchema.shape).map(([key, schema]) => {
    const parsed = (schema as z.ZodType).safeParse(undefined);
    return { key, default: parsed.success ? parsed.data : undefined, description: (schema as z.ZodType).description ?? '' };
  });
}
