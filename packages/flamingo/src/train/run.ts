import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, createLogger, writeJsonAtomic } from '@mtb/core';
import { ShardStream, type Batch } from '@mtb/shard-stream';
import { selectBackend } from '../backend.js';
import { parseByteSize } from '../safetensors-io.js';
import type { FlamingoConfig } from '../config.js';
import { CHECKPOINT_VERSION, latestCheckpoint, loadCheckpoint, restoreTrainable, saveCheckpoint, type CheckpointState, type LoadedCheckpoint } from './checkpoint.js';
import { parseDuration, type TrainConfig } from './config.js';
import { evaluate, type EvalResult } from './evaluate.js';
import { MetricsLog, progressLine } from './metrics.js';
import type { TrainableModel } from './model-api.js';
import { resolveModelConfig } from './model-config.js';
import { Trainer, type StepOutcome } from './trainer.js';

const log = createLogger('train');

/** initWeights: paths of safetensors files, sharded indexes or folders (read tensor by tensor). */
export type ModelFactory = (config: FlamingoConfig, seed: number, initWeights: string[]) => Promise<TrainableModel> | TrainableModel;

export interface RunOptions {
  /** Continue a run: true = the latest checkpoint of outDir, a string = that checkpoint folder. */
  resume?: boolean | string;
  /** Start over: remove the run folder's checkpoints, metrics and config.json first (the demo reruns this way). */
  restart?: boolean;
  /** Stop once this step is done (the schedule still spans config.steps). */
  maxSteps?: number;
  /** Overrides config.timeBudget (seconds). */
  timeBudgetS?: number;
  backend?: TrainConfig['backend'];
  /** The model; default FlamingoModel (random init from the seed, or config.initWeights). */
  createModel?: ModelFactory;
  /** Called after every step (tests, tools). */
  onStep?: (outcome: StepOutcome) => void;
  /** Aborting stops after the current step, with a checkpoint. */
  signal?: AbortSignal;
}

export interface RunSummary {
  backend: string;
  outDir: string;
  startStep: number;
  /** Steps taken by the run so far (all sessions). */
  step: number;
  stopReason: 'steps' | 'max-steps' | 'time-budget' | 'aborted';
  /** Losses of the steps this session took (NaN for skipped ones). */
  losses: number[];
  /** Eval results of this session, in order (the first, on a fresh run, is before any update). */
  evals: { step: number; result: EvalResult }[];
  skipped: number;
  lastEval?: EvalResult;
  checkpoint?: string;
  seconds: number;
  /** Share of training wall time spent waiting for the loader. */
  loaderWaitShare: number;
}

/** The hint for a missing shard folder: what builds it. */
function missingShardsMessage(dir: string): string {
  return (
    `${dir}: no shard folder here (index.json missing). The sample shards (datasets/sample/shards/train and .../eval) are built by ` +
    '`npm start` (node packages/cli/bin/mtb.js build datasets/sample); PMC-OA shards by `mtb pmc-oa`. Build them, or fix the path in the training config ' +
    '(paths are relative to the current directory).'
  );
}

/** Fields that must match for a resumed run to be the same run. */
function continuity(c: TrainConfig): unknown {
  const { maxTokens, maxImages, blockSize, interleave, padToMaxTokens, padImagesToMax } = c.loader;
  return {
    model: c.model, initWeights: c.initWeights, sources: c.sources, batchSize: c.batchSize, accumulation: c.accumulation, lr: c.lr, betas: c.betas,
    eps: c.eps, weightDecay: c.weightDecay, clipNorm: c.clipNorm, optimizerBits: c.optimizerBits, warmupSteps: c.warmupSteps, schedule: c.schedule, steps: c.steps, seed: c.seed,
    loader: { maxTokens, maxImages, blockSize, interleave, padToMaxTokens, padImagesToMax },
  };
}

