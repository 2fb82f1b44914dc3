import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BOS_ID, ENDOFCHUNK_ID, EOS_ID, IMAGE_ID, PAD_ID } from '@mtb/core';
import { readIndex, readShardRows } from '@mtb/shards';
import { buildLabels, IGNORE_INDEX } from '@mtb/shard-stream';
import type { CorpusStats } from '@mtb/split';
import type { BenchCase } from '../types.js';
import { WORKSPACE } from '../pipeline/corpus.js';
import { cleanOutputs, copyCorpusInputs, runBuild } from '../pipeline/measure.js';

/**
 * What training uses of a built corpus (issue 20): `mtb build --no-nx` on the
 * sample corpus and on a corpus of every PDF of ../shared/corpus/layout and
 * ../shared/corpus/pdf, then every shard row through the loader's own label
 * mask (`buildLabels` of @mtb/shard-stream, OpenFlamingo's rule): text tokens
 * trained and before a first image, tokens per image chunk, trained tokens
 * per image; beside them stats.json's own figures (caption-only chunks, kept
 * share of each book's own text, split). The baseline is the same build with
 * `imageAnchor: "position"` (figures where they stand): what anchoring at the
 * first reference changes. One build each: they take minutes.
 */
const SAMPLE = join(WORKSPACE, 'datasets', 'sample');
const SHARED = resolve(WORKSPACE, '..', 'shared', 'corpus');
const SHARED_PDF_DIRS = [join(SHARED, 'layout', 'pdf'), join(SHARED, 'pdf')];
const SPECIAL = new Set([BOS_ID, EOS_ID, IMAGE_ID, ENDOFCHUNK_ID, PAD_ID]);
/** The line for a chunk that is "just the caption, or nothing". */
const SHORT_CHUNK = 16;

export interface ShardFigures {
  rows: number;
  textTokens: number;
  trained: number;
  beforeFirstImage: number;
  images: number;
  emptyChunks: number;
  shortChunks: number;
}

/** Every row of both splits through the loader's label mask. */
export async function shardFigures(corpusDir: string): Promise<ShardFigures> {
  const f: ShardFigures = { rows: 0, textTokens: 0, trained: 0, beforeFirstImage: 0, images: 0, emptyChunks: 0, shortChunks: 0 };
  for (const split of ['train', 'eval']) {
    const dir = join(corpusDir, 'shards', split);
    for (const shard of readIndex(dir).shards) {
      for await (const row of readShardRows(join(dir, shard.file))) {
        f.rows++;
        const ids = row.input_ids;
        const labels = buildLabels(ids);
        let seenImage = false;
        let chunk = -1;
        const close = (): void => {
          if (chunk === 0) f.emptyChunks++;
          if (chunk >= 0 && chunk <= SHORT_CHUNK) f.shortChunks++;
          chunk = -1;
        };
        for (let i = 0; i < ids.length; i++) {
          const id = ids[i]!;
          if (id === IMAGE_ID) {
            close();
            seenImage = true;
            f.images++;
            chunk = 0;
          } else if (id === ENDOFCHUNK_ID) close();
          if (SPECIAL.has(id)) continue;
          f.textTokens++;
          if (labels[i] !== IGNORE_INDEX) f.trained++;
          if (!seenImage) f.beforeFirstImage++;
          if (chunk >= 0) chunk++;
        }
        close();
      }
    }
  }
  return f;
}

function figures(corpusDir: string, prefix: string, f: ShardFigures): Record<string, number | string> {
  const stats = JSON.parse(readFileSync(join(corpusDir, 'report', 'stats.json'), 'utf8')) as CorpusStats;
  const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;
  return {
    [`${prefix}textTokens`]: f.textTokens,
    [`${prefix}trainedTokens`]: f.trained,
    [`${prefix}trainedShare`]: r4(f.trained / Math.max(1, f.textTokens)),
    [`${prefix}beforeFirstImage`]: f.beforeFirstImage,
    [`${prefix}images`]: f.images,
    [`${prefix}trainedPerImage`]: Math.round(f.trained / Math.max(1, f.images)),
    [`${prefix}emptyChunks`]: f.emptyChunks,
    [`${prefix}chunksUpTo${SHORT_CHUNK}Tokens`]: f.shortChunks,
    [`${prefix}emptyChunksOfImagesWithCaptionOrReference`]: stats.chunks.emptyExplained,
    [`${prefix}captionOnlyChunks`]: stats.chunks.captionOnly,
    [`${prefix}figuresByReference`]: stats.figures.byReference,
    [`${prefix}figuresByPosition`]: stats.figures.byPosition,
    [`${prefix}extractedTokens`]: stats.tokens.extracted,
    [`${prefix}noImageDrops`]: stats.tokens.droppedByReason['no-image'] ?? 0,
    [`${prefix}segments`]: `${stats.segments.train} train / ${stats.segments.eval} eval by ${stats.segments.unit}`,
    [`${prefix}keptOwnTextPerBook`]: stats.perBook.map((b) => `${b.bookId}=${b.keptContentShare}`).join(' '),
    [`${prefix}statsAgree`]: String(stats.tokens.kept === f.textTokens && stats.tokens.trained === f.trained),
  };
}

function buildCase(name: string, description: string, inputs: (dir: string) => void, quick: boolean): BenchCase {
  const root = join(tmpdir(), `bench-interleave-${name}`);
  const ours = join(root, 'reference', 'corpus');
  const base = join(root, 'position', 'corpus');
  return {
    name,
    description,
    repetitions: 1,
    warmup: false,
    async setup() {
      rmSync(root, { recursive: true, force: true });
      for (const dir of [ours, base]) inputs(dir);
      const config = (dir: string) => JSON.parse(existsSync(join(dir, 'corpus.json')) ? readFileSync(join(dir, 'corpus.json'), 'utf8') : '{}') as Record<string, unknown>;
      writeFileSync(join(base, 'corpus.json'), JSON.stringify({ ...config(base), imageAnchor: 'position' }));
    },
    async ours() {
      cleanOutputs(ours);
      await runBuild(ours, ['--no-nx'].concat(quick ? [] : ['--parallel', '2']));
    },
    baseline: {
      name: 'imageAnchor: position',
      async run() {
        cleanOutputs(base);
        await runBuild(base, ['--no-nx'].concat(quick ? [] : ['--parallel', '2']));
      },
    },
    async extras() {
      return { ...figures(ours, '', await shardFigures(ours)), ...figures(base, 'position.', await shardFigures(base)) };
    },
    async teardown() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export async function cases(opts: { quick: boolean }): Promise<BenchCase[]> {
  const out: BenchCase[] = [];
  if (existsSync(join(SAMPLE, 'pdf'))) {
    out.push(buildCase('interleave-sample', 'mtb build of the sample corpus; trained share under the loader\'s mask and chunk figures (baseline: figures where they stand)',
      (dir) => copyCorpusInputs(SAMPLE, dir), opts.quick));
  }
  const pdfs = SHARED_PDF_DIRS.filter(existsSync).flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.pdf')).map((f) => join(d, f)));
  if (pdfs.length > 0) {
    out.push(buildCase('interleave-shared', `mtb build of the ${pdfs.length} PDFs of ../shared/corpus/layout + pdf as one corpus; same figures`, (dir) => {
      mkdirSync(join(dir, 'pdf'), { recursive: true });
      for (const p of pdfs) cpSync(p, join(dir, 'pdf', p.slice(p.lastIndexOf('/') + 1)));
    }, opts.quick));
  }
  return out;
}
