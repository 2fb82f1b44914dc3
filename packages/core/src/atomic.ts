import { mkdirSync, renameSync, writeFileSync, rmSync, openSync, fsyncSync, closeSync, existsSync, readFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * A temp name in the same folder (rename is only atomic within a filesystem),
 * hidden and marked so a crash leftover is recognisable and never taken for output.
 */
export function tempPathFor(file: string): string {
  return join(dirname(file), `.tmp-${basename(file)}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Write then rename: readers see the old file or the whole new one, never half. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = tempPathFor(file);
  try {
    writeFileSync(tmp, data);
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** JSON with sorted-insertion-stable formatting and a trailing newline. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Rewrite only when the bytes differ, so the file's mtime and content hash stay
 * put for unchanged results (keeps downstream cache hits). Returns true if written.
 */
export function writeFileIfChanged(file: string, data: string | Uint8Array): boolean {
  if (existsSync(file)) {
    const old = readFileSync(file);
    const next = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (old.equals(next)) return false;
  }
  writeFileAtomic(file, data);
  return true;
}
