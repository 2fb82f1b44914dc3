import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { basename } from 'node:path';
import { closeSync, fstatSync, openSync } from 'node:fs';
import { ZipFileReader } from './zip-reader.js';
import { NameTable } from './name-table.js';
import { sortedCounts } from './counts.js';
import { unsafeNameReason, type Verdict } from './pair.js';
import { InputError } from './inputs.js';
import { DEFAULT_MAX_IMAGE_BYTES, PMC_OA_IMAGE_PREFIX, type EntryRejection, type ImageSource, type ImageSourceOptions } from './image-source.js';

const STORED = 0;
const DEFLATED = 8;
const ENCRYPTED_FLAG = 0x1;

/**
 * Images read straight out of a zip (PMC-OA's images.zip, 1.6M entries) by
 * random access: the central directory is read once into a compact name ->
 * entry table (NameTable plus typed columns: about 44 bytes per entry,
 * about 70 MB for PMC-OA's 1.6M entries, against ~400 MB measured for a
 * Map<string, number> of the same names),
 * then each image is one local-header read and one ranged read of its data.
 * Nothing is unpacked to disk.
 *
 * Entry names are checked by us, not by yauzl (its check aborts the whole
 * archive on the first bad name): an escaping name (`../`, absolute, drive
 * letter, backslash) is skipped and reported, the rest of the archive stays
 * usable. Because nothing is ever written to a path taken from the zip,
 * zip-slip cannot write anywhere; refusing the names also keeps such entries
 * from answering for a row.
 */
export class ZipImageSource implements ImageSource {
  readonly kind = 'zip' as const;
  private readonly names: NameTable;
  private readonly entries: EntryColumns;
  private readonly stats = { entries: 0, indexed: 0, directories: 0, skipped: {} as Record<string, number> };

  private constructor(
    private readonly zip: ZipFile,
    private readonly file: string,
    private readonly prefix: string,
    private readonly maxImageBytes: number,
  ) {
    // Sized from the directory's entry count up front: no growth slack (the count
    // is capped so a lying header cannot make us allocate gigabytes).
    const expected = Math.min(zip.entryCount, 1 << 24);
    this.names = new NameTable(expected);
    this.entries = new EntryColumns(expected);
  }

  static async open(file: string, opts: ImageSourceOptions = {}): Promise<ZipImageSource> {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (err) {
      throw new InputError(`${file}: cannot open the zip (${(err as Error).message})`);
    }
    const reader = new ZipFileReader(fd, fstatSync(fd).size);
    const zip = await new Promise<ZipFile>((resolve, reject) =>
      yauzl.fromRandomAccessReader(
        reader,
        fstatSync(fd).size,
        { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: true },
        (err, z) => (err ? reject(new InputError(`${file}: not a readable zip archive (${err.message})`)) : resolve(z)),
      ),
    ).catch((err: unknown) => {
      closeSync(fd);
      throw err;
    });
    const source = new ZipImageSource(zip, file, opts.prefix ?? PMC_OA_IMAGE_PREFIX, opts.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES);
    try {
      await source.index(opts.onEntryRejected ?? (() => undefined));
      reader.endSequential();
    } catch (err) {
      zip.close();
      throw new InputError(`${file}: cannot read the zip's central directory (${(err as Error).message}); the archive is damaged or incomplete, download it again`);
    }
    return source;
  }

  /** The key a row's image name is looked up by: the entry name without the image folder. */
  private keyOf(entryName: string): string {
    return this.prefix && entryName.startsWith(this.prefix) ? entryName.slice(this.prefix.length) : entryName;
  }

