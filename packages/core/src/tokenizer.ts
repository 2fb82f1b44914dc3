import llamaTokenizer from 'llama-tokenizer-js';

/** LLaMA's own ids. */
export const BOS_ID = 1;
export const EOS_ID = 2;
/** OpenFlamingo's added tokens, appended after LLaMA's 32,000. */
export const ENDOFCHUNK_ID = 32000;
export const IMAGE_ID = 32001;
export const PAD_ID = 32002;
export const VOCAB_SIZE = 32003;

export const ENDOFCHUNK = '<|endofchunk|>';
export const IMAGE = '<image>';
export const PAD = '<PAD>';

export const SPECIAL_TOKENS: Readonly<Record<string, number>> = {
  [ENDOFCHUNK]: ENDOFCHUNK_ID,
  [IMAGE]: IMAGE_ID,
  [PAD]: PAD_ID,
};

const SPECIAL_RE = /(<\|endofchunk\|>|<image>|<PAD>)/;

/**
 * Encode plain text (no special-token recognition): what ordinary book text
 * becomes. "<image>" typed in a book becomes ordinary pieces, never id 32001.
 * Like HuggingFace's legacy LLaMA tokenizer, every piece gets sentencepiece's
 * dummy prefix space.
 */
export function encodePlain(text: string): number[] {
  if (text.length === 0) return [];
  const out: number[] = [];
  // SentencePiece (split_by_whitespace) never merges across the start of a
  // whitespace run, so each "spaces + word" chunk encodes independently and a
  // book's vocabulary of chunks is small: memoising them gives llama-tokenizer-js'
  // exact ids several times faster.
  for (const chunk of (' ' + text).match(CHUNK_RE)!) {
    let ids = chunkCache.get(chunk);
    if (ids === undefined) {
      ids = encodeRaw(chunk);
      if (chunkCache.size >= CHUNK_CACHE_MAX) chunkCache = new Map();
      if (chunk.length <= 256) chunkCache.set(chunk, ids);
    }
    for (let i = 0; i < ids.length; i++) out.push(ids[i]!);
  }
  return out;
}

const CHUNK_CACHE_MAX = 200_000;
/** A run of spaces and the word after it; trailing spaces form the last chunk. */
const CHUNK_RE = / *[^ ]+| +/g;
let chunkCache = new Map<string, readonly number[]>();

/** Forget memoised chunks (benchmarks measure a cold start, as one book's stage process has). */
export function clearTokenCache(): void {
  chunkCache = new Map();
}

/** llama-tokenizer-js on text that already carries its leading space. */
function encodeRaw(chunk: string): number[] {
  return llamaTokenizer.encode(chunk, false, false, false);
}

/** The library's own path, kept for the equivalence test and the benchmark. */
export function encodePlainReference(text: string): number[] {
  if (text.length === 0) return [];
  return llamaTokenizer.encode(text, false, true, false);
}

/**
 * Encode a segment's `text`: special markers become their ids, the text between
 * them is encoded as plain text, and BOS/EOS frame the whole.
 */
export function encodeWithSpecials(text: string, opts: { bos?: boolean; eos?: boolean } = {}): number[] {
  const ids: number[] = [];
  if (opts.bos ?? true) ids.push(BOS_ID);
  for (const piece of text.split(SPECIAL_RE)) {
    if (piece === '') continue;
    const special = SPECIAL_TOKENS[piece];
    if (special !== undefined) ids.push(special);
    else for (const id of encodePlain(piece)) ids.push(id);
  }
  if (opts.eos ?? true) ids.push(EOS_ID);
  return ids;
}

/** Number of tokens of plain text; blocks are counted once and the count reused. */
export function countTokens(text: string): number {
  return encodePlain(text).length;
}

export function decode(ids: readonly number[]): string {
  const out: string[] = [];
  let run: number[] = [];
  const flush = (): void => {
    if (run.length) out.push(llamaTokenizer.decode(run, false, true));
    run = [];
  };
  for (const id of ids) {
    if (id === BOS_ID || id === EOS_ID) continue;
    if (id === ENDOFCHUNK_ID) { flush(); out.push(ENDOFCHUNK); }
    else if (id === IMAGE_ID) { flush(); out.push(IMAGE); }
    else if (id === PAD_ID) { flush(); out.push(PAD); }
    else run.push(id);
  }
  flush();
  return out.join('');
}

/**
 * Ordinary text that contains a literal special marker would be indistinguishable
 * from a real one inside a segment's text; escape it so it stays plain text.
 */
export function neutralizeSpecialMarkers(text: string): string {
  return text.replace(/<\|endofchunk\|>/g, '<|end of chunk|>').replace(/<image>/gi, '< image>').replace(/<PAD>/g, '< PAD>');
}
