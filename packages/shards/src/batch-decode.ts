import type { RecordBatch, Schema } from 'apache-arrow';
import { SHARD_COLUMNS, type ShardRow } from './schema.js';

/** Throws naming `source` when a table is not in the shard row schema. */
export function checkShardSchema(schema: Schema, source: string): void {
  const names = schema.fields.map((f) => f.name);
  if (names.join(',') !== SHARD_COLUMNS.join(',')) {
    throw new Error(`${source}: not a shard file (columns ${names.join(', ')}; expected ${SHARD_COLUMNS.join(', ')}); rebuild it with \`mtb split\` or \`mtb pmc-oa\``);
  }
}

interface ListVector<T> { get(i: number): { length: number; get(j: number): T; toArray(): ArrayLike<T> } | null }

/**
 * Rows of one batch. Image bytes and ids are copied out of the batch buffer,
 * so a row kept in a shuffle buffer does not pin its whole record batch.
 */
export function batchToRows(batch: RecordBatch): ShardRow[] {
  const col = (name: string) => batch.getChild(name)!;
  const id = col('id');
  const source = col('source');
  const bookId = col('book_id');
  const text = col('text');
  const images = col('images') as unknown as ListVector<{ bytes: Uint8Array | null; path: string | null }>;
  const inputIds = col('input_ids') as unknown as ListVector<number>;
  const numTokens = col('num_tokens');
  const numImages = col('num_images');
  const pages = col('pages') as unknown as ListVector<number>;
  const rows: ShardRow[] = new Array(batch.numRows);
  for (let i = 0; i < batch.numRows; i++) {
    const imgs = images.get(i);
    const rowImages: ShardRow['images'] = [];
    if (imgs) {
      for (let j = 0; j < imgs.length; j++) {
        const image = imgs.get(j);
        rowImages.push({ bytes: image?.bytes ? image.bytes.slice() : new Uint8Array(0), path: image?.path ?? '' });
      }
    }
    const ids = inputIds.get(i);
    const pg = pages.get(i);
    rows[i] = {
      id: (id.get(i) as string | null) ?? '',
      source: ((source.get(i) as string | null) ?? 'mtb') as ShardRow['source'],
      book_id: (bookId.get(i) as string | null) ?? '',
      text: (text.get(i) as string | null) ?? '',
      images: rowImages,
      input_ids: ids ? Int32Array.from(ids.toArray()) : new Int32Array(0),
      num_tokens: (numTokens.get(i) as number | null) ?? 0,
      num_images: (numImages.get(i) as number | null) ?? 0,
      pages: pg ? Array.from(pg.toArray()) : [],
    };
  }
  return rows;
}
