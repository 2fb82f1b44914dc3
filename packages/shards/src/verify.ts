import { createReadStream, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ShardEntry } from './index-file.js';

/**
 * Check one shard against its index entry (presence, size, sha256). Throws an
 * Error naming the shard file when it is missing, truncated or altered.
 */
export async function verifyShard(dir: string, entry: ShardEntry): Promise<void> {
  const file = join(dir, entry.file);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new Error(`shard ${file} is missing (index.json lists it); rebuild the shards`);
  }
  if (size !== entry.bytes) {
    throw new Error(`shard ${file} has ${size} bytes but index.json says ${entry.bytes}; the file is truncated or replaced, rebuild the shards`);
  }
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk as Buffer);
  const digest = hash.digest('hex');
  if (digest !== entry.sha256) {
    throw new Error(`shard ${file} has sha256 ${digest} but index.json says ${entry.sha256}; the file is corrupt or altered, rebuild the shards`);
  }
}
