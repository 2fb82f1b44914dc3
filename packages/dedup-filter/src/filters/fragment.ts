import { wordCount } from './text-measures.js';
import { KEEP, drop, type NodeFilter } from './verdict.js';

/** Body blocks under minWords words (stray labels, broken-off lines); headings and captions are short by nature. */
export const fragment: NodeFilter = (node, ctx) =>
  node.kind === 'text' && node.role === 'body' && wordCount(node.text) < ctx.config.minWords ? drop('fragment') : KEEP;
