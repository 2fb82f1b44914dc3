import { assembleBook } from '../src/layout/book.js';
import type { Line, PageLayout } from '../src/layout/types.js';
import { line } from './fixtures.js';

const page = (lines: Line[]): PageLayout => ({ page: 1, width: 612, height: 792, lines, images: [] });
const texts = (lines: Line[]): string[] =>
  assembleBook([page(lines)])[0]!.nodes.map((n) => (n.kind === 'list' ? `LIST: ${n.items.join(' / ')}` : 'text' in n ? n.text : n.kind));

/** A display equation set as a typesetter sets dN/dt = ... : the fraction's pieces on lines of their own, its number at the margin. */
function equation(top: number, n: number): Line[] {
  return [
    line(`dp${n}`, 193, top, 10, { w: 14 }),
    line(`= c${n}p${n} (1 − p1) − m${n}p${n}`, 212, top + 7, 10, { w: 152 }),
    line(`(${n})`, 527, top + 7, 10, { w: 13 }),
    line('dt', 195, top + 14, 10, { w: 10 }),
  ];
}

describe('display formulas', () => {
  it('are one block each, their number included, never read as a list item', () => {
    const out = texts([
      line('We represent the proportion of sites occupied by each of the two species as follows.', 72, 82, 10, { w: 468 }),
      ...equation(102, 1),
      ...equation(127, 2),
      line('Both rates are per capita rates of the species and the sites they colonize.', 72, 162, 10, { w: 468 }),
    ]);
    expect(out.some((t) => t.startsWith('LIST'))).toBe(false);
    expect(out).toHaveLength(4);
    for (const n of [1, 2]) {
      const eq = out.find((t) => t.includes(`c${n}p${n}`))!;
      expect(eq.split(' ').sort()).toEqual([`dp${n}`, '=', `c${n}p${n}`, '(1', '−', 'p1)', '−', `m${n}p${n}`, `(${n})`, 'dt'].sort());
    }
  });

  it('go on into the sentence they stand in', () => {
    const out = texts([
      line('We represent the proportion of sites occupied by the species as follows.', 72, 82, 10, { w: 468 }),
      ...equation(102, 1),
      line('where c1 and m1 are its rates of colonization and of mortality.', 72, 140, 10, { w: 320 }),
    ]);
    expect(out).toHaveLength(2);
    expect(out[1]).toMatch(/^(?=.*c1p1)(?=.*\(1\)).* where c1 and m1 are its rates of colonization and of mortality\.$/);
  });

  it('take variables run together for variables, not words, and leave a numbered list with arrows a list', () => {
    // ma32009-math-biology.pdf p. 14 (N_t e^r printed "Nter") and primer-ecology-ch9.pdf's succession paths.
    const out = texts([
      line('Hence the governing equation is the following one.', 72, 70, 10, { w: 250 }),
      line('Nt+1 = Nter(1− NKt).', 240, 100, 10, { w: 90 }),
      line('(1.3)', 527, 100, 10, { w: 13 }),
      line('The paths a site takes are these three.', 72, 140, 10, { w: 200 }),
      line('1. Free → Early → Mixed → Resistant,', 90, 160, 10, { w: 180 }),
      line('2. Free → Susceptible → Resistant.', 90, 172, 10, { w: 170 }),
    ]);
    expect(out).toEqual([
      'Hence the governing equation is the following one.',
      'Nt+1 = Nter(1− NKt). (1.3)',
      'The paths a site takes are these three.',
      'LIST: Free → Early → Mixed → Resistant, / Free → Susceptible → Resistant.',
    ]);
  });

  it('leave the prose between two formulas out of both', () => {
    const out = texts([
      line('Note that the fixed point satisfies the following.', 72, 70, 10, { w: 250 }),
      line('e−aP∗ =', 240, 100, 10, { w: 40 }),
      line('1', 290, 95, 10, { w: 6 }),
      line('R0', 288, 106, 10, { w: 10 }),
      line('In this case', 72, 122, 10, { w: 60 }),
      line('R0 = 1.', 240, 140, 10, { w: 40 }),
    ]);
    expect(out).toHaveLength(4);
    expect(out[1]).toMatch(/^(e−aP∗ = 1 R0|1 e−aP∗ = R0)$/);
    expect([out[0], out[2], out[3]]).toEqual(['Note that the fixed point satisfies the following.', 'In this case', 'R0 = 1.']);
  });
});
