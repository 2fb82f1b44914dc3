import { Rng } from './rng.js';

/**
 * What happens to the `total mod worldSize` samples that do not divide evenly:
 * - 'pad'  (default): every rank gets ceil(total / worldSize); the missing slots
 *   repeat the first samples of the epoch's stream, so every sample is seen at
 *   least once and at most worldSize - 1 samples twice per epoch.
 * - 'drop': every rank gets floor(total / worldSize); the last samples of the
 *   epoch's stream are skipped (a different shard's tail each epoch), so no
 *   sample is seen twice and at most worldSize - 1 are missed per epoch.
 * Either way all ranks get the same count, so none runs out early and hangs the others.
 */
export type RemainderPolicy = 'pad' | 'drop';

export interface OrderSpec {
  /** Rows per shard, in index.json order. */
  shardSizes: readonly number[];
  seed: number | string;
  epoch: number;
  rank: number;
  worldSize: number;
  /** Samples are shuffled inside consecutive blocks of this many of the rank's samples (bounds reader memory). */
  blockSize: number;
  remainder: RemainderPolicy;
  /**
   * The rank's slice is cut into this many equal lanes that are read side by
   * side (default 1): a block then mixes samples from `interleave` distant parts
   * of the epoch (other books) instead of one run of neighbours, for the same
   * memory, at the cost of that many shards read at once.
   */
  interleave?: number;
}

export function totalSamples(shardSizes: readonly number[]): number {
  let n = 0;
  for (const s of shardSizes) {
    if (!Number.isInteger(s) || s < 0) throw new RangeError(`shard size must be a non-negative integer, got ${s}`);
    n += s;
  }
  return n;
}

/** Samples each rank gets per epoch (the same for every rank). */
export function rankEpochLength(total: number, worldSize: number, remainder: RemainderPolicy): number {
  if (!Number.isInteger(worldSize) || worldSize < 1) throw new RangeError(`worldSize must be a positive integer, got ${worldSize}`);
  return remainder === 'pad' ? Math.ceil(total / worldSize) : Math.floor(total / worldSize);
}

/** The epoch's shard order: a permutation of shard indices, the same for every rank. */
export function shardPermutation(numShards: number, seed: number | string, epoch: number): Uint32Array {
  const perm = new Uint32Array(numShards);
  for (let i = 0; i < numShards; i++) perm[i] = i;
  new Rng(`${seed}/shards/${epoch}`).shuffle(perm);
  return perm;
}

/**
 * The rank's samples for one epoch, in the order it yields them, as global sample
 * ids (index in the concatenation of the shards in index order). A pure function
 * of the spec: nothing is read, and resuming is "skip the first n".
 *
 * 1. The shards are permuted (per epoch) and concatenated into the epoch stream.
 * 2. Rank r takes the contiguous stream slice [r*L, (r+1)*L), L = rankEpochLength,
 *    so each rank reads its own few shards sequentially (positions past the end
 *    wrap around: the 'pad' policy).
 * 3. With interleave k > 1 the slice is cut into k lanes, taken round-robin.
 * 4. The result is shuffled inside consecutive blocks of `blockSize` samples.
 */
export function epochOrder(spec: OrderSpec): Uint32Array {
  const { shardSizes, seed, epoch, rank, worldSize, blockSize, remainder } = spec;
  const interleave = spec.interleave ?? 1;
  if (!Number.isInteger(interleave) || interleave < 1) throw new RangeError(`interleave must be a positive integer, got ${interleave}`);
  if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize) throw new RangeError(`rank must be in [0, ${worldSize}), got ${rank}`);
  if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`epoch must be a non-negative integer, got ${epoch}`);
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new RangeError(`blockSize must be a positive integer, got ${blockSize}`);
  const total = totalSamples(shardSizes);
  const length = rankEpochLength(total, worldSize, remainder);
  const out = new Uint32Array(length);
  if (length === 0) return out;

  const offsets = shardOffsets(shardSizes);
  const perm = shardPermutation(shardSizes.length, seed, epoch);
  // Stream start of each permuted slot, to find where the rank's slice begins.
  let slot = 0;
  let slotStart = 0;
  const start = (rank * length) % total;
  while (slotStart + shardSizes[perm[slot]!]! <= start) {
    slotStart += shardSizes[perm[slot]!]!;
    slot++;
  }
  let within = start - slotStart;
  for (let i = 0; i < length; i++) {
    let shard = perm[slot]!;
    while (within >= shardSizes[shard]!) {
      within = 0;
      slot = (slot + 1) % perm.length;
      shard = perm[slot]!;
    }
    out[i] = offsets[shard]! + within;
    within++;
  }

  const ordered = interleave > 1 ? interleaveLanes(out, interleave) : out;
  const rng = new Rng(`${seed}/blocks/${epoch}/${rank}/${worldSize}`);
  for (let b = 0; b < length; b += blockSize) rng.shuffle(ordered, b, Math.min(length, b + blockSize));
  return ordered;
}

/** Lane l is slice[l*laneLength, (l+1)*laneLength); output takes one from each lane in turn. */
function interleaveLanes(slice: Uint32Array, lanes: number): Uint32Array {
  const laneLength = Math.ceil(slice.length / lanes);
  const out = new Uint32Array(slice.length);
  let o = 0;
  for (let i = 0; i < laneLength; i++) {
    for (let l = 0; l < lanes; l++) {
      const j = l * laneLength + i;
      if (j < slice.length) out[o++] = slice[j]!;
    }
  }
  return out;
}

/** offsets[i] = global id of shard i's first row; offsets[n] = total. */
export function shardOffsets(shardSizes: readonly number[]): Float64Array {
  const offsets = new Float64Array(shardSizes.length + 1);
  for (let i = 0; i < shardSizes.length; i++) offsets[i + 1] = offsets[i]! + shardSizes[i]!;
  return offsets;
}

/** Global sample id -> (shard, row), by binary search over the offsets. */
export function locateSample(offsets: Float64Array, id: number): { shard: number; row: number } {
  let lo = 0;
  let hi = offsets.length - 2;
  if (id < 0 || id >= offsets[offsets.length - 1]!) throw new RangeError(`sample id ${id} out of range`);
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (offsets[mid]! <= id) lo = mid;
    else hi = mid - 1;
  }
  return { shard: lo, row: id - offsets[lo]! };
}
