import type { Verdict } from './pair.js';

/** The folder PMC-OA's images.zip keeps every image under. */
export const PMC_OA_IMAGE_PREFIX = 'caption_T060_filtered_top4_sep_v0_subfigures/';

/** Where pair images come from: a folder or a zip, read by image name. */
export interface ImageSource {
  readonly kind: 'folder' | 'zip';
  /** The image's stored bytes (not yet decoded), or why there are none. */
  read(name: string): Promise<Verdict<Uint8Array>>;
  close(): Promise<void>;
  /** Figures for the report (entry counts, skipped entries). */
  summary(): Record<string, unknown>;
}

/** A zip entry refused while indexing the archive (listed in the rejected rows file). */
export interface EntryRejection {
  entry: string;
  reason: 'zip-unsafe-entry' | 'zip-duplicate-entry' | 'zip-unsupported-entry';
  detail: string;
}

export interface ImageSourceOptions {
  /** Images larger than this (stored bytes) are refused before they are read. */
  maxImageBytes?: number;
  /** Folder inside the zip or image folder to resolve names against; default PMC_OA_IMAGE_PREFIX where present. */
  prefix?: string;
  onEntryRejected?(rejection: EntryRejection): void;
}

export const DEFAULT_MAX_IMAGE_BYTES = 64 * 1024 * 1024;
