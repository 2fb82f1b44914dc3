import sharp from 'sharp';
import type { NodeRow } from '@mtb/image-tokens';
import type { PixelStats } from './book-view.js';

/**
 * Pixel spread of every image node, by seq. An image sharp cannot decode is
 * left out (the uniform filter then has no evidence and keeps it) and named in
 * `problems`; nodes.arrow only holds images that decoded once already.
 */
export async function measurePixels(nodes: readonly NodeRow[], maxPixels: number): Promise<{ stats: Map<number, PixelStats>; problems: string[] }> {
  const stats = new Map<number, PixelStats>();
  const problems: string[] = [];
  for (const node of nodes) {
    if (node.kind !== 'image' || !node.image_bytes) continue;
    try {
      const s = await sharp(node.image_bytes, { limitInputPixels: maxPixels }).stats();
      stats.set(node.seq, { stddev: Math.max(...s.channels.map((c) => c.stdev)) });
    } catch (err) {
      problems.push(`${node.image_path ?? `seq ${node.seq}`}: pixels unreadable (${(err as Error).message}); kept without the uniform-pixel check`);
    }
  }
  return { stats, problems };
}
