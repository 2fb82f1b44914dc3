import { isFurniture } from './book-view.js';
import { KEEP, drop, type NodeFilter } from './verdict.js';

/** Running headers, footers and page numbers that pdf-html marked with data-role. */
export const furniture: NodeFilter = (node) => (isFurniture(node) ? drop(`furniture-${node.role}`) : KEEP);
