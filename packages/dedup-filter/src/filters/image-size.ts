import { KEEP, drop, type NodeFilter } from './verdict.js';

/** Icons, bullets and dingbats: shorter side under minImageSide. */
export const imageSize: NodeFilter = (node, ctx) =>
  node.kind === 'image' && Math.min(node.width, node.height) < ctx.config.minImageSide ? drop('image-small') : KEEP;
