import type { Command } from 'commander';
import { join } from 'node:path';
import { createLogger } from '@mtb/core';
import { readIndex, readShardRows, verifyShard, type ShardIndex } from '@mtb/shards';
import { tableFromIPC } from 'apache-arrow';
import { openSync, readSync, closeSync } from 'node:fs';
import { EXIT, exitCodes } from '../exit-codes.js';

const log = createLogger('inspect');

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
  const cmd = program
    .command('inspect')
    .description('print a shard folder\'s schema, counts and a few rows, after checking every shard\'s sha256 against index.json')
    .argument('<shardDir>', 'a folder with index.json and data-*.arrow (e.g. <corpus>/shards/train)')
    .option('-n, --rows <n>', 'rows to print', '3')
    .option('--no-verify', 'skip the sha256 check (it reads every shard once)')
    .addHelpText('after', '\nA damaged shard is still shown, with a warning naming it; `mtb validate` checks everything else too.')
    .action(async (shardDir: string, opts: { rows: string; verify: boolean }) => {
      let index: ShardIndex;
      try {
        index = readIndex(shardDir);
      } catch (err) {
        log.error((err as Error).message);
        process.exitCode = EXIT.USAGE;
        return;
      }
      // Checked first: whoever reads the rows below should know whether to trust them.
      const damaged = new Set<string>();
      if (opts.verify) {
        for (const s of index.shards) {
          try {
            await verifyShard(shardDir, s);
          } catch (err) {
            damaged.add(s.file);
            log.warn((err as Error).message);
          }
        }
      }
      const check = (file: string): string => (!opts.verify ? '' : damaged.has(file) ? ' DAMAGED' : ' (verified)');
      const out: string[] = [];
      out.push(`${shardDir}: ${index.totalRows} rows in ${index.shards.length} shard(s), ${index.shards.reduce((n, s) => n + s.bytes, 0)} bytes (format ${index.formatVersion}, schema ${index.schemaVersion})`);
      for (const s of index.shards) out.push(`  ${s.file}: ${s.rows} rows, ${s.bytes} bytes, sha256 ${s.sha256.slice(0, 16)}…${check(s.file)}`);
      let left = Math.max(0, Number.parseInt(opts.rows, 10) || 0);
      try {
        if (index.shards.length) out.push('schema:', schemaOf(join(shardDir, index.shards[0]!.file)));
        for (const s of index.shards) {
          if (left <= 0) break;
          for await (const row of readShardRows(join(shardDir, s.file))) {
            if (left-- <= 0) break;
            out.push(`row ${row.id} (${row.source}, book ${row.book_id}, pages ${row.pages.join(',')}): ${row.num_tokens} tokens, ${row.num_images} images [${row.images.map((i) => `${i.path} ${i.bytes.byteLength} B`).join('; ')}]`);
            out.push(`  ${JSON.stringify(clip(row.text, 400))}`);
          }
        }
      } catch (err) {
        // A damaged shard may not even parse: show what was read, then say why it stopped.
        process.stdout.write(out.join('\n') + '\n');
        log.error(`${shardDir}: cannot read the rows: ${(err as Error).message}`);
        process.exitCode = EXIT.FAILED;
        return;
      }
      process.stdout.write(out.join('\n') + '\n');
      if (damaged.size) {
        log.warn(`${shardDir}: ${damaged.size} of ${index.shards.length} shard(s) do not match index.json (${[...damaged].join(', ')}): the rows above may be wrong; rebuild the shards (mtb build, or mtb split)`);
        process.exitCode = EXIT.FAILED;
      }
    });
  exitCodes(cmd, {
    0: 'printed, and every shard matches its sha256 in index.json (or --no-verify)',
    1: 'a shard is missing, truncated or does not match its sha256 (printed anyway, with a warning naming it), or its rows cannot be read',
    2: 'no readable index.json in the folder, or bad options',
  });
}
