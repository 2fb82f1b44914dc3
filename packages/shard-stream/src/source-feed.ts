import type { RawSample } from './batch.js';
import type { SamplePlanner, SampleRef } from './plan.js';

/** Where the samples of one source come from: a shard folder, or anything with the same shape (tests). */
export interface SampleSource {
  readonly shardSizes: readonly number[];
  readonly digest: string;
  /** The given rows (ascending) of one shard; must check the shard's integrity before returning any. */
  readRows(shard: number, rows: readonly number[], sourceName: string): Promise<Map<number, RawSample>>;
  close(): Promise<void>;
  /** What the data calls itself (a shard folder: the `source` column, 'mtb' or 'pmc-oa'). */
  label?(): Promise<string>;
}

/**
 * Follows one source's part of the plan a block at a time: the rows of the
 * current block are read together (each shard sequentially), held until they
 * are taken, and the next block is read ahead while this one is consumed, so
 * at most two blocks of rows are in memory and epoch boundaries do not stall.
 */
export class SourceFeed {
  private readonly blocks = new Map<string, Promise<Map<number, RawSample>>>();
  private chain: Promise<unknown> = Promise.resolve();
  /** Rows read and not yet taken (the reader's memory, in rows). */
  held = 0;

  constructor(
    private readonly source: SampleSource,
    private readonly planner: SamplePlanner,
    private readonly sourceIndex: number,
    private readonly name: string,
    private readonly blockSize: number,
  ) {}

  async take(ref: SampleRef): Promise<RawSample> {
    const len = this.planner.epochLengths[this.sourceIndex]!;
    const block = Math.floor(ref.position / this.blockSize);
    const key = `${ref.epoch}:${block}`;
    const pending = this.ensureBlock(key, ref.epoch, ref.position, Math.min(len, (block + 1) * this.blockSize));
    const nextStart = (block + 1) * this.blockSize;
    if (nextStart < len) this.ensureBlock(`${ref.epoch}:${block + 1}`, ref.epoch, nextStart, Math.min(len, nextStart + this.blockSize));
    else this.ensureBlock(`${ref.epoch + 1}:0`, ref.epoch + 1, 0, Math.min(len, this.blockSize));
    const rows = await pending;
    const sample = rows.get(ref.position);
    if (!sample) throw new Error(`internal: sample at position ${ref.position} of epoch ${ref.epoch} of source "${this.name}" was not read`);
    rows.delete(ref.position);
    this.held--;
    if (rows.size === 0) this.blocks.delete(key);
    return sample;
  }

  private ensureBlock(key: string, epoch: number, from: number, to: number): Promise<Map<number, RawSample>> {
    let block = this.blocks.get(key);
    if (!block) {
      // Reads run one after another: they share the shards' sequential readers.
      block = this.chain.then(() => this.readBlock(epoch, from, to));
      this.chain = block.catch(() => undefined);
      // A read-ahead that fails is reported when its block is taken, not as an unhandled rejection now.
      block.catch(() => undefined);
      this.blocks.set(key, block);
    }
    return block;
  }

  private async readBlock(epoch: number, from: number, to: number): Promise<Map<number, RawSample>> {
    const len = this.planner.epochLengths[this.sourceIndex]!;
    const byShard = new Map<number, Map<number, number[]>>();
    for (let p = from; p < to; p++) {
      const ref = this.planner.refAt(this.sourceIndex, epoch * len + p);
      let rows = byShard.get(ref.shard);
      if (!rows) byShard.set(ref.shard, (rows = new Map()));
      const positions = rows.get(ref.row);
      if (positions) positions.push(p);
      else rows.set(ref.row, [p]);
    }
    const out = new Map<number, RawSample>();
    for (const [shard, rows] of byShard) {
      const wanted = [...rows.keys()].sort((a, b) => a - b);
      const samples = await this.source.readRows(shard, wanted, this.name);
      for (const [row, positions] of rows) {
        const sample = samples.get(row);
        if (!sample) throw new Error(`source "${this.name}": shard ${shard} did not return row ${row}`);
        positions.forEach((p, i) => out.set(p, i === 0 ? sample : cloneSample(sample)));
      }
    }
    this.held += out.size;
    return out;
  }
}

/** A row taken twice in one block must not share buffers: each copy may be transferred to a worker. */
function cloneSample(s: RawSample): RawSample {
  return { id: s.id, source: s.source, inputIds: s.inputIds.slice(), images: s.images.map((i) => i.slice()) };
}
