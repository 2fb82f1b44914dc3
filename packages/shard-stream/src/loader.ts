import { availableParallelism } from 'node:os';
import { createLogger } from '@mtb/core';
import type { Batch, RawSample } from './batch.js';
import { proportions } from './mix.js';
import type { RemainderPolicy } from './order.js';
import { SamplePlanner } from './plan.js';
import { SourceFeed, type SampleSource } from './source-feed.js';
import { parseStreamState, type StreamState } from './state.js';
import { BatchWorkers } from './worker-pool.js';

const log = createLogger('shard-stream');
const DEFAULT_INTERLEAVE = 4;

export interface SourceSpec {
  /** A shard folder (index.json + data-*.arrow), or a prepared SampleSource. */
  dir?: string;
  source?: SampleSource;
  /** Sampling weight: the source's share of samples is weight / sum of weights. Default 1 (the paper's 1.0 each). */
  weight?: number;
  /** Name in batches, reports and the resume state; default: the `source` column of the first row ('mtb', 'pmc-oa'). */
  name?: string;
}

export interface ShardStreamOptions {
  sources: readonly (string | SourceSpec)[];
  batchSize: number;
  /** Order seed (default 0). */
  seed?: number | string;
  rank?: number;
  worldSize?: number;
  /** Shuffle block in samples (default 512): bounds memory at about two blocks of rows per source. */
  blockSize?: number;
  remainder?: RemainderPolicy;
  /** Lanes of each rank's slice read side by side (default 4): more mixing per block, that many shards open per source. */
  interleave?: number;
  /** Image slots per sample, M (default 10, the paper's segments). */
  maxImages?: number;
  /** Longest token row, T <= maxTokens (default 1024). */
  maxTokens?: number;
  padToMaxTokens?: boolean;
  /** Always maxImages image slots (static shapes) instead of the most a sample of the batch uses. */
  padImagesToMax?: boolean;
  /** Worker threads for decode + preprocessing (default: cores - 1, at least 1); 0 = in-process. */
  workers?: number;
  /** Batches prepared ahead of the consumer (default 2 per worker, at least 2). */
  prefetch?: number;
  maxPixels?: number;
  /** Continue from a state() saved earlier. Its seed, world size, block size and remainder policy apply. */
  resume?: StreamState | string;
}

export interface SourceReport {
  name: string;
  weight: number;
  /** weight / sum of weights. */
  targetShare: number;
  samples: number;
  /** Realized share of the samples yielded so far. */
  share: number;
  epoch: number;
  epochLength: number;
  shards: number;
  /** Rows read ahead and held in memory now (bounded by about two blocks). */
  rowsHeld: number;
}

interface Pending {
  batch: Promise<Batch>;
  /** Per-source counts once this batch has been yielded: what state() reports after it. */
  consumed: number[];
}

/**
 * Idle workers are unreferenced so a finished consumer can exit; while someone
 * awaits batches the process must stay up, whatever stage a batch is in (queued
 * for a worker, reading a shard, in a worker between messages).
 */
async function keepingAlive<T>(work: Promise<T>): Promise<T> {
  const handle = setInterval(() => undefined, 1 << 30);
  try {
    return await work;
  } finally {
    clearInterval(handle);
  }
}

/**
 * The streaming loader (DESIGN.md section 5): an endless, deterministic sequence
 * of batches for one rank, over one or more weighted shard folders. The order is
 * SamplePlanner's pure function; this class reads the rows it names (SourceFeed),
 * has worker threads turn them into typed arrays (BatchWorkers), and keeps a
 * bounded number of batches prepared ahead.
 */
export class ShardStream implements AsyncIterable<Batch> {
  private readonly queue: Pending[] = [];
  private delivered: number[];
  private gathering: Promise<unknown> = Promise.resolve();
  private badImages = 0;
  private closed = false;

  private constructor(
    private readonly planner: SamplePlanner,
    private readonly sources: { name: string; weight: number; source: SampleSource; feed: SourceFeed }[],
    private readonly workers: BatchWorkers,
    readonly batchSize: number,
    readonly prefetch: number,
    readonly maxImages: number,
  ) {
    this.delivered = [...planner.consumed];
  }

