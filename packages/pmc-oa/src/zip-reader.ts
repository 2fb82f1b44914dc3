import { close, read } from 'node:fs';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';

const READ_AHEAD = 1 << 20;

/**
 * The byte source yauzl reads a zip through. yauzl's own file reader issues two
 * small reads per central-directory entry, one at a time (12 s for 100,000
 * entries here; minutes for PMC-OA's 1.6M). This one serves the sequential
 * directory scan from 1 MB read-ahead blocks, then, once the index is built,
 * reads entries directly and concurrently (yauzl's queues every read behind
 * the previous one).
 */
export class ZipFileReader extends yauzl.RandomAccessReader {
  private block: Buffer = Buffer.alloc(0);
  private blockStart = 0;
  /** Read-ahead on while the central directory is scanned. */
  sequential = true;

  constructor(private readonly fd: number, private readonly size: number) {
    super();
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null, bytesRead?: number) => void): void {
    const inBlock = position >= this.blockStart && position + length <= this.blockStart + this.block.length;
    if (inBlock) {
      this.block.copy(buffer, offset, position - this.blockStart, position - this.blockStart + length);
      setImmediate(callback, null, length);
      return;
    }
    if (!this.sequential || length >= READ_AHEAD) {
      read(this.fd, buffer, offset, length, position, (err, n) => callback(err, n));
      return;
    }
    const size = Math.min(READ_AHEAD, Math.max(0, this.size - position));
    const block = Buffer.allocUnsafe(size);
    read(this.fd, block, 0, size, position, (err, n) => {
      if (err) return callback(err);
      this.block = block.subarray(0, n);
      this.blockStart = position;
      const got = Math.min(length, n);
      block.copy(buffer, offset, 0, got);
      callback(null, got);
    });
  }

  /** Drop the read-ahead block: after indexing, reads are random. */
  endSequential(): void {
    this.sequential = false;
    this.block = Buffer.alloc(0);
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return new RangeStream(this.fd, start, end);
  }

  override close(callback: (err: Error | null) => void): void {
    close(this.fd, (err) => callback(err ?? null));
  }
}

/**
 * Bytes [start, end) of a shared fd. Not fs.createReadStream: destroying one of
 * those (yauzl does, at the end of every entry) closes the fd even with
 * autoClose off, and the archive is shared by every read.
 */
class RangeStream extends Readable {
  constructor(private readonly fd: number, private pos: number, private readonly end: number) {
    super({ highWaterMark: 1 << 16 });
  }

  override _read(size: number): void {
    const n = Math.min(size, this.end - this.pos);
    if (n <= 0) {
      this.push(null);
      return;
    }
    const buf = Buffer.allocUnsafe(n);
    read(this.fd, buf, 0, n, this.pos, (err, got) => {
      if (err) return this.destroy(err);
      if (got === 0) return this.destroy(new Error(`unexpected end of file at byte ${this.pos}`));
      this.pos += got;
      this.push(got < n ? buf.subarray(0, got) : buf);
    });
  }
}