  private index(onRejected: (r: EntryRejection) => void): Promise<void> {
    const skip = (r: EntryRejection): void => {
      this.stats.skipped[r.reason] = (this.stats.skipped[r.reason] ?? 0) + 1;
      onRejected(r);
    };
    return new Promise((resolve, reject) => {
      this.zip.on('error', reject);
      this.zip.on('end', () => resolve());
      this.zip.on('entry', (entry: Entry) => {
        this.stats.entries++;
        const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
        if (name.endsWith('/')) {
          this.stats.directories++;
        } else {
          const unsafe = unsafeNameReason(name);
          if (unsafe) skip({ entry: name, reason: 'zip-unsafe-entry', detail: unsafe });
          else if (entry.generalPurposeBitFlag & ENCRYPTED_FLAG) skip({ entry: name, reason: 'zip-unsupported-entry', detail: 'encrypted' });
          else if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
            skip({ entry: name, reason: 'zip-unsupported-entry', detail: `compression method ${entry.compressionMethod}` });
          } else {
            const id = this.names.add(this.keyOf(name));
            if (id < 0) skip({ entry: name, reason: 'zip-duplicate-entry', detail: 'an earlier entry has the same name; the first is used' });
            else {
              this.entries.push(entry.relativeOffsetOfLocalHeader, entry.compressedSize, entry.uncompressedSize, entry.compressionMethod === DEFLATED);
              this.stats.indexed++;
            }
          }
        }
        this.zip.readEntry();
      });
      this.zip.readEntry();
    });
  }

  async read(name: string): Promise<Verdict<Uint8Array>> {
    const id = this.names.get(name);
    if (id < 0) return { ok: false, reason: 'missing-image', detail: `no entry "${this.prefix}${name}" in ${basename(this.file)}` };
    const size = this.entries.uncompressedSize[id]!;
    if (size > this.maxImageBytes) return { ok: false, reason: 'image-too-large', detail: `${size} bytes > ${this.maxImageBytes}` };
    try {
      return { ok: true, value: await this.readEntry(id, name) };
    } catch (err) {
      return { ok: false, reason: 'undecodable-image', detail: `zip entry unreadable: ${(err as Error).message}` };
    }
  }

  private readEntry(id: number, expectedKey: string): Promise<Uint8Array> {
    const compressedSize = this.entries.compressedSize[id]!;
    const uncompressedSize = this.entries.uncompressedSize[id]!;
    // yauzl reads only these two fields of the entry for a local header.
    const where = { relativeOffsetOfLocalHeader: this.entries.headerOffset[id]!, compressedSize } as Entry;
    return new Promise((resolve, reject) => {
      this.zip.readLocalFileHeader(where, {}, (err, header) => {
        if (err) return reject(err);
        // The central directory and the local header must name the same file: a
        // crafted zip can make them disagree, and a hash hit must be the right name.
        const localName = yauzl.getFileNameLowLevel(header.generalPurposeBitFlag, header.fileName, safeExtraFields(header.extraField), true);
        if (this.keyOf(localName) !== expectedKey) return reject(new Error(`local header names "${localName}", central directory "${expectedKey}"`));
        this.zip.openReadStreamLowLevel(header.fileDataStart, compressedSize, 0, compressedSize, this.entries.deflated[id] === 1, uncompressedSize, (err2, stream) => {
          if (err2) return reject(err2);
          const chunks: Buffer[] = [];
          let total = 0;
          stream.on('data', (c: Buffer) => {
            total += c.length;
            if (total > this.maxImageBytes) stream.destroy(new Error(`inflates past ${this.maxImageBytes} bytes`));
            else chunks.push(c);
          });
          stream.on('error', reject);
          stream.on('end', () => {
            const buf = Buffer.concat(chunks, total);
            resolve(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
          });
        });
      });
    });
  }

  summary(): Record<string, unknown> {
    return {
      archive: basename(this.file),
      prefix: this.prefix,
      entries: this.stats.entries,
      directories: this.stats.directories,
      indexed: this.stats.indexed,
      skipped: sortedCounts(this.stats.skipped),
      indexBytes: this.names.byteSize + this.entries.byteSize,
    };
  }

  async close(): Promise<void> {
    this.zip.close();
  }
}

/** Where each indexed entry's data lives, one typed column per field (25 bytes per entry). */
class EntryColumns {
  headerOffset: Float64Array<ArrayBuffer>;
  compressedSize: Float64Array<ArrayBuffer>;
  uncompressedSize: Float64Array<ArrayBuffer>;
  deflated: Uint8Array<ArrayBuffer>;
  private count = 0;

  constructor(capacity: number) {
    const n = Math.max(16, capacity);
    this.headerOffset = new Float64Array(n);
    this.compressedSize = new Float64Array(n);
    this.uncompressedSize = new Float64Array(n);
    this.deflated = new Uint8Array(n);
  }

  push(headerOffset: number, compressedSize: number, uncompressedSize: number, deflated: boolean): void {
    if (this.count === this.deflated.length) this.grow();
    this.headerOffset[this.count] = headerOffset;
    this.compressedSize[this.count] = compressedSize;
    this.uncompressedSize[this.count] = uncompressedSize;
    this.deflated[this.count] = deflated ? 1 : 0;
    this.count++;
  }

  get byteSize(): number {
    return this.headerOffset.byteLength + this.compressedSize.byteLength + this.uncompressedSize.byteLength + this.deflated.byteLength;
  }

  private grow(): void {
    const n = this.deflated.length * 2;
    const f = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.headerOffset = f(this.headerOffset);
    this.compressedSize = f(this.compressedSize);
    this.uncompressedSize = f(this.uncompressedSize);
    const d = new Uint8Array(n);
    d.set(this.deflated);
    this.deflated = d;
  }
}

function safeExtraFields(raw: Buffer): ReturnType<typeof yauzl.parseExtraFields> {
  try {
    return yauzl.parseExtraFields(raw);
  } catch {
    return [];
  }
}
