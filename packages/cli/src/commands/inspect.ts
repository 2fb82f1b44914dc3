import type { Command } from 'commander';
import { join } from 'node:path';
import { readIndex, readShardRows } from '@mtb/shards';
import { tableFromIPC } from 'apache-arrow';
import { openSync, readSync, closeSync } from 'node:fs';

function schemaOf(file: string): string {
  // The schema message sits at the start of the stream: a small read suffices.
  const fd = openSync(file, 'r');
  try {
    const head = new Uint8Array(64 * 1024);
    const n = readSync(fd, head, 0, head.length, 0);
    const view = new DataView(head.buffer);
    const len = 8 + view.getInt32(4, true);
    const stream = new Uint8Array(len + 8);
    stream.set(head.subarray(0, Math.min(n, len)));
    stream.set([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0], len);
    const schema = tableFromIPC(stream).schema;
    const lines = schema.fields.map((f) => `  ${f.name}: ${f.type}${f.nullable ? '' : ' (not null)'}`);
    for (const [k, v] of schema.metadata) lines.push(`  metadata ${k}: ${v.length > 160 ? v.slice(0, 157) + '...' : v}`);
    return lines.join('\n');
  } finally {
    closeSync(fd);
  }
}

const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n - 3) + '...' : s);

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('print a shard folder\'s schema, counts and a few rows')
    .argument('<shardDir>', 'a folder with index.json and data-*.arrow (e.g. <corpus>/shards/train)')
    .option('-n, --rows <n>', 'rows to print', '3')
    .action(async (shardDir: string, opts: { rows: string }) => {
      const index = readIndex(shardDir);
      const out: string[] = [];
      out.push(`${shardDir}: ${index.totalRows} rows in ${index.shards.length} shard(s), ${index.shards.reduce((n, s) => n + s.bytes, 0)} bytes (format ${index.formatVersion}, schema ${index.schemaVersion})`);
      for (const s of index.shards) out.push(`  ${s.file}: ${s.rows} rows, ${s.bytes} bytes, sha256 ${s.sha256.slice(0, 16)}…`);
      if (index.shards.length) out.push('schema:', schemaOf(join(shardDir, index.shards[0]!.file)));
      let left = Math.max(0, Number.parseInt(opts.rows, 10) || 0);
      for (const s of index.shards) {
        if (left <= 0) break;
        for await (const row of readShardRows(join(shardDir, s.file))) {
          if (left-- <= 0) break;
          out.push(`row ${row.id} (${row.source}, book ${row.book_id}, pages ${row.pages.join(',')}): ${row.num_tokens} tokens, ${row.num_images} images [${row.images.map((i) => `${i.path} ${i.bytes.byteLength} B`).join('; ')}]`);
          out.push(`  ${JSON.stringify(clip(row.text, 400))}`);
        }
      }
      process.stdout.write(out.join('\n') + '\n');
    });
}
