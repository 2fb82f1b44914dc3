import { createWriteStream, mkdirSync, renameSync, rmSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { tempPathFor } from '@mtb/core';
import type { RejectReason } from './pair.js';
import type { EntryRejection } from './image-source.js';
import { sortedCounts } from './counts.js';

/** One skipped row, as listed in the rejected-rows file. */
export interface RowRejection {
  file: string;
  line: number;
  image: string | null;
  reason: RejectReason;
  detail: string;
}

/**
 * The one place that counts skipped rows by reason and lists each of them (one
 * JSON object per line) so a person can audit what was left out. The list is
 * written to a temp file and renamed on close: a killed run leaves no half list.
 */
export class RejectionLog {
  private readonly rowCounts: Record<string, number> = {};
  private readonly entryCounts: Record<string, number> = {};
  private readonly out: WriteStream;
  private readonly tmp: string;
  private total = 0;
  private failure: Error | undefined;

  constructor(private readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.tmp = tempPathFor(file);
    this.out = createWriteStream(this.tmp);
    // Kept and re-thrown at close: an unheard stream error would kill the process.
    this.out.on('error', (err) => {
      this.failure ??= err;
    });
  }

  get rejected(): number {
    return this.total;
  }

  async row(r: RowRejection): Promise<void> {
    this.total++;
    this.rowCounts[r.reason] = (this.rowCounts[r.reason] ?? 0) + 1;
    await this.write({ file: r.file, line: r.line, image: r.image, reason: r.reason, detail: r.detail });
  }

  /** A zip entry skipped while indexing the archive (not a row: counted apart). */
  async entry(r: EntryRejection): Promise<void> {
    this.entryCounts[r.reason] = (this.entryCounts[r.reason] ?? 0) + 1;
    await this.write({ entry: r.entry, reason: r.reason, detail: r.detail });
  }

  private async write(line: object): Promise<void> {
    if (!this.out.write(JSON.stringify(line) + '\n')) await once(this.out, 'drain');
  }

  rowsByReason(): Record<string, number> {
    return sortedCounts(this.rowCounts);
  }

  entriesByReason(): Record<string, number> {
    return sortedCounts(this.entryCounts);
  }

  async close(): Promise<void> {
    if (this.failure) throw new Error(`${this.file}: cannot write the rejected-rows list (${this.failure.message})`);
    this.out.end();
    await once(this.out, 'finish');
    renameSync(this.tmp, this.file);
  }

  /** On a fatal error: drop the partial list. */
  async abort(): Promise<void> {
    this.out.destroy();
    rmSync(this.tmp, { force: true });
  }
}
