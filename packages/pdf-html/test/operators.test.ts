import { collectImageDraws, unitSquareBounds, type OpCodes } from '../src/pdfjs/operators.js';
import { toRawImage } from '../src/pdfjs/pixels.js';
import { skipByDraw, skipBySize } from '../src/image-policy.js';

// Arbitrary distinct codes: the walk must not depend on pdf.js' numbering.
const OPS: OpCodes = {
  save: 1, restore: 2, transform: 3, paintFormXObjectBegin: 4, paintFormXObjectEnd: 5, beginGroup: 6, endGroup: 7,
  paintImageXObject: 8, paintImageXObjectRepeat: 9, paintInlineImageXObject: 10, paintInlineImageXObjectGroup: 11,
  paintImageMaskXObject: 12, paintImageMaskXObjectRepeat: 13, paintImageMaskXObjectGroup: 14, paintSolidColorImageMask: 15,
};

function walk(ops: Array<[number, unknown[]]>) {
  return collectImageDraws(ops.map((o) => o[0]), ops.map((o) => o[1]), OPS);
}

describe('collectImageDraws', () => {
  it('places an image by the CTM and restores it after Q', () => {
    const draws = walk([
      [OPS.save, []],
      [OPS.transform, [200, 0, 0, 100, 50, 60]],
      [OPS.paintImageXObject, ['img_p0_1', 400, 200]],
      [OPS.restore, []],
      [OPS.paintImageXObject, ['img_p0_2', 10, 10]],
    ]);
    expect(unitSquareBounds(draws[0]!.matrix)).toEqual({ x0: 50, y0: 60, x1: 250, y1: 160 });
    expect(draws[1]!.matrix).toEqual([1, 0, 0, 1, 0, 0]);
    expect(draws[0]!.source).toEqual({ type: 'object', id: 'img_p0_1' });
  });

  it('applies form XObject matrices and marks images inside soft-mask groups', () => {
    const draws = walk([
      [OPS.beginGroup, [{ smask: { subtype: 'Luminosity' } }]],
      [OPS.paintFormXObjectBegin, [[2, 0, 0, 2, 10, 10], null]],
      [OPS.paintImageXObject, ['img_p0_1', 10, 10]],
      [OPS.paintFormXObjectEnd, []],
      [OPS.endGroup, [{}]],
      [OPS.paintImageXObject, ['img_p0_2', 10, 10]],
    ]);
    expect(draws[0]!.inSoftMask).toBe(true);
    expect(draws[0]!.matrix).toEqual([2, 0, 0, 2, 10, 10]);
    expect(draws[1]!.inSoftMask).toBe(false);
    expect(draws[1]!.matrix).toEqual([1, 0, 0, 1, 0, 0]);
  });

  it('unrolls pdf.js batches into one draw each', () => {
    const atlas = { width: 10, height: 4, kind: 3, data: new Uint8Array(160) };
    const draws = walk([
      [OPS.paintImageXObjectRepeat, ['img_p0_1', 5, 5, new Float32Array([0, 0, 10, 0, 20, 0])]],
      [OPS.paintInlineImageXObjectGroup, [atlas, [{ transform: [4, 0, 0, 4, 0, 0], x: 1, y: 1, w: 3, h: 2 }, { transform: [4, 0, 0, 4, 9, 0], x: 5, y: 1, w: 3, h: 2 }]]],
      [OPS.paintImageMaskXObjectGroup, [[{ data: new Uint8Array(2), width: 8, height: 2, transform: [8, 0, 0, 2, 0, 0] }]]],
      [OPS.paintImageMaskXObjectRepeat, [{ data: 'mask_p0_1', width: 8, height: 8 }, 1, 0, 0, 1, new Float32Array([0, 0, 5, 5])]],
      [OPS.paintSolidColorImageMask, []],
    ]);
    expect(draws.map((d) => `${d.mask ? 'mask' : 'image'}:${d.source.type}`)).toEqual([
      'image:object', 'image:object', 'image:object', 'image:inline', 'image:inline', 'mask:inline', 'mask:object', 'mask:object', 'mask:inline',
    ]);
    expect(draws[2]!.matrix).toEqual([5, 0, 0, 5, 20, 0]);
    expect(draws[4]!.crop).toEqual({ x: 5, y: 1, w: 3, h: 2 });
  });
});

describe('toRawImage', () => {
  it('unpacks 1-bit masks as black figure on white, rows padded to bytes', () => {
    const raw = toRawImage({ width: 3, height: 2, data: new Uint8Array([0b10100000, 0b01000000]) }, true);
    expect(raw.channels).toBe(1);
    expect(Array.from(raw.data)).toEqual([255, 0, 255, 0, 255, 0]);
  });

  it('crops one image out of an RGBA atlas', () => {
    const data = new Uint8Array(4 * 3 * 4).map((_, i) => i);
    const raw = toRawImage({ width: 4, height: 3, kind: 3, data }, false, { x: 1, y: 1, w: 2, h: 1 });
    expect(Array.from(raw.data)).toEqual([20, 21, 22, 23, 24, 25, 26, 27]);
  });

  it('refuses truncated pixel data', () => {
    expect(() => toRawImage({ width: 10, height: 10, kind: 2, data: new Uint8Array(5) }, false)).toThrow(/too short/);
  });
});

describe('image policy', () => {
  const policy = { minSliverSide: 8, maxImagePixels: 1_000_000 };
  it('skips soft masks, invisible draws, slivers, tiny images and pixel bombs', () => {
    expect(skipByDraw({ inSoftMask: true, box: { w: 100, h: 100 } })).toBe('soft-mask');
    expect(skipByDraw({ inSoftMask: false, box: { w: 100, h: 0.2 } })).toBe('too-small');
    expect(skipBySize(2200, 4, policy)).toBe('sliver');
    expect(skipBySize(12, 12, policy)).toBe('too-small');
    expect(skipBySize(2000, 2000, policy)).toBe('too-many-pixels');
    expect(skipBySize(300, 200, policy)).toBeUndefined();
    expect(skipByDraw({ inSoftMask: false, box: { w: 100, h: 100 } })).toBeUndefined();
  });
});
