import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { CorpusConfigSchema, createLogger, createProgress, reencodeImage, writeJsonAtomic } from '@mtb/core';
import { ShardWriter, type ShardRow } from '@mtb/shards';
import { countLines, readJsonlLines, DEFAULT_MAX_LINE_BYTES } from './jsonl.js';
import { resolveInputs, InputError, type InputFile } from './inputs.js';
import { parsePairLine, type Pair, type RejectReason, type Verdict } from './pair.js';
import { hashSplit, SPLITS, type Split } from './split.js';
import { NameTable } from './name-table.js';
import { mapOrdered } from './ordered-map.js';
import { RejectionLog } from './rejections.js';
import { pairRow } from './row.js';
import { DEFAULT_MAX_IMAGE_BYTES, type EntryRejection, type ImageSource } from './image-source.js';
import { ZipImageSource } from './zip-images.js';
import { FolderImageSource } from './folder-images.js';

export const REPORT_FILE = 'pmc-oa-report.json';
export const REJECTED_FILE = 'pmc-oa-rejected.jsonl';

const DEFAULTS = CorpusConfigSchema.parse({});

export interface PmcOaOptions {
  /** A jsonl file, or the folder holding train/valid/test.jsonl or pmc_oa.jsonl. */
  input: string;
  /** An image folder or images.zip. */
  images: string;
  /** Shard root: train/, eval/, test/ and the report go here. */
  out: string;
  maxImageSide?: number;
  jpegQuality?: number;
  maxImagePixels?: number;
  /** Stored image bytes above this are refused unread. */
  maxImageBytes?: number;
  maxShardBytes?: number;
  /** Hash split only (no public split files): share of rows in eval and in test. */
  evalFraction?: number;
  testFraction?: number;
  splitSeed?: string;
  /** Images decoded and re-encoded at once; rows still leave in input order. */
  concurrency?: number;
  /** Folder inside the zip / image folder; default PMC-OA's own. */
  imagesPrefix?: string;
  maxLineBytes?: number;
  /** No progress bar (tests, benchmarks). */
  quiet?: boolean;
  /** Called after each row leaves the pipeline, with physical lines done and the total. */
  onProgress?(linesDone: number, totalLines: number): void;
}

export interface SplitSummary {
  rows: number;
  tokens: number;
  shards: number;
  bytes: number;
}

export interface PmcOaReport {
  source: 'pmc-oa';
  layout: 'public-split' | 'hash-split';
  inputs: Array<{ file: string; split: Split | 'hash'; lines: number }>;
  images: Record<string, unknown> & { kind: 'folder' | 'zip' };
  settings: Record<string, number | string>;
  rows: { read: number; written: number; rejected: number; withoutPmcid: number };
  splits: Partial<Record<Split, SplitSummary>>;
  rejected: Record<string, number>;
  zipEntriesSkipped: Record<string, number>;
  rejectedList: string;
}

/** A row on its way through the pipeline: either a candidate pair or an early rejection. */
type Candidate =
  | { kind: 'pair'; file: string; line: number; split: Split; pair: Pair }
  | { kind: 'rejected'; file: string; line: number; image: string | null; reason: RejectReason; detail: string };

type Outcome = { kind: 'row'; file: string; line: number; split: Split; row: ShardRow; hasPmcid: boolean } | (Candidate & { kind: 'rejected' });

/**
 * PMC-OA (jsonl + images) -> paired Arrow shards `<out>/{train,eval,test}`
 * (DESIGN.md 3 and 4.7). Streams: memory is bounded by `concurrency` images
 * and the shard writer's batch, whatever the input size, plus 8 bytes per
 * distinct image name for the duplicate check (and the zip's entry table).
 * Bad rows are skipped, counted by reason and listed in `pmc-oa-rejected.jsonl`;
 * the run never stops for one. Same inputs and options give byte-identical output.
 */
