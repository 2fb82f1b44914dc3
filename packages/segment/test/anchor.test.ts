import { encodePlain } from '@mtb/core';
import type { NodeRole, NodeRow } from '@mtb/image-tokens';
import { captionLabel, chapterLevel, referencedKeys, segmentBook, splitChapters, toUnits, type SegmentSettings } from '@mtb/segment';

/**
 * Hand-made books: `[role, text]` blocks, `img` for an image, `fig:<n>` for an
 * image inside <figure> n (a caption block with `figure` n belongs to it).
 */
type Block = string | [NodeRole, string] | [NodeRole, string, { level?: number; figure?: number }];

function book(blocks: Block[]): NodeRow[] {
  return blocks.map((b, seq) => {
    const base = { seq, page: 1 + Math.floor(seq / 4), image_path: null, width: 0, height: 0, image_bytes: null, level: 0, figure: 0, ocr: false };
    if (typeof b === 'string') {
      const figure = b.startsWith('fig:') ? Number(b.slice(4)) : 0;
      return { ...base, kind: 'image', role: 'body', text: '', image_path: `bk/p${base.page}-${seq}.png`, width: 300, height: 200, image_bytes: Uint8Array.of(seq), num_tokens: 0, figure };
    }
    const [role, text, extra] = b;
    return { ...base, kind: 'text', role, text, num_tokens: encodePlain(text).length, ...extra };
  });
}

const LIMITS: SegmentSettings = { minImages: 1, maxImages: 10, maxTokens: 1024 };

/** The segments as readable strings: `[img p<page>-<seq>]` for each image. */
function render(nodes: NodeRow[], settings: SegmentSettings = LIMITS): string[] {
  const { rows } = segmentBook('bk', nodes, settings, { drops: new Map(), wholeBook: false });
  return rows.map((r) => {
    let k = 0;
    return r.text.replace(/<image>/g, () => `[${r.images[k++]!.path.slice(3)}] `).replace(/<\|endofchunk\|>/g, ' | ').replace(/\s+/g, ' ').trim();
  });
}

describe('figure labels and references', () => {
  it('reads a caption\'s label and the labels a text refers to', () => {
    expect(captionLabel('Figure 12.9: Chick embryo at 48 hours.')).toEqual({ exact: 'figure:12.9', base: 'figure:12.9' });
    expect(captionLabel('FIGURE 2-1. The cell')).toEqual({ exact: 'figure:2.1', base: 'figure:2.1' });
    expect(captionLabel('Fig. 3A Left ventricle')).toEqual({ exact: 'figure:3a', base: 'figure:3' });
    expect(captionLabel('Table 4.1 Drugs')).toEqual({ exact: 'table:4.1', base: 'table:4.1' });
    expect(captionLabel('A chest radiograph')).toBeNull();
    expect(referencedKeys('The bones are shown in Figure 11.2.')).toEqual(['figure:11.2']);
    expect(referencedKeys('Chest pain (Figure 2-1) and Fig. 3A; see Table 4.1')).toEqual(['figure:2.1', 'figure:3a', 'figure:3', 'table:4.1']);
    expect(referencedKeys('Figs. 3 and 4 show')).toEqual(['figure:3', 'figure:4']);
    expect(referencedKeys('Figures 5-7 show')).toEqual(['figure:5.7', 'figure:5', 'figure:6', 'figure:7']);
    expect(referencedKeys('the 3 figures of 2019 and a table')).toEqual([]);
  });
});

