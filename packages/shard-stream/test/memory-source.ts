import sharp from 'sharp';
import { BOS_ID, ENDOFCHUNK_ID, EOS_ID, IMAGE_ID } from '@mtb/core';
import type { RawSample } from '../src/batch.js';
import type { SampleSource } from '../src/source-feed.js';

/**
 * An in-memory SampleSource for loader tests: row r of shard s is
 * `<prefix>/s<s>r<r>` with `imagesPerRow` tiny PNGs. It records reads, so tests
 * can check the loader reads rows in blocks and forward.
 */
export class MemorySource implements SampleSource {
  readonly digest: string;
  readonly reads: { shard: number; rows: number[] }[] = [];
  private png: Uint8Array | null = null;

  constructor(readonly shardSizes: number[], readonly prefix: string, readonly imagesPerRow = 0) {
    this.digest = `${prefix}:${shardSizes.join(',')}`;
  }

  async readRows(shard: number, rows: readonly number[], sourceName: string): Promise<Map<number, RawSample>> {
    this.reads.push({ shard, rows: [...rows] });
    if (this.imagesPerRow > 0 && !this.png) {
      this.png = await sharp({ create: { width: 30, height: 20, channels: 3, background: { r: 40, g: 80, b: 120 } } }).png().toBuffer();
    }
    const out = new Map<number, RawSample>();
    for (const row of rows) {
      if (row >= this.shardSizes[shard]!) throw new Error(`row ${row} out of range`);
      const ids = [BOS_ID];
      for (let i = 0; i < this.imagesPerRow; i++) ids.push(IMAGE_ID, 100 + shard, 200 + (row % 100), ENDOFCHUNK_ID);
      ids.push(EOS_ID);
      out.set(row, {
        id: `${this.prefix}/s${shard}r${row}`,
        source: sourceName,
        inputIds: Int32Array.from(ids),
        images: Array.from({ length: this.imagesPerRow }, () => new Uint8Array(this.png!)),
      });
    }
    return out;
  }

  async close(): Promise<void> {}
}
