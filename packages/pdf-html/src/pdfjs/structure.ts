import type { StructBlock, StructKind } from '../layout/types.js';

/** A node of pdf.js' `page.getStructTree()` (role map already applied by pdf.js). */
export interface PdfStructNode {
  role?: string;
  type?: string;
  id?: string;
  children?: PdfStructNode[];
}

/** Elements that hold one block of text, by their standard structure type (PDF 32000-1, 14.8.4). */
const LEAF: Record<string, StructKind> = {
  P: 'paragraph',
  H: 'heading',
  H1: 'heading',
  H2: 'heading',
  H3: 'heading',
  H4: 'heading',
  H5: 'heading',
  H6: 'heading',
  Title: 'heading',
  BlockQuote: 'paragraph',
  Code: 'paragraph',
  Formula: 'paragraph',
  TOCI: 'paragraph',
  Note: 'note',
  TD: 'cell',
  TH: 'cell',
};
/** Elements that hold their descendants' text as one block, whatever is inside. */
const WHOLE: Record<string, StructKind> = { LI: 'list-item', Caption: 'caption', Figure: 'figure', Note: 'note' };

const MAX_DEPTH = 64;

/**
 * A page's structure tree -> its text blocks in the tree's (logical) order,
 * each with the marked-content ids it draws. A block is the outermost LI,
 * Caption, Figure or Note, else the innermost paragraph-level element (P, H1..H6,
 * TD...); table cells carry their table, row and column.
 */
export function structBlocks(root: PdfStructNode | null | undefined): StructBlock[] {
  const blocks: StructBlock[] = [];
  let tables = 0;
  const visit = (node: PdfStructNode, ctx: { block?: StructBlock; table?: { id: number; row: number; col: number } }, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (node.type === 'content') {
      if (node.id) (ctx.block ?? orphan(blocks)).mcids.push(node.id);
      return;
    }
    const role = node.role ?? '';
    let block = ctx.block;
    let table = ctx.table;
    if (role === 'Table') {
      table = { id: tables++, row: -1, col: -1 };
    } else if (role === 'TR' && table) {
      table.row++;
      table.col = -1;
    } else if ((role === 'TD' || role === 'TH') && table) {
      table.col++;
    }
    // A caption is its own block even inside its figure; other whole-block elements (list items,
    // figures, notes) keep their descendants; otherwise the innermost paragraph-level element wins.
    const whole = block !== undefined && WHOLE_KINDS[block.kind] === true;
    const kind = role === 'Caption' ? 'caption' : whole ? undefined : (WHOLE[role] ?? LEAF[role]);
    if (kind) {
      block = { kind, mcids: [], ...(kind === 'heading' ? { level: headingLevel(role) } : {}), ...(kind === 'cell' && table ? { cell: { ...table } } : {}) };
      blocks.push(block);
    }
    for (const child of node.children ?? []) visit(child, { block, table }, depth + 1);
  };
  visit(root ?? {}, {}, 0);
  return blocks.filter((b) => b.mcids.length > 0);
}

const WHOLE_KINDS: Record<string, true> = { 'list-item': true, caption: true, figure: true, note: true };

function headingLevel(role: string): 1 | 2 | 3 {
  const n = /^H(\d)$/.exec(role);
  if (role === 'Title') return 1;
  return n ? (Math.min(3, Number(n[1])) as 1 | 2 | 3) : 2;
}

/** Content directly under a grouping element (Sect, Div, Part): a paragraph of its own. */
function orphan(blocks: StructBlock[]): StructBlock {
  const b: StructBlock = { kind: 'paragraph', mcids: [] };
  blocks.push(b);
  return b;
}