function assertSameRun(saved: TrainConfig, now: TrainConfig, dir: string): void {
  const a = continuity(saved) as Record<string, unknown>;
  const b = continuity(now) as Record<string, unknown>;
  const differ = Object.keys(a).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  if (differ.length) {
    throw new ConfigError(
      `${dir}: the checkpoint was made with other settings for ${differ.map((k) => `"${k}"`).join(', ')} ` +
        `(checkpoint: ${differ.map((k) => JSON.stringify(a[k])).join('; ')}); a resumed run must use the same ones (only outDir, eval, logging, checkpoint and loader thread settings may change)`,
    );
  }
}

async function defaultModel(config: FlamingoConfig, seed: number, initWeights: string[]): Promise<TrainableModel> {
  const { FlamingoModel } = await import('../model/flamingo.js');
  return initWeights.length ? FlamingoModel.fromFiles(config, initWeights, { strict: false }) : FlamingoModel.init(config, seed);
}

/**
 * A training run (DESIGN.md section 6): micro-batches from the loader, one
 * optimizer step per `accumulation` of them, metrics lines, eval and
 * checkpoints on their cadence, a final checkpoint and eval. Resuming restores
 * weights, optimizer, step and loader position, so the steps that follow are
 * the ones an uninterrupted run takes.
 */
export async function runTraining(config: TrainConfig, opts: RunOptions = {}): Promise<RunSummary> {
  const started = performance.now();
  const outDir = config.outDir;
  for (const s of [...config.sources, ...config.eval]) {
    if (!existsSync(join(s.dir, 'index.json'))) throw new ConfigError(missingShardsMessage(s.dir));
  }
  if (opts.restart) {
    if (opts.resume) throw new ConfigError('--restart and --resume exclude each other');
    for (const f of ['checkpoints', 'metrics.jsonl', 'config.json']) rmSync(join(outDir, f), { recursive: true, force: true });
  }
  let ckpt: LoadedCheckpoint | undefined;
  if (opts.resume) {
    const dir = typeof opts.resume === 'string' ? opts.resume : latestCheckpoint(outDir);
    if (!dir) throw new ConfigError(`${join(outDir, 'checkpoints')}: no checkpoint to resume from (start without --resume)`);
    ckpt = loadCheckpoint(dir);
    assertSameRun(ckpt.state.config, config, dir);
  } else if (latestCheckpoint(outDir)) {
    throw new ConfigError(`${outDir}: this run folder already has checkpoints; continue it with --resume, start over with --restart, or choose another outDir`);
  }
  const modelConfig = resolveModelConfig(config.model);
  const budgetS = opts.timeBudgetS ?? (config.timeBudget !== undefined ? parseDuration(config.timeBudget) : Infinity);
  for (const f of config.initWeights) if (!existsSync(f)) throw new ConfigError(`initWeights: ${f} does not exist (a .safetensors file, a .safetensors.index.json or a folder holding one)`);
  const maxShardBytes = parseByteSize(config.checkpointShardSize, 'checkpointShardSize');

  const backend = await selectBackend(opts.backend ?? config.backend);
  log.info(`backend ${backend}; model ${modelConfig.name}; ${config.sources.map((s) => `${s.dir} (weight ${s.weight}, loss x${s.lossWeight})`).join(', ')}`);
  const { maxTokens, maxImages, workers, prefetch, blockSize, interleave, padToMaxTokens, padImagesToMax } = config.loader;
  const loaderOpts = { maxTokens, maxImages, padToMaxTokens, padImagesToMax, ...(workers !== undefined ? { workers } : {}), ...(prefetch !== undefined ? { prefetch } : {}) };
  const stream = await ShardStream.open({
    sources: config.sources.map((s) => ({ dir: s.dir, weight: s.weight, ...(s.name ? { name: s.name } : {}) })),
    batchSize: config.batchSize,
    seed: config.seed,
    ...loaderOpts,
    ...(ckpt ? { resume: ckpt.state.loader } : { blockSize, interleave }),
  });
  let model: TrainableModel | undefined;
  let trainer: Trainer | undefined;
  try {
    model = await (opts.createModel ?? defaultModel)(modelConfig, config.seed, config.initWeights);
    trainer = new Trainer(model, {
      // By the names the loader gives the sources (the rows' source column unless named).
      lossWeights: Object.fromEntries(stream.report().sources.map((s, i) => [s.name, config.sources[i]!.lossWeight])),
      optimizer: { betas: config.betas, eps: config.eps, weightDecay: config.weightDecay },
      schedule: { lr: config.lr, warmupSteps: config.warmupSteps, kind: config.schedule, totalSteps: config.steps },
      clipNorm: config.clipNorm,
      optimizerBits: config.optimizerBits,
      activationCheckpointing: config.activationCheckpointing,
    });
    if (ckpt) {
      try {
        restoreTrainable(model, ckpt.trainable);
        trainer.restore(ckpt.state.step, ckpt.optimizer);
      } finally {
        ckpt.close();
      }
      log.info(`resuming from ${ckpt.dir} at step ${ckpt.state.step}`);
    }
    mkdirSync(outDir, { recursive: true });
    if (!ckpt) writeJsonAtomic(join(outDir, 'config.json'), config);
    const metrics = new MetricsLog(outDir);
    if (ckpt) metrics.truncateAfter(ckpt.state.step);
    const summary = await trainLoop({
      config, opts, model, trainer, stream, metrics, backend, budgetS, started,
      evalLoader: { batchSize: config.batchSize, ...loaderOpts, blockSize, interleave, ...(config.evalMaxSamples ? { maxSamples: config.evalMaxSamples } : {}) },
      lastCheckpointStep: ckpt?.state.step ?? -1,
      maxShardBytes,
    });
    log.info(`stopped at step ${summary.step} (${summary.stopReason}) after ${summary.seconds.toFixed(1)} s; loader wait ${(100 * summary.loaderWaitShare).toFixed(1)}% of step time`);
    return summary;
  } finally {
    await stream.close();
    trainer?.dispose();
    // A model the caller handed in stays the caller's; ours is freed (several runs may share a process).
    if (model && !opts.createModel) for (const v of model.params.values()) v.dispose();
  }
}

