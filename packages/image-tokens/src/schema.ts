import { Binary, Field, Int32, Schema, Utf8 } from 'apache-arrow';

export type NodeKind = 'text' | 'image';
export type NodeRole = 'body' | 'heading' | 'caption' | 'header' | 'footer' | 'page-number';

export const NODE_ROLES: readonly NodeRole[] = ['body', 'heading', 'caption', 'header', 'footer', 'page-number'];

/**
 * One node of a book's token stream: a text block or an image, in reading order.
 * `seq` is the node's position in nodes.arrow and stays its id downstream
 * (kept.arrow keeps the seq of every surviving node, drop lists name seqs).
 */
export interface NodeRow {
  seq: number;
  /** 1-based page of book.html's `<section data-page>`; 0 when the node sits outside any page. */
  page: number;
  kind: NodeKind;
  role: NodeRole;
  /** Whitespace-collapsed text with literal special markers neutralized; '' for images. */
  text: string;
  /** `<bookId>/p<page>-<n>.<ext>` for images, null for text. */
  image_path: string | null;
  width: number;
  height: number;
  image_bytes: Uint8Array | null;
  /** encodePlain(text).length, counted once here and reused by every later stage. */
  num_tokens: number;
}

/**
 * The one schema of nodes.arrow and kept.arrow. Every field is nullable, as in
 * the shards (apache-arrow JS defaults to non-nullable, which other readers
 * treat as a different schema).
 */
export const NODES_SCHEMA = new Schema(
  [
    new Field('seq', new Int32(), true),
    new Field('page', new Int32(), true),
    new Field('kind', new Utf8(), true),
    new Field('role', new Utf8(), true),
    new Field('text', new Utf8(), true),
    new Field('image_path', new Utf8(), true),
    new Field('width', new Int32(), true),
    new Field('height', new Int32(), true),
    new Field('image_bytes', new Binary(), true),
    new Field('num_tokens', new Int32(), true),
  ],
  new Map([['mtb:format', 'nodes/1']]),
);