describe('image anchoring', () => {
  it('puts a figure before the block that first refers to it, earlier or later than where it stands, caption right after it', () => {
    const nodes = book([
      ['heading', '2 The heart', { level: 1 }],
      ['body', 'The heart has four chambers.'],
      ['body', 'Its valves are shown in Figure 2.2, its wall later.'],
      ['body', 'The wall has three layers.'],
      'fig:1', ['caption', 'Figure 2.1: The heart wall.', { figure: 1 }],
      ['body', 'Valves open and close.'],
      'fig:2', ['caption', 'Figure 2.2: The valves.', { figure: 2 }],
      ['body', 'The endocardium lines it (Fig. 2.1).'],
    ]);
    expect(render(nodes)).toEqual([
      '[p2-7.png] Figure 2.2: The valves. 2 The heart The heart has four chambers. Its valves are shown in Figure 2.2, its wall later. The wall has three layers. Valves open and close. | ' +
      '[p2-4.png] Figure 2.1: The heart wall. The endocardium lines it (Fig. 2.1). |',
    ]);
    // position: where they stand
    expect(render(nodes, { ...LIMITS, imageAnchor: 'position' })).toEqual([
      '[p2-4.png] Figure 2.1: The heart wall. 2 The heart The heart has four chambers. Its valves are shown in Figure 2.2, its wall later. The wall has three layers. Valves open and close. | ' +
      '[p2-7.png] Figure 2.2: The valves. The endocardium lines it (Fig. 2.1). |',
    ]);
  });

  it('finds a figure from a panel or dashed reference, a table image by "Table", and leaves an unreferenced or uncaptioned image where it stands', () => {
    const nodes = book([
      ['body', 'Opening text about the hand.'],
      'img', ['caption', 'Table 4.1 Bones of the hand'],
      ['body', 'Loose text one.'],
      'fig:1', ['caption', 'FIGURE 3. The wrist', { figure: 1 }],
      ['body', 'Loose text two.'],
      'img',
      ['body', 'Loose text three.'],
      ['list-item', 'See Fig. 3B for the scaphoid.'],
      ['body', 'Counts are in Table 4.1.'],
    ]);
    // Figure 3 goes to the list item that names panel 3B, the table image to "Table 4.1", the uncaptioned
    // image stays where it stands, and opens the segment (the text before it follows it).
    expect(render(nodes)).toEqual([
      '[p2-7.png] Opening text about the hand. Loose text one. Loose text two. Loose text three. | ' +
      '[p2-4.png] FIGURE 3. The wrist See Fig. 3B for the scaphoid. | [p1-1.png] Table 4.1 Bones of the hand Counts are in Table 4.1. |',
    ]);
    const { counts } = segmentBook('bk', nodes, LIMITS, { drops: new Map(), wholeBook: false });
    expect(counts).toMatchObject({ 'figures.byReference': 2, 'figures.byPosition': 1, 'chunks.empty': 0, 'chunks.captionOnly': 0 });
  });

  it('counts references only in the figure\'s own chapter and never in captions or headings', () => {
    const nodes = book([
      ['heading', '1 Cells', { level: 1 }],
      ['body', 'As chapter 2 shows in Figure 2.1, tissues differ.'],
      'fig:1', ['caption', 'Figure 1.1: A cell (compare Figure 1.2).', { figure: 1 }],
      ['body', 'Membranes enclose the cell.'],
      'fig:2', ['caption', 'Figure 1.2: A membrane.', { figure: 2 }],
      ['heading', '2 Tissues', { level: 1 }],
      ['heading', '2.1 Epithelium (Figure 2.1)', { level: 2 }],
      ['body', 'Epithelium covers surfaces.'],
      'fig:3', ['caption', 'Figure 2.1: Epithelium.', { figure: 3 }],
      ['body', 'It sits on a basement membrane.'],
    ]);
    const segments = render(nodes);
    expect(segments).toHaveLength(2);
    expect(segments[0]).toBe('[p1-2.png] Figure 1.1: A cell (compare Figure 1.2). 1 Cells As chapter 2 shows in Figure 2.1, tissues differ. Membranes enclose the cell. | [p2-5.png] Figure 1.2: A membrane. |');
    expect(segments[1]).toBe('[p3-10.png] Figure 2.1: Epithelium. 2 Tissues 2.1 Epithelium (Figure 2.1) Epithelium covers surfaces. It sits on a basement membrane. |');
    const { counts } = segmentBook('bk', nodes, LIMITS, { drops: new Map(), wholeBook: false });
    expect(counts).toMatchObject({ chapters: 2, 'figures.byReference': 0, 'figures.byPosition': 3, 'chunks.captionOnly': 1 });
  });

  it('keeps the images of one <figure> together, caption after the first, and drops text of an image-less chapter as no-image', () => {
    const nodes = book([
      ['heading', '1 Bones', { level: 1 }],
      ['body', 'The forearm has two bones (Figure 1.1).'],
      'fig:1', 'fig:1', ['caption', 'Figure 1.1: (a) Radius. (b) Ulna.', { figure: 1 }],
      ['heading', '2 Joints', { level: 1 }],
      ['body', 'No figure in this chapter.'],
    ]);
    expect(render(nodes)).toEqual(['[p1-2.png] Figure 1.1: (a) Radius. (b) Ulna. | [p1-3.png] 1 Bones The forearm has two bones (Figure 1.1). |']);
    const { counts } = segmentBook('bk', nodes, LIMITS, { drops: new Map(), wholeBook: false });
    expect(counts['drop-tokens.no-image']).toBe(encodePlain('2 Joints').length + encodePlain('No figure in this chapter.').length);
    expect(counts).toMatchObject({ 'chunks.empty': 0, 'chunks.captionOnly': 1 });
    // A third image has nothing of its own: its chunk is empty, and counted as an image that had a caption.
    const three = book([['body', 'The forearm (Figure 1.1).'], 'fig:1', 'fig:1', 'fig:1', ['caption', 'Figure 1.1: Bones.', { figure: 1 }]]);
    expect(render(three)).toEqual(['[p1-1.png] Figure 1.1: Bones. | [p1-2.png] | [p1-3.png] The forearm (Figure 1.1). |']);
    expect(segmentBook('bk', three, LIMITS, { drops: new Map(), wholeBook: false }).counts).toMatchObject({ 'chunks.empty': 1, 'chunks.emptyExplained': 1 });
  });
});

describe('chapters', () => {
  const units = (blocks: Block[]) => toUnits(book(blocks), 1000, { tokens: {}, images: {} });

  it('cuts at numbered chapter headings of the highest level that has two, never at sections or unnumbered headings', () => {
    const handbook = units([
      ['heading', 'Clinical Neurology Handbook', { level: 1 }], ['heading', '1 Epilepsy', { level: 1 }], ['heading', '1.1 Presentation', { level: 2 }],
      ['body', 'a'], ['heading', '2 Stroke', { level: 1 }], ['body', 'b'], ['heading', 'Chapter 3 Headache', { level: 1 }], ['body', 'c'],
    ]);
    expect(chapterLevel(handbook)).toBe(1);
    expect(splitChapters(handbook).map((c) => c.length)).toEqual([1, 3, 2, 2]);
    const article = units([['heading', 'VESPA', { level: 1 }], ['heading', 'INTRODUCTION', { level: 1 }], ['body', 'a'], ['heading', 'RESULTS', { level: 1 }], ['body', 'b']]);
    expect(chapterLevel(article)).toBe(0);
    expect(splitChapters(article)).toHaveLength(1);
    const guide = units([['heading', 'Chapter 1', { level: 2 }], ['heading', 'Welcome', { level: 1 }], ['body', 'a'], ['heading', 'Chapter 2', { level: 2 }], ['heading', 'Animals', { level: 1 }], ['body', 'b']]);
    expect(chapterLevel(guide)).toBe(2);
    expect(splitChapters(guide).map((c) => c.length)).toEqual([3, 3]);
  });
});
