import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { FORMAT_VERSION } from './schema.js';

export const INDEX_FILE = 'index.json';

const ShardEntrySchema = z.object({
  file: z.string().regex(/^data-\d{5}-of-\d{5}\.arrow$/, 'a shard file name data-XXXXX-of-YYYYY.arrow'),
  rows: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex digest'),
});

export const ShardIndexSchema = z.object({
  formatVersion: z.number().int(),
  schemaVersion: z.number().int(),
  totalRows: z.number().int().nonnegative(),
  shards: z.array(ShardEntrySchema),
});

export type ShardEntry = z.infer<typeof ShardEntrySchema>;
export type ShardIndex = z.infer<typeof ShardIndexSchema>;

/** `<dir>/index.json`, validated; errors name the file and what to do. */
export function readIndex(dir: string): ShardIndex {
  const file = join(dir, INDEX_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read the shard index (${(err as Error).message}); is ${dir} a shard folder written by \`mtb split\` or \`mtb pmc-oa\`?`);
  }
  const parsed = ShardIndexSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${file}: not a valid shard index (${issues}); rebuild the shards`);
  }
  const index = parsed.data;
  if (index.formatVersion !== FORMAT_VERSION) {
    throw new Error(`${file}: shard format version ${index.formatVersion}, this code reads ${FORMAT_VERSION}; rebuild the shards with this version`);
  }
  const sum = index.shards.reduce((n, s) => n + s.rows, 0);
  if (sum !== index.totalRows) throw new Error(`${file}: totalRows ${index.totalRows} != sum of shard rows ${sum}; rebuild the shards`);
  return index;
}
