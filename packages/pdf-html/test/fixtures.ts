import type { Line, TextRun } from '../src/layout/types.js';

/** A run as a typesetter would place it: baseline y, width from a rough 0.5 em per character. */
export function run(text: string, x: number, baseline: number, size = 10, style: { bold?: boolean; italic?: boolean; w?: number } = {}): TextRun {
  const w = style.w ?? text.length * size * 0.5;
  return { box: { x, y: baseline - 0.8 * size, w, h: size }, baseline, text, font: { size, bold: !!style.bold, italic: !!style.italic } };
}

export function line(text: string, x: number, baseline: number, size = 10, style: { bold?: boolean; w?: number } = {}): Line {
  const r = run(text, x, baseline, size, style);
  return { box: r.box, baseline, text, font: r.font };
}
