import { existsSync, realpathSync, statSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, isAbsolute, sep } from 'node:path';
import { safeJoin } from '@mtb/core';
import type { Verdict } from './pair.js';
import { DEFAULT_MAX_IMAGE_BYTES, PMC_OA_IMAGE_PREFIX, type ImageSource, type ImageSourceOptions } from './image-source.js';

/**
 * Images from a folder (PMC-OA's images.zip unpacked, or any folder of images
 * named as the jsonl names them). When the folder holds the zip's own image
 * folder, names resolve inside it. Every name is joined with core's safeJoin,
 * and the real path (symlinks followed) must stay under the folder too.
 */
export class FolderImageSource implements ImageSource {
  readonly kind = 'folder' as const;
  private readonly root: string;
  private readonly realRoot: string;
  private readonly maxImageBytes: number;
  private readonly prefixUsed: string;

  constructor(dir: string, opts: ImageSourceOptions = {}) {
    const prefix = opts.prefix ?? PMC_OA_IMAGE_PREFIX;
    const nested = prefix ? join(dir, prefix) : dir;
    this.prefixUsed = prefix && existsSync(nested) && statSync(nested).isDirectory() ? prefix : '';
    this.root = this.prefixUsed ? nested : dir;
    this.realRoot = realpathSync(this.root);
    this.maxImageBytes = opts.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  }

  async read(name: string): Promise<Verdict<Uint8Array>> {
    let path: string;
    try {
      path = safeJoin(this.root, name);
    } catch (err) {
      return { ok: false, reason: 'unsafe-path', detail: (err as Error).message };
    }
    try {
      const real = await realpath(path);
      const rel = relative(this.realRoot, real);
      if (rel.startsWith('..' + sep) || rel === '..' || isAbsolute(rel)) {
        return { ok: false, reason: 'unsafe-path', detail: `"${name}" resolves outside the image folder (symlink to ${real})` };
      }
      const st = await stat(real);
      if (!st.isFile()) return { ok: false, reason: 'missing-image', detail: `"${name}" is not a file` };
      if (st.size > this.maxImageBytes) return { ok: false, reason: 'image-too-large', detail: `${st.size} bytes > ${this.maxImageBytes}` };
      const buf = await readFile(real);
      return { ok: true, value: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, reason: 'missing-image', detail: `no file "${name}" in the image folder` };
      return { ok: false, reason: 'missing-image', detail: `cannot read "${name}": ${(err as Error).message}` };
    }
  }

  summary(): Record<string, unknown> {
    return { prefix: this.prefixUsed };
  }

  async close(): Promise<void> {}
}
