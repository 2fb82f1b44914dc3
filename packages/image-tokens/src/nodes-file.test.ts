import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays, tableToIPC, tableFromIPC } from 'apache-arrow';
import { decodeNodes, encodeNodes, readNodes, writeNodes } from './nodes-file.js';
import { NODES_SCHEMA, type NodeRow } from './schema.js';

function textRow(seq: number, text: string): NodeRow {
  return { seq, page: 1 + (seq % 7), kind: 'text', role: seq % 5 ? 'body' : 'heading', text, image_path: null, width: 0, height: 0, image_bytes: null, num_tokens: text.length,
    level: seq % 5 ? 0 : 1 + (seq % 3), figure: seq % 4 === 1 ? 1 + (seq >> 2) : 0, ocr: seq % 3 === 2 };
}

const image: NodeRow = {
  seq: 1, page: 2, kind: 'image', role: 'body', text: '', image_path: 'bk/p2-1.png', width: 120, height: 80,
  image_bytes: Uint8Array.from([137, 80, 78, 71, 0, 255]), num_tokens: 0, level: 0, figure: 1, ocr: false,
};

describe('nodes.arrow', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'nodes-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips text and image rows, with nulls for the image columns of text rows', () => {
    const rows = [textRow(0, 'Gray\u2019s anatomy \u2013 \u03b1-cells'), image, textRow(2, '')];
    const file = join(dir, 'nodes.arrow');
    writeNodes(file, rows);
    const back = readNodes(file);
    expect(back.map((r) => ({ ...r, image_bytes: r.image_bytes && Array.from(r.image_bytes) })))
      .toEqual(rows.map((r) => ({ ...r, image_bytes: r.image_bytes && Array.from(r.image_bytes) })));
    const table = tableFromIPC(encodeNodes(rows));
    expect(table.getChild('image_path')!.nullCount).toBe(2);
    expect(table.getChild('image_bytes')!.nullCount).toBe(2);
    expect(table.schema.fields.map((f) => [f.name, String(f.type), f.nullable])).toEqual(NODES_SCHEMA.fields.map((f) => [f.name, String(f.type), true]));
  });

  it('writes byte-identical files for identical rows', () => {
    const rows = [textRow(0, 'a'), image];
    expect(Buffer.from(encodeNodes(rows)).equals(Buffer.from(encodeNodes(rows.map((r) => ({ ...r })))))).toBe(true);
  });

  it('writes an empty but valid file for a book without nodes', () => {
    const file = join(dir, 'empty.arrow');
    writeNodes(file, []);
    expect(readNodes(file)).toEqual([]);
    expect(tableFromIPC(encodeNodes([])).schema.fields.length).toBe(NODES_SCHEMA.fields.length);
  });

  it('splits large books into several record batches and reads them back in order', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => textRow(i, `paragraph ${i}`));
    const bytes = encodeNodes(rows);
    expect(tableFromIPC(bytes).batches.length).toBeGreaterThan(1);
    const back = decodeNodes(bytes);
    expect(back.length).toBe(rows.length);
    expect(back[19_999]).toEqual(rows[19_999]);
  });

  it('refuses an Arrow file that is not a nodes file, naming the file', () => {
    const file = join(dir, 'other.arrow');
    writeFileSync(file, tableToIPC(tableFromArrays({ x: Int32Array.from([1]) }), 'file'));
    expect(() => readNodes(file)).toThrow(/other\.arrow: not a nodes file/);
  });
});
