import { readFileSync, existsSync } from 'node:fs';
import { z } from 'zod';

/**
 * The corpus settings, defined once: the type, the defaults, the validation and
 * the docs (`mtb config --describe`) all derive from this schema. Unknown keys are
 * rejected so that a typo ("maxToken") never silently falls back to a default.
 */
export const CorpusConfigSchema = z
  .object({
    name: z.string().min(1).optional().describe('Corpus name; defaults to the folder name.'),
    // pdf-html
    pageTimeoutMs: z.number().int().positive().default(30_000)
      .describe('A single page that takes longer than this is skipped and recorded.'),
    bookTimeoutMs: z.number().int().positive().default(600_000)
      .describe('Per-book wall-clock limit for PDF conversion; a pathological file is stopped, not waited on.'),
    maxPages: z.number().int().positive().default(20_000)
      .describe('Books with more pages than this are refused as likely not textbooks (or hostile).'),
    stageMemoryMb: z.number().int().min(32).default(3072)
      .describe('V8 heap limit of each per-book stage task (worker thread or process). Direct builds record a book over it as out-of-memory and go on; in an Nx build its task fails.'),
    maxImagePixels: z.number().int().positive().default(100_000_000)
      .describe('sharp limitInputPixels: images claiming more pixels than this are skipped (decompression bombs).'),
    minSliverSide: z.number().int().nonnegative().default(8)
      .describe('Images thinner than this many pixels are decorative slivers (rules, strips), skipped at extraction.'),
    ocr: z.enum(['auto', 'off', 'force']).default('auto')
      .describe('OCR (tesseract.js, offline): "auto" reads pages without a usable text layer (scans) and pages whose text layer is garbled; "force" every page; "off" none.'),
    ocrWorkers: z.number().int().nonnegative().default(0)
      .describe('OCR worker threads of one book; 0 = one per core. Started only when a page needs OCR.'),
    // image encoding
    maxImageSide: z.number().int().positive().default(512)
      .describe('Images are downscaled so their shorter side is at most this (never upscaled).'),
    jpegQuality: z.number().int().min(1).max(100).default(90)
      .describe('JPEG quality for re-encoded photographs.'),
    // filters
    minImageSide: z.number().int().nonnegative().default(100)
      .describe('Images whose shorter side is below this are icons or bullets, not figures.'),
    maxAspectRatio: z.number().positive().default(5)
      .describe('Images longer than 1:N are rules, banners or strips.'),
    minImageStddev: z.number().nonnegative().default(3)
      .describe('Images whose pixel standard deviation is below this are blank or near-uniform.'),
    minWords: z.number().int().nonnegative().default(4)
      .describe('Body blocks shorter than this are fragments unless they read as a sentence (headings, captions, list items, table rows and notes exempt).'),
    maxSymbolShare: z.number().min(0).max(1).default(0.3)
      .describe('Text with more symbols (not letters, digits, spaces or sentence punctuation) than this share is garbled.'),
    maxWordLength: z.number().int().positive().default(40)
      .describe('Words longer than this (outside URLs and chemical names) signal a broken text layer.'),
    maxCharRepetition: z.number().min(0).max(1).default(0.3)
      .describe('Text whose most frequent non-digit character exceeds this share (after spaces) is garbled ("e" alone reaches 0.21 in real sentences).'),
    maxLongWordShare: z.number().min(0).max(1).default(0.5)
      .describe('Text with more than this share of its letters in words over maxWordLength ran its words together (lost spaces).'),
    maxStrayCharShare: z.number().min(0).max(1).default(0.34)
      .describe('Text where more than this share of words are lone glyphs (not a, I, digits, initials) decodes to single characters.'),
    garbledMinChars: z.number().int().nonnegative().default(20)
      .describe('Blocks with fewer visible characters are too short for the garbled-text statistics.'),
    minRepetitionChars: z.number().int().nonnegative().default(100)
      .describe('Character repetition is judged only on blocks this long: short English text often has one letter above maxCharRepetition.'),
    maxGarbledPageShare: z.number().min(0).max(1).default(0.5)
      .describe('A page whose garbled blocks hold more than this share of its text has a broken text layer: all its text goes.'),
    maxPageSymbolShare: z.number().min(0).max(1).default(0.12)
      .describe('A page whose text, read as one, has more symbols than this share is garbled (pages average out formulas; clean pages stay under 0.06).'),
    maxPageStrayCharShare: z.number().min(0).max(1).default(0.18)
      .describe('A page whose text, read as one, has more lone glyphs than this share is garbled (clean pages stay under 0.1).'),
    languages: z.array(z.string().length(3)).default(['eng'])
      .describe('ISO 639-3 languages to keep (language id by franc); empty keeps everything.'),
    minLanguageChars: z.number().int().nonnegative().default(80)
      .describe('Language id only judges blocks at least this long; shorter ones inherit the page language.'),
    minLanguageScore: z.number().min(0).max(1).default(0.85)
      .describe('franc score (best language = 1) a configured language needs: English pages score >= 0.9, French or German text 0.5-0.83.'),
    matterZonePages: z.number().int().nonnegative().default(10)
      .describe('Front matter (title, imprint, contents) is looked for in the first max(this, a tenth) pages, an untitled index in as many last pages.'),
    titlePageMaxWords: z.number().int().nonnegative().default(80)
      .describe('A page before the first imprint or contents page with at most this many words is a title page.'),
    contentsMinRefDensity: z.number().min(0).max(1).default(0.06)
      .describe('Share of words that are page references (a number after a title or dot leader) from which a page reads as a contents list.'),
    contentsMinAscending: z.number().min(0).max(1).default(0.7)
      .describe('Share of consecutive page references that must not go down on a contents page (years and doses in prose go anywhere).'),
    indexMinLocatorDensity: z.number().min(0).max(1).default(0.12)
      .describe('Share of words that are page locators ("23, 45-47, 112f") on a page under an "Index" title.'),
    indexUntitledLocatorDensity: z.number().min(0).max(1).default(0.2)
      .describe('The same share on an untitled back-zone page, which must also list its entries alphabetically.'),
    bibliographyMinDensity: z.number().min(0).max(1).default(0.05)
      .describe('Citation markers per word for a block under a References heading to be dropped as a reference.'),
    bibliographyLooseDensity: z.number().min(0).max(1).default(0.2)
      .describe('Citation markers per word for a block outside any References section to be dropped as a run of citations.'),
    // dedup
    dedupThreshold: z.number().min(0).max(1).default(0.8)
      .describe('Jaccard similarity at or above which two paragraphs (or books) are duplicates.'),
    minhashPermutations: z.number().int().positive().default(128)
      .describe('Number of MinHash permutations per signature.'),
    shingleSize: z.number().int().positive().default(5)
      .describe('Word n-gram size of the shingles that MinHash hashes.'),
    imageHammingThreshold: z.number().int().min(0).max(64).default(6)
      .describe('Two images whose 64-bit perceptual hashes differ in at most this many bits are duplicates.'),
    foldDigitsMinWords: z.number().int().positive().default(50)
      .describe('Near-duplicate detection folds digits (every digit read as 0) only in non-caption paragraphs of at least this many words; exact duplicates and captions always keep their numbers ("Figure 12.8" is not "Figure 12.9").'),
    decorativeRepeat: z.number().int().positive().default(10)
      .describe('An image repeated more than this many times across the corpus is decorative (logo, icon).'),
    // segment
    minImages: z.number().int().nonnegative().default(1)
      .describe('Fewest images in a segment (the paper: at least 1).'),
    maxImages: z.number().int().positive().default(10)
      .describe('Most images in a segment (the paper: at most 10).'),
    maxTokens: z.number().int().positive().default(1024)
      .describe('Most LLaMA tokens in a segment, BOS, EOS and special tokens included.'),
    imageAnchor: z.enum(['reference', 'position']).default('reference')
      .describe('Where a figure goes in the text: before the block that first refers to it in its chapter ("Figure 11.2", "Fig. 3", "Table 4.1"), else where it stands; or always where it stands. Its caption follows it directly.'),
    // split and shards
    evalFraction: z.number().min(0).max(1).default(0.05)
      .describe('Target share of the eval split (the paper: 5%).'),
    splitUnit: z.enum(['book', 'segment']).default('book')
      .describe('What is assigned to a split: whole books (no leakage) or single segments (few-book corpora).'),
    splitSeed: z.string().default('mtb')
      .describe('Salt of the split hash; change it to draw another split.'),
    maxShardBytes: z.number().int().positive().default(256 * 1024 * 1024)
      .describe('Largest shard file in bytes.'),
  })
  .strict();

export type CorpusConfig = z.infer<typeof CorpusConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validate a parsed object; `source` names the file in error messages. */
export function parseCorpusConfig(raw: unknown, source = 'corpus.json'): CorpusConfig {
  const result = CorpusConfigSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (see \`mtb config --describe\` for the valid keys)`;
    }
    const key = issue.path.join('.') || '(root)';
    return `key "${key}": ${issue.message}`;
  });
  throw new ConfigError(`${source}: invalid corpus settings:\n  ${lines.join('\n  ')}`);
}

/** Read `corpus.json` (absent file = all defaults). */
export function loadCorpusConfig(file: string): CorpusConfig {
  if (!existsSync(file)) return parseCorpusConfig({}, file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON (${(err as Error).message}); fix the file or delete it to use the defaults`);
  }
  return parseCorpusConfig(raw, file);
}

/** One line per key: name, default, description. */
export function describeCorpusConfig(): Array<{ key: string; default: unknown; description: string }> {
  const defaults = CorpusConfigSchema.parse({});
  return Object.entries(CorpusConfigSchema.shape).map(([key, schema]) => ({
    key,
    default: (defaults as Record<string, unknown>)[key],
    description: (schema as z.ZodType).description ?? '',
  }));
}
