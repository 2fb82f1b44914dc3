import { Binary, Field, Int32, List, Schema, Struct, Utf8, type DataType } from 'apache-arrow';

/** Bumped when the layout of the shard folder (index.json, file names) changes. */
export const FORMAT_VERSION = 1;
/** Bumped when the row schema changes. */
export const SCHEMA_VERSION = 1;

/** One training sample: a segment of a book or a PMC-OA figure/caption pair. */
export interface ShardRow {
  id: string;
  source: 'mtb' | 'pmc-oa';
  book_id: string;
  /** Text with `<image>` and `<|endofchunk|>` markers (DESIGN.md 4.4). */
  text: string;
  /** Encoded images, in the order of their `<image>` markers. */
  images: { bytes: Uint8Array; path: string }[];
  /** LLaMA ids of `text`, BOS first and EOS last. */
  input_ids: Int32Array;
  num_tokens: number;
  num_images: number;
  /** Source pages (provenance). */
  pages: number[];
}

export const SHARD_SOURCES: readonly ShardRow['source'][] = ['mtb', 'pmc-oa'];

/**
 * HuggingFace `datasets` features, one entry per column in column order. They
 * travel in the schema metadata (`huggingface` key) and in dataset_info.json,
 * so `datasets` decodes `images` as `Sequence(Image())` instead of raw structs.
 */
export const HF_FEATURES = {
  id: { dtype: 'string', _type: 'Value' },
  source: { dtype: 'string', _type: 'Value' },
  book_id: { dtype: 'string', _type: 'Value' },
  text: { dtype: 'string', _type: 'Value' },
  images: { feature: { _type: 'Image' }, _type: 'Sequence' },
  input_ids: { feature: { dtype: 'int32', _type: 'Value' }, _type: 'Sequence' },
  num_tokens: { dtype: 'int32', _type: 'Value' },
  num_images: { dtype: 'int32', _type: 'Value' },
  pages: { feature: { dtype: 'int32', _type: 'Value' }, _type: 'Sequence' },
} as const;

// Every field and child is nullable: `datasets` builds its expected schema
// with pyarrow defaults (nullable) and refuses a table whose schema differs,
// while apache-arrow JS defaults to non-nullable. List children are named
// "item" as pyarrow names them, for the same reason.
const nullable = <T extends DataType>(name: string, type: T): Field<T> => new Field(name, type, true);

export const IMAGE_STRUCT = new Struct([nullable('bytes', new Binary()), nullable('path', new Utf8())]);
export const IMAGES_TYPE = new List(nullable('item', IMAGE_STRUCT));
export const INT32_LIST_TYPE = new List(nullable('item', new Int32()));

/**
 * The one schema object every shard writer, reader and test uses: apache-arrow
 * silently closes a writer handed a batch whose schema is a different object
 * that does not compare equal, so nothing else builds a schema.
 */
export const SHARD_SCHEMA = new Schema(
  [
    nullable('id', new Utf8()),
    nullable('source', new Utf8()),
    nullable('book_id', new Utf8()),
    nullable('text', new Utf8()),
    nullable('images', IMAGES_TYPE),
    nullable('input_ids', INT32_LIST_TYPE),
    nullable('num_tokens', new Int32()),
    nullable('num_images', new Int32()),
    nullable('pages', INT32_LIST_TYPE),
  ],
  new Map([
    ['huggingface', JSON.stringify({ info: { features: HF_FEATURES } })],
    ['mtb:schema', `shards/${SCHEMA_VERSION}`],
  ]),
);

export const SHARD_COLUMNS: readonly string[] = SHARD_SCHEMA.fields.map((f) => f.name);
