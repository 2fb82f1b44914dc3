import { Binary, Bool, Field, Int32, Schema, Utf8 } from 'apache-arrow';

export type NodeKind = 'text' | 'image';
/**
 * What a block is in the book (DESIGN.md 4.1's book.html contract): running
 * text, a heading, a figure or table caption, a list item, a table row, a
 * note or footnote, a code block (its line breaks kept), or page furniture. Filters and the segment planner decide
 * by role: only body text can be a `fragment`, only captions bind to figures.
 */
export type NodeRole =
  | 'body' | 'heading' | 'caption' | 'list-item' | 'table' | 'note' | 'footnote' | 'code'
  | 'header' | 'footer' | 'page-number';

export const NODE_ROLES: readonly NodeRole[] = [
  'body', 'heading', 'caption', 'list-item', 'table', 'note', 'footnote', 'code', 'header', 'footer', 'page-number',
];

/** Cells of a table row are joined by this (a row is one node, as Markdown writes it). */
export const TABLE_CELL_SEPARATOR = ' | ';

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
  /** Heading level 1..6 (`<h1>`..`<h6>`); 0 for every other node. */
  level: number;
  /**
   * 1-based number of the `<figure>` the node sits in, in document order; 0
   * outside any. A figure's images and its caption share it, which is how the
   * segment planner keeps a caption right after its image.
   */
  figure: number;
  /** The block was recognised by OCR (`data-ocr="1"`), not read from a text layer. */
  ocr: boolean;
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
    new Field('level', new Int32(), true),
    new Field('figure', new Int32(), true),
    new Field('ocr', new Bool(), true),
  ],
  new Map([['mtb:format', 'nodes/2']]),
);