  static async open(opts: ShardStreamOptions): Promise<ShardStream> {
    const resume = opts.resume === undefined ? undefined : parseStreamState(opts.resume);
    const batchSize = positiveInt(opts.batchSize, 'batchSize');
    const maxImages = positiveInt(opts.maxImages ?? 10, 'maxImages');
    const maxTokens = positiveInt(opts.maxTokens ?? 1024, 'maxTokens');
    const seed = resume ? agree('seed', opts.seed, resume.seed) : (opts.seed ?? 0);
    const worldSize = resume ? agree('worldSize', opts.worldSize, resume.worldSize) : positiveInt(opts.worldSize ?? 1, 'worldSize');
    const blockSize = resume ? agree('blockSize', opts.blockSize, resume.blockSize) : positiveInt(opts.blockSize ?? 512, 'blockSize');
    const remainder = resume ? agree('remainder', opts.remainder, resume.remainder) : (opts.remainder ?? 'pad');
    const interleave = resume ? agree('interleave', opts.interleave, resume.interleave) : positiveInt(opts.interleave ?? DEFAULT_INTERLEAVE, 'interleave');
    const rank = opts.rank ?? resume?.rank ?? 0;
    if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize) throw new RangeError(`rank must be in [0, ${worldSize}), got ${rank}`);
    if (opts.sources.length === 0) throw new RangeError('at least one shard folder is needed');

    const opened: { name: string; weight: number; source: SampleSource }[] = [];
    try {
      for (const spec of opts.sources.map((s) => (typeof s === 'string' ? { dir: s } : s))) {
        const source = spec.source ?? (spec.dir !== undefined ? await openShardFolder(spec.dir, 2 * interleave + 2) : undefined);
        if (!source) throw new RangeError('a source needs a shard folder (dir) or a SampleSource');
        opened.push({ source, weight: spec.weight ?? 1, name: spec.name ?? (await defaultName(source, opened.length)) });
      }
    } catch (err) {
      await Promise.all(opened.map((o) => o.source.close()));
      throw err;
    }
    dedupeNames(opened);

