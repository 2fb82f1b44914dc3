import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bookPaths, corpusPaths, listBooks, readBookStatus, type BookStatus } from '@mtb/core';
import { readNodes, type NodeRow } from '@mtb/image-tokens';
import { readIndex, readShardRows, type ShardRow } from '@mtb/shards';

/** Why a node is not in the training data: a filter reason or a duplicate with its twin. */
export interface NodeDrop { reason: string; twin?: string | null; similarity?: number }

export interface DedupList {
  bookId: string;
  wholeBook: null | { twinBook: string; similarity: number };
  drops: Array<{ seq: number; reason: string; twin: string | null; similarity: number }>;
}

export interface BookSummary {
  bookId: string;
  status: BookStatus;
  pages: number;
  imagesKept: number;
  tokensKept: number;
  drops: Record<string, number>;
  wholeBookDuplicateOf?: string;
}

function readJson<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

/**
 * Read-only access to one corpus's outputs, loaded lazily and cached per book:
 * the viewer opens a 5,000-book corpus without reading 5,000 books.
 */
export class CorpusData {
  readonly paths;
  private nodeCache = new Map<string, NodeRow[]>();
  constructor(readonly corpusDir: string) {
    this.paths = corpusPaths(corpusDir);
  }

  books(): string[] {
    return listBooks(this.corpusDir).map((b) => b.bookId);
  }

  hasBook(bookId: string): boolean {
    return this.books().includes(bookId);
  }

  stats(): Record<string, unknown> | undefined {
    return readJson(this.paths.stats);
  }

  buildTimes(): Record<string, unknown> | undefined {
    return readJson(join(this.paths.reportDir, 'build-times.json'));
  }

  status(bookId: string): BookStatus {
    return readBookStatus(bookPaths(this.corpusDir, bookId).status, bookId);
  }

  /** All nodes as extracted (nodes.arrow), cached: a book is browsed page after page. */
  async nodes(bookId: string): Promise<NodeRow[]> {
    const hit = this.nodeCache.get(bookId);
    if (hit) return hit;
    const file = bookPaths(this.corpusDir, bookId).nodes;
    const rows = existsSync(file) ? await readNodes(file) : [];
    if (this.nodeCache.size > 16) this.nodeCache.delete(this.nodeCache.keys().next().value!);
    this.nodeCache.set(bookId, rows);
    return rows;
  }

  filterDrops(bookId: string): Map<number, NodeDrop> {
    const f = readJson<{ drops: Array<{ seq: number; reason: string }> }>(join(bookPaths(this.corpusDir, bookId).dir, 'drops.json'));
    return new Map((f?.drops ?? []).map((d) => [d.seq, { reason: d.reason }]));
  }

  dedupList(bookId: string): DedupList | undefined {
    return readJson<DedupList>(bookPaths(this.corpusDir, bookId).dropList);
  }

  /** Every reason a node of this book was dropped: filters first, then dedup. */
  drops(bookId: string): Map<number, NodeDrop> {
    const out = this.filterDrops(bookId);
    for (const d of this.dedupList(bookId)?.drops ?? []) if (!out.has(d.seq)) out.set(d.seq, { reason: `duplicate:${d.reason}`, twin: d.twin, similarity: d.similarity });
    return out;
  }

  async summary(bookId: string): Promise<BookSummary> {
    const status = this.status(bookId);
    const nodes = await this.nodes(bookId);
    const drops = this.drops(bookId);
    const dedup = this.dedupList(bookId);
    const counts: Record<string, number> = {};
    let imagesKept = 0;
    let tokensKept = 0;
    let pages = 0;
    for (const n of nodes) {
      pages = Math.max(pages, n.page);
      const d = drops.get(n.seq);
      if (d || dedup?.wholeBook) {
        const r = d?.reason ?? 'duplicate:whole-book';
        counts[r] = (counts[r] ?? 0) + 1;
      } else if (n.kind === 'image') imagesKept++;
      else tokensKept += n.num_tokens;
    }
    return { bookId, status, pages, imagesKept, tokensKept, drops: counts, wholeBookDuplicateOf: dedup?.wholeBook?.twinBook };
  }

  splitDir(split: string): string {
    if (split !== 'train' && split !== 'eval') throw new Error(`unknown split "${split}"`);
    return join(this.paths.shardsDir, split);
  }

  totalRows(split: string): number {
    const dir = this.splitDir(split);
    return existsSync(join(dir, 'index.json')) ? readIndex(dir).totalRows : 0;
  }

  /**
   * Rows [offset, offset+limit) of a split, optionally only those whose text
   * contains `query`, read lazily shard by shard (only the shards needed).
   */
  async segments(split: string, offset: number, limit: number, query?: string): Promise<Array<{ index: number; row: ShardRow }>> {
    const dir = this.splitDir(split);
    if (!existsSync(join(dir, 'index.json'))) return [];
    const index = readIndex(dir);
    const q = query?.toLowerCase();
    const out: Array<{ index: number; row: ShardRow }> = [];
    let seen = 0; // rows (matching the query) passed so far
    let global = 0;
    for (const shard of index.shards) {
      if (!q && seen + shard.rows <= offset) {
        seen += shard.rows;
        global += shard.rows;
        continue;
      }
      for await (const row of readShardRows(join(dir, shard.file))) {
        const i = global++;
        if (q && !row.text.toLowerCase().includes(q) && !row.id.toLowerCase().includes(q)) continue;
        if (seen++ < offset) continue;
        out.push({ index: i, row });
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  async segmentAt(split: string, index: number): Promise<ShardRow | undefined> {
    const rows = await this.segments(split, index, 1);
    return rows[0]?.row;
  }
}