interface LoopContext {
  config: TrainConfig;
  opts: RunOptions;
  model: TrainableModel;
  trainer: Trainer;
  stream: ShardStream;
  metrics: MetricsLog;
  backend: string;
  budgetS: number;
  started: number;
  evalLoader: Parameters<typeof evaluate>[2];
  lastCheckpointStep: number;
  maxShardBytes: number;
}

async function trainLoop(ctx: LoopContext): Promise<RunSummary> {
  const { config, opts, model, trainer, stream, metrics } = ctx;
  const lastStep = Math.min(config.steps, opts.maxSteps ?? Infinity);
  const summary: RunSummary = {
    backend: ctx.backend, outDir: config.outDir, startStep: trainer.step, step: trainer.step, stopReason: 'steps', losses: [], evals: [], skipped: 0, seconds: 0, loaderWaitShare: 0,
  };
  let lastEval: EvalResult | undefined;
  let lastCheckpointStep = ctx.lastCheckpointStep;
  let lastEvalStep = -1;
  let waitMs = 0;
  let trainMs = 0;
  const recentStepMs: number[] = [];
  const meanStepMs = (): number => (recentStepMs.length ? recentStepMs.reduce((a, b) => a + b, 0) / recentStepMs.length : 0);

  const runEval = async (): Promise<void> => {
    if (!config.eval.length) return;
    const t0 = performance.now();
    lastEval = await evaluate((mb) => trainer.forward(mb), config.eval, ctx.evalLoader);
    lastEvalStep = trainer.step;
    summary.evals.push({ step: trainer.step, result: lastEval });
    metrics.write({ kind: 'eval', step: trainer.step, loss: lastEval.loss, losses: lastEval.losses, perplexity: lastEval.perplexity, targets: lastEval.targets, samples: lastEval.samples, ms: performance.now() - t0 });
    log.info(`eval at step ${trainer.step}: loss ${lastEval.loss.toFixed(4)}; ${Object.entries(lastEval.perplexity).map(([s, p]) => `${s} perplexity ${p.toFixed(2)}`).join(', ')} (${lastEval.samples} samples)`);
  };
  const checkpoint = (): void => {
    const state: CheckpointState = {
      version: CHECKPOINT_VERSION, step: trainer.step, updates: trainer.optimizer.updates, rng: { seed: config.seed, drawsPerStep: 0 }, loader: stream.state(), config,
      ...(lastEval ? { lastEval: { loss: lastEval.loss, ...Object.fromEntries(Object.entries(lastEval.losses).map(([s, l]) => [`loss.${s}`, l])) } } : {}),
    };
    summary.checkpoint = saveCheckpoint(config.outDir, model, trainer.optimizer, state, config.keepCheckpoints, ctx.maxShardBytes);
    lastCheckpointStep = trainer.step;
    log.info(`checkpoint ${summary.checkpoint}`);
  };

  // The untrained model's eval loss: the baseline the later evals are read against.
  if (trainer.step === 0 && lastStep > 0) await runEval();
  while (trainer.step < lastStep) {
    if (opts.signal?.aborted) {
      summary.stopReason = 'aborted';
      break;
    }
    // Stop before a step that would overrun the budget, not after it.
    if ((performance.now() - ctx.started + meanStepMs()) / 1000 > ctx.budgetS) {
      summary.stopReason = 'time-budget';
      break;
    }
    const t0 = performance.now();
    const micro: Batch[] = [];
    for (let i = 0; i < config.accumulation; i++) micro.push(await stream.next());
    const tLoaded = performance.now();
    const outcome = trainer.trainStep(micro);
    // The step's tensors are disposed: the loader may reuse these pixel buffers (no fresh 10 MB per batch).
    for (const b of micro) stream.release(b);
    const stepMs = performance.now() - t0;
    waitMs += tLoaded - t0;
    trainMs += stepMs;
    recentStepMs.push(stepMs);
    if (recentStepMs.length > 20) recentStepMs.shift();
    summary.step = trainer.step;
    summary.losses.push(outcome.skipped ? NaN : outcome.loss);
    opts.onStep?.(outcome);
    if (outcome.skipped) {
      summary.skipped += 1;
      metrics.write({ kind: 'skip', step: outcome.step, reason: outcome.skipped.reason, detail: outcome.skipped.detail, lr: outcome.lr });
      // A batch without targets (text before its first image cut by maxTokens) is data, not trouble.
      const say = outcome.skipped.reason === 'no-targets' ? log.info : log.warn;
      say(`step ${outcome.step} skipped (${outcome.skipped.reason}): ${outcome.skipped.detail}; weights and optimizer unchanged`);
    } else if (outcome.step % config.logEvery === 0 || outcome.step === lastStep) {
      const rec = {
        kind: 'train' as const, step: outcome.step, loss: outcome.loss, losses: outcome.losses, lr: outcome.lr, gradNorm: outcome.gradNorm, clipped: outcome.clipped,
        samples: outcome.samples, tokens: outcome.tokens, samplesPerSec: (1000 * outcome.samples) / stepMs, tokensPerSec: (1000 * outcome.tokens) / stepMs,
        loaderWaitShare: (tLoaded - t0) / stepMs, stepMs,
      };
      metrics.write(rec);
      log.info(progressLine(rec, lastStep, ((lastStep - outcome.step) * meanStepMs()) / 1000));
    }
    if (trainer.step % config.checkpointEvery === 0) checkpoint();
    if (config.evalEvery > 0 && trainer.step % config.evalEvery === 0) await runEval();
  }
  if (summary.stopReason === 'steps' && lastStep < config.steps) summary.stopReason = 'max-steps';
  if (lastEvalStep !== trainer.step && trainer.step > summary.startStep) await runEval();
  if (lastCheckpointStep !== trainer.step) checkpoint();
  summary.seconds = (performance.now() - ctx.started) / 1000;
  summary.loaderWaitShare = trainMs > 0 ? waitMs / trainMs : 0;
  if (lastEval) summary.lastEval = lastEval;
  return summary;
}