export async function convertPmcOa(opts: PmcOaOptions): Promise<PmcOaReport> {
  const log = createLogger('pmc-oa');
  const layout = resolveInputs(opts.input);
  const settings = {
    maxImageSide: opts.maxImageSide ?? DEFAULTS.maxImageSide,
    jpegQuality: opts.jpegQuality ?? DEFAULTS.jpegQuality,
    maxImagePixels: opts.maxImagePixels ?? DEFAULTS.maxImagePixels,
    maxImageBytes: opts.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES,
    maxShardBytes: opts.maxShardBytes ?? DEFAULTS.maxShardBytes,
    evalFraction: opts.evalFraction ?? 0.1,
    testFraction: opts.testFraction ?? 0.1,
    splitSeed: opts.splitSeed ?? 'pmc-oa',
  };
  const concurrency = opts.concurrency ?? Math.max(4, 2 * availableParallelism());
  const splitsUsed: Split[] =
    layout.kind === 'public-split'
      ? SPLITS.filter((s) => layout.files.some((f) => f.split === s))
      : SPLITS.filter((s) => s === 'train' || (s === 'eval' ? settings.evalFraction > 0 : settings.testFraction > 0));
  // Validates the fractions before any output exists.
  if (layout.kind === 'hash-split') hashSplit('', settings);

  const lineCounts = await Promise.all(layout.files.map((f) => countLines(f.file)));
  const totalLines = lineCounts.reduce((a, b) => a + b, 0);

  // Entries refused while the zip is indexed are held until the list exists:
  // nothing is created under <out> before both inputs have opened.
  const refusedEntries: EntryRejection[] = [];
  const source = await openImages(opts.images, {
    maxImageBytes: settings.maxImageBytes,
    ...(opts.imagesPrefix !== undefined ? { prefix: opts.imagesPrefix } : {}),
    onEntryRejected: (r) => refusedEntries.push(r),
  });
  const writers = new Map<Split, ShardWriter>();
  let rejections: RejectionLog;
  try {
    rejections = new RejectionLog(join(opts.out, REJECTED_FILE));
  } catch (err) {
    await source.close();
    throw err;
  }
  try {
    for (const r of refusedEntries) await rejections.entry(r);
    refusedEntries.length = 0;
    log.info(`${totalLines} lines in ${layout.files.map((f) => basename(f.file)).join(', ')} (${layout.kind}); images from ${opts.images}`);

    for (const s of splitsUsed) {
      writers.set(s, new ShardWriter(join(opts.out, s), { maxShardBytes: settings.maxShardBytes, fingerprintSeed: `pmc-oa/${s}`, description: `PMC-OA figure/caption pairs (<image>caption<|endofchunk|>), ${s} split` }));
    }
    for (const s of SPLITS) {
      if (!writers.has(s) && existsSync(join(opts.out, s, 'index.json'))) {
        log.warn(`${join(opts.out, s)} holds shards from an earlier run that this run does not write (no ${s} rows expected); delete it if it is stale`);
      }
    }
    const tokens: Record<string, number> = {};
    let read = 0;
    let withoutPmcid = 0;
    const seen = new NameTable(1 << 16);
    const progress = createProgress('pmc-oa', totalLines, 'rows', opts.quiet ? { quiet: true } : {});
    let progressLine = 0;
    let linesDone = 0;

    async function* candidates(): AsyncGenerator<Candidate> {
      for (const input of layout.files) yield* candidatesOf(input);
    }
    async function* candidatesOf(input: InputFile): AsyncGenerator<Candidate> {
      const file = basename(input.file);
      for await (const l of readJsonlLines(input.file, { maxLineBytes: opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES })) {
        read++;
        if ('tooLong' in l) {
          yield { kind: 'rejected', file, line: l.line, image: null, reason: 'line-too-long', detail: `${l.bytes} bytes` };
          continue;
        }
        const v = parsePairLine(l.text);
        if (!v.ok) {
          yield { kind: 'rejected', file, line: l.line, image: imageField(l.text), reason: v.reason, detail: v.detail };
          continue;
        }
        if (seen.add(v.value.image) < 0) {
          yield { kind: 'rejected', file, line: l.line, image: v.value.image, reason: 'duplicate-image', detail: 'an earlier row (this or another split file) has the same image; the first is kept' };
          continue;
        }
        const split = input.split ?? hashSplit(v.value.image, settings);
        yield { kind: 'pair', file, line: l.line, split, pair: v.value };
      }
    }

    const convert = async (c: Candidate): Promise<Outcome> => {
      if (c.kind === 'rejected') return c;
      const bytes = await source.read(c.pair.image);
      const encoded = bytes.ok ? await encode(bytes.value, settings) : bytes;
      if (!encoded.ok) return { kind: 'rejected', file: c.file, line: c.line, image: c.pair.image, reason: encoded.reason, detail: encoded.detail };
      return { kind: 'row', file: c.file, line: c.line, split: c.split, row: pairRow(c.pair, encoded.value), hasPmcid: c.pair.pmcid !== null };
    };

    let progressFile = '';
    for await (const outcome of mapOrdered(candidates(), convert, concurrency)) {
      if (outcome.kind === 'row') {
        if (!outcome.hasPmcid) withoutPmcid++;
        await writers.get(outcome.split)!.write(outcome.row);
        tokens[outcome.split] = (tokens[outcome.split] ?? 0) + outcome.row.num_tokens;
      } else {
        await rejections.row(outcome);
      }
      // Progress by physical lines, so blank lines still add up to the total.
      if (outcome.file !== progressFile) [progressFile, progressLine] = [outcome.file, 0];
      progress.increment(outcome.line - progressLine);
      linesDone += outcome.line - progressLine;
      progressLine = outcome.line;
      opts.onProgress?.(linesDone, totalLines);
    }
    progress.stop();

    const splits: Partial<Record<Split, SplitSummary>> = {};
    for (const [s, w] of writers) {
      const index = await w.close();
      splits[s] = {
        rows: index.totalRows,
        tokens: tokens[s] ?? 0,
        shards: index.shards.length,
        bytes: index.shards.reduce((a: number, sh: { bytes: number }) => a + sh.bytes, 0),
      };
    }
    await rejections.close();
    const written = Object.values(splits).reduce((a, s) => a + s.rows, 0);
    const report: PmcOaReport = {
      source: 'pmc-oa',
      layout: layout.kind,
      inputs: layout.files.map((f, i) => ({ file: basename(f.file), split: f.split ?? 'hash', lines: lineCounts[i]! })),
      images: { kind: source.kind, ...source.summary() },
      settings: layout.kind === 'hash-split' ? settings : withoutSplitSettings(settings),
      rows: { read, written, rejected: rejections.rejected, withoutPmcid },
      splits,
      rejected: rejections.rowsByReason(),
      zipEntriesSkipped: rejections.entriesByReason(),
      rejectedList: REJECTED_FILE,
    };
    writeJsonAtomic(join(opts.out, REPORT_FILE), report);
    return report;
  } catch (err) {
    // Leave the previous shards of every split as they were (the writers only rename on close).
    for (const w of writers.values()) w.abort();
    await rejections.abort();
    throw err;
  } finally {
    await source.close();
  }
}

