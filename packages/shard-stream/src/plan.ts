import { epochOrder, locateSample, rankEpochLength, shardOffsets, totalSamples, type RemainderPolicy } from './order.js';
import { pickSource, validateWeights } from './mix.js';

export interface PlannedSource {
  name: string;
  weight: number;
  shardSizes: readonly number[];
}

export interface PlanSpec {
  sources: readonly PlannedSource[];
  seed: number | string;
  rank: number;
  worldSize: number;
  blockSize: number;
  remainder: RemainderPolicy;
  interleave?: number;
}

/** One sample the rank will yield: where it lives and where it sits in its source's epoch. */
export interface SampleRef {
  source: number;
  epoch: number;
  /** Position in the rank's epoch order of that source. */
  position: number;
  /** Global id within the source (row in the concatenation of its shards). */
  sampleId: number;
  shard: number;
  row: number;
}

/**
 * The rank's whole sample sequence over all sources and epochs, as a pure
 * function of the spec: each source runs through its own epochs (epochOrder),
 * and pickSource interleaves them. `consumed[i]` (samples taken from source i so
 * far) is the complete position: a planner built with the same counts continues
 * exactly where another left off.
 */
export class SamplePlanner {
  readonly epochLengths: number[];
  private readonly offsets: Float64Array[];
  private readonly weights: number[];
  private readonly cache = new Map<string, Uint32Array>();
  readonly consumed: number[];

  constructor(readonly spec: PlanSpec, consumed?: readonly number[]) {
    validateWeights(spec.sources.map((s) => s.weight));
    this.weights = spec.sources.map((s) => s.weight);
    this.offsets = spec.sources.map((s) => shardOffsets(s.shardSizes));
    this.epochLengths = spec.sources.map((s) => rankEpochLength(totalSamples(s.shardSizes), spec.worldSize, spec.remainder));
    this.epochLengths.forEach((len, i) => {
      if (len === 0) {
        throw new RangeError(`source "${spec.sources[i]!.name}" has ${totalSamples(spec.sources[i]!.shardSizes)} samples: too few for ${spec.worldSize} ranks with remainder policy "${spec.remainder}"`);
      }
    });
    this.consumed = consumed ? [...consumed] : new Array<number>(spec.sources.length).fill(0);
    if (this.consumed.length !== spec.sources.length) throw new RangeError('consumed counts do not match the sources');
  }

  /** Samples yielded so far over all sources. */
  get total(): number {
    return this.consumed.reduce((a, b) => a + b, 0);
  }

  epochOf(source: number): number {
    return Math.floor(this.consumed[source]! / this.epochLengths[source]!);
  }

  /** The source the next sample comes from, without taking it. */
  peekSource(): number {
    return pickSource(this.consumed, this.weights);
  }

  next(): SampleRef {
    const source = this.peekSource();
    const ref = this.refAt(source, this.consumed[source]!);
    this.consumed[source]!++;
    return ref;
  }

  /** The ref of the n-th sample (over all epochs) that source `source` yields on this rank. */
  refAt(source: number, n: number): SampleRef {
    const len = this.epochLengths[source]!;
    const epoch = Math.floor(n / len);
    const position = n - epoch * len;
    const sampleId = this.order(source, epoch)[position]!;
    const { shard, row } = locateSample(this.offsets[source]!, sampleId);
    return { source, epoch, position, sampleId, shard, row };
  }

  /** The rank's order of a source's epoch; the current and next epoch are kept. */
  order(source: number, epoch: number): Uint32Array {
    const key = `${source}/${epoch}`;
    let order = this.cache.get(key);
    if (!order) {
      const s = this.spec.sources[source]!;
      order = epochOrder({
        shardSizes: s.shardSizes,
        seed: `${this.spec.seed}/${s.name}`,
        epoch,
        rank: this.spec.rank,
        worldSize: this.spec.worldSize,
        blockSize: this.spec.blockSize,
        remainder: this.spec.remainder,
        interleave: this.spec.interleave,
      });
      for (const k of [...this.cache.keys()]) {
        const [src, ep] = k.split('/').map(Number);
        if (src === source && (ep! < epoch - 1 || ep! > epoch + 1)) this.cache.delete(k);
      }
      this.cache.set(key, order);
    }
    return order;
  }
}
