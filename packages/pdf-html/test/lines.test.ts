import { buildLines } from '../src/layout/lines.js';
import { markerLabels, plainText } from '../src/layout/marks.js';
import { run } from './fixtures.js';

describe('buildLines', () => {
  it('joins the runs of one baseline with spaces where the glyphs leave a gap', () => {
    const lines = buildLines([run('world', 60, 100), run('Hello', 30, 100)]);
    expect(lines.map((l) => l.text)).toEqual(['Hello world']);
  });

  it('keeps superscripts on their line and takes the line style from most characters', () => {
    const lines = buildLines([run('E = mc', 30, 100, 10, { w: 30 }), run('2', 60, 96, 6, { w: 3 }), run('holds', 66, 100, 10)]);
    expect(lines).toHaveLength(1);
    // A raised digit may be a note call: it travels marked until the book looks for its note.
    expect(plainText(lines[0]!.text)).toBe('E = mc2 holds');
    expect(markerLabels(lines[0]!.text)).toEqual(['2']);
    expect(lines[0]!.font.size).toBe(10);
    expect(lines[0]!.baseline).toBe(100);
  });

  it('splits two columns printed on the same baseline at the gutter', () => {
    const lines = buildLines([run('left column text', 30, 100, 10, { w: 200 }), run('right column text', 250, 100, 10, { w: 200 })]);
    expect(lines.map((l) => l.text)).toEqual(['left column text', 'right column text']);
  });

  it('does not merge consecutive lines of tight leading', () => {
    const lines = buildLines([run('first', 30, 100), run('second', 30, 110)]);
    expect(lines.map((l) => l.text)).toEqual(['first', 'second']);
  });

  it('drops fake-bold overprint (the same text drawn twice a hair apart)', () => {
    const lines = buildLines([run('Title', 30, 100), run('Title', 30.3, 100)]);
    expect(lines.map((l) => l.text)).toEqual(['Title']);
  });

  it('keeps rotated text apart as its own lines', () => {
    const r = { ...run('www.example.org', 10, 400), rotated: true, box: { x: 10, y: 200, w: 10, h: 200 } };
    const lines = buildLines([r, run('body', 30, 300)]);
    expect(lines.find((l) => l.rotated)?.text).toBe('www.example.org');
    expect(lines.find((l) => !l.rotated)?.text).toBe('body');
  });
});