    let consumed: number[] | undefined;
    if (resume) {
      if (resume.sources.length !== opened.length) {
        throw new Error(`the resume state has ${resume.sources.length} sources (${resume.sources.map((s) => s.name).join(', ')}) but ${opened.length} were given`);
      }
      consumed = resume.sources.map((saved, i) => {
        const now = opened[i]!;
        if (saved.name !== now.name) throw new Error(`resume state: source ${i + 1} was "${saved.name}", now "${now.name}"; give the sources in the same order`);
        if (saved.digest !== now.source.digest) throw new Error(`resume state: source "${saved.name}" has other shards than when the state was saved (digest ${saved.digest}, now ${now.source.digest})`);
        if (saved.weight !== now.weight) throw new Error(`resume state: source "${saved.name}" had weight ${saved.weight}, now ${now.weight}; the same weights are needed to continue the same order`);
        return saved.samplesConsumed;
      });
    }
    const planner = new SamplePlanner(
      { sources: opened.map((o) => ({ name: o.name, weight: o.weight, shardSizes: o.source.shardSizes })), seed, rank, worldSize, blockSize, remainder, interleave },
      consumed,
    );
    const workerCount = opts.workers ?? Math.max(1, availableParallelism() - 1);
    const prefetch = positiveInt(opts.prefetch ?? Math.max(2, 2 * workerCount), 'prefetch');
    // Slabs per worker for released batches: its share of the queue (the one being
    // assembled included) and two the consumer still holds; more held batches get
    // buffers of their own.
    const slabs = Math.ceil(prefetch / Math.max(1, workerCount)) + 2;
    const workers = new BatchWorkers(workerCount, { maxImages, maxTokens, padToMaxTokens: opts.padToMaxTokens, padImagesToMax: opts.padImagesToMax, maxPixels: opts.maxPixels }, slabs);
    const sources = opened.map((o, i) => ({ ...o, feed: new SourceFeed(o.source, planner, i, o.name, blockSize) }));
    return new ShardStream(planner, sources, workers, batchSize, prefetch, maxImages);
  }

  /** The next batch; the stream never ends (sources start their next epoch as they run out). */
  async next(): Promise<Batch> {
    if (this.closed) throw new Error('the loader is closed');
    this.fill();
    const pending = this.queue.shift()!;
    this.fill();
    const batch = await keepingAlive(pending.batch);
    this.delivered = pending.consumed;
    if (batch.badImages.length) {
      this.badImages += batch.badImages.length;
      for (const b of batch.badImages) log.warn(`sample ${b.id}: image ${b.image + 1} could not be decoded (${b.error}); its slot is left empty and masked`);
    }
    return batch;
  }

  /**
   * Hands a batch's pixels back for reuse by a later batch, once nothing reads
   * them any more: after the step whose input tensor was built from them, not
   * while a tensor still shares their memory (tfjs' CPU backend keeps the array
   * it is given; WebGL and WASM copy it). After release the batch's `pixels`
   * will be overwritten by a later batch. Optional: without it every batch gets
   * a buffer of its own. With it batches go on a few slabs per worker made once
   * (no ~10 MB of page faults per batch, no new ArrayBuffer for V8 to count as
   * external memory, so far fewer full GCs). A second release does nothing.
   */
  release(batch: Batch): void {
    this.workers.release(batch.pixels);
  }

  /**
   * Resolves once the prefetch queue is full and every batch in it is assembled:
   * the loader is idle until the next next(). For warm-ups and CPU measurements
   * (between two such points the work done is exactly the batches handed out).
   */
  async whenPrefetched(): Promise<void> {
    if (this.closed) return;
    this.fill();
    await keepingAlive(Promise.all(this.queue.map((p) => p.batch.catch(() => undefined))));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    for (;;) yield await this.next();
  }

  /** Resume state after the last batch returned by next() (prefetched batches do not count). */
  state(): StreamState {
    const { spec, epochLengths } = this.planner;
    const epochs = this.delivered.map((c, i) => Math.floor(c / epochLengths[i]!));
    return {
      version: 1,
      seed: spec.seed,
      rank: spec.rank,
      worldSize: spec.worldSize,
      epoch: Math.min(...epochs),
      samplesConsumed: this.delivered.reduce((a, b) => a + b, 0),
      blockSize: spec.blockSize,
      remainder: spec.remainder,
      interleave: spec.interleave ?? 1,
      sources: this.sources.map((s, i) => ({
        name: s.name,
        weight: s.weight,
        digest: s.source.digest,
        epochLength: epochLengths[i]!,
        epoch: epochs[i]!,
        samplesConsumed: this.delivered[i]!,
      })),
    };
  }

  /** Realized proportions of the samples yielded so far, beside the targets. */
  report(): { samples: number; badImages: number; sources: SourceReport[] } {
    const shares = proportions(this.delivered);
    const totalWeight = this.sources.reduce((a, s) => a + s.weight, 0);
    return {
      samples: this.delivered.reduce((a, b) => a + b, 0),
      badImages: this.badImages,
      sources: this.sources.map((s, i) => ({
        name: s.name,
        weight: s.weight,
        targetShare: s.weight / totalWeight,
        samples: this.delivered[i]!,
        share: shares[i]!,
        epoch: Math.floor(this.delivered[i]! / this.planner.epochLengths[i]!),
        epochLength: this.planner.epochLengths[i]!,
        shards: s.source.shardSizes.length,
        rowsHeld: s.feed.held,
      })),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.gathering.catch(() => undefined);
    await this.workers.close();
    for (const p of this.queue.splice(0)) p.batch.catch(() => undefined);
    await Promise.all(this.sources.map((s) => s.source.close()));
  }

  private fill(): void {
    while (this.queue.length < this.prefetch) {
      const refs = Array.from({ length: this.batchSize }, () => this.planner.next());
      const consumed = [...this.planner.consumed];
      // Rows are read in plan order, one batch after another (the feeds read sequentially).
      const samples = this.gathering.then(() => this.gather(refs));
      this.gathering = samples.catch(() => undefined);
      const batch = samples.then((s) => this.workers.run(s));
      batch.catch(() => undefined);
      this.queue.push({ batch, consumed });
    }
  }

  private async gather(refs: ReturnType<SamplePlanner['next']>[]): Promise<RawSample[]> {
    const out: RawSample[] = [];
    for (const ref of refs) out.push(await this.sources[ref.source]!.feed.take(ref));
    return out;
  }
}

/** Loaded on first use, so in-memory sources (tests, other formats) do not need the shards package. */
async function openShardFolder(dir: string, maxOpenShards: number): Promise<SampleSource> {
  const { ShardSource } = await import('./shard-source.js');
  return new ShardSource(dir, maxOpenShards);
}

async function defaultName(source: SampleSource, index: number): Promise<string> {
  if (source.label) return source.label();
  return `source${index + 1}`;
}

function dedupeNames(sources: { name: string }[]): void {
  const seen = new Map<string, number>();
  for (const s of sources) {
    const n = (seen.get(s.name) ?? 0) + 1;
    seen.set(s.name, n);
    if (n > 1) s.name = `${s.name}-${n}`;
  }
}

function positiveInt(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  return v;
}

function agree<T>(name: string, given: T | undefined, saved: T): T {
  if (given !== undefined && given !== saved) throw new Error(`resume state has ${name} ${String(saved)} but ${String(given)} was asked; leave it out to use the saved one`);
  return saved;
}