function withoutSplitSettings(s: Record<string, number | string>): Record<string, number | string> {
  const { evalFraction: _e, testFraction: _t, splitSeed: _s, ...rest } = s;
  return rest;
}

async function openImages(path: string, opts: ConstructorParameters<typeof FolderImageSource>[1]): Promise<ImageSource> {
  if (!existsSync(path)) throw new InputError(`${path}: no such image folder or zip; pass PMC-OA's images.zip or the folder it was unpacked to`);
  return statSync(path).isDirectory() ? new FolderImageSource(path, opts) : ZipImageSource.open(path, opts);
}

async function encode(bytes: Uint8Array, s: { maxImageSide: number; jpegQuality: number; maxImagePixels: number }): Promise<Verdict<Awaited<ReturnType<typeof reencodeImage>>>> {
  try {
    return { ok: true, value: await reencodeImage(bytes, { maxSide: s.maxImageSide, jpegQuality: s.jpegQuality, maxPixels: s.maxImagePixels }) };
  } catch (err) {
    const msg = (err as Error).message;
    if (/pixel limit/i.test(msg)) return { ok: false, reason: 'image-too-large', detail: `more than ${s.maxImagePixels} pixels` };
    // Not sharp's message: for a corrupt image libvips reports through a
    // thread-global error buffer, and under concurrency the same file gives
    // "premature end of JPEG image" or "Unknown error" at random, which
    // would make the rejected-rows list differ between identical runs.
    const format = sniffFormat(bytes);
    return { ok: false, reason: 'undecodable-image', detail: format ? `${format} data is corrupt or truncated (${bytes.length} bytes)` : `not an image format sharp reads (${bytes.length} bytes)` };
  }
}

/** The container format from the first bytes, for a stable rejection detail. */
function sniffFormat(b: Uint8Array): string | null {
  const starts = (...sig: number[]): boolean => sig.every((v, i) => b[i] === v);
  if (starts(0xff, 0xd8, 0xff)) return 'JPEG';
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'PNG';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'GIF';
  if (starts(0x52, 0x49, 0x46, 0x46) && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'WebP';
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'TIFF';
  return null;
}

/** The image name of a row that failed validation, when it has one, so the list names the row. */
function imageField(text: string): string | null {
  try {
    const v = JSON.parse(text) as { image?: unknown };
    return typeof v?.image === 'string' ? v.image : null;
  } catch {
    return null;
  }
}
