import { barChart, histogram, binValues } from './svg.js';

describe('svg charts', () => {
  it('draws one bar per entry, scaled to the largest, with escaped labels', () => {
    const svg = barChart([{ label: 'a<b', value: 10 }, { label: 'c', value: 5 }], { title: 'drops', width: 460 });
    expect(svg).toContain('<svg');
    expect(svg).toContain('a&lt;b');
    const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(2);
    expect(widths[0]).toBeCloseTo(2 * widths[1]!, 0);
  });

  it('widens the label and value columns so long labels and large values are not clipped', () => {
    const long = 'Obstetrics and Gynaecology';
    const svg = barChart([{ label: long, value: 92000 }, { label: 'x', value: 1 }], { title: 't', unit: 'pages/s', width: 300 });
    const width = Number(/<svg [^>]*width="(\d+)"/.exec(svg)![1]);
    const barX = Number(/<rect x="(\d+)"/.exec(svg)![1]);
    const barW = Number(/<rect [^>]*width="([\d.]+)"/.exec(svg)![1]);
    expect(barX).toBeGreaterThanOrEqual(7 * long.length);
    expect(width - (barX + barW)).toBeGreaterThanOrEqual(6 * '92,000 pages/s'.length);
  });

  it('says "no data" for an empty chart', () => {
    expect(barChart([], { title: 'none' })).toContain('no data');
  });

  it('draws a histogram with bar heights proportional to counts', () => {
    const svg = histogram([{ lo: 0, hi: 9, count: 4 }, { lo: 10, hi: 19, count: 2 }, { lo: 20, hi: 29, count: 0 }], { title: 'h', height: 200 });
    const heights = [...svg.matchAll(/<rect [^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(heights).toHaveLength(3);
    expect(heights[0]).toBeCloseTo(2 * heights[1]!, 1);
    expect(heights[2]).toBe(0);
    expect(svg).toContain('10–19: 2');
  });

  it('bins raw values into equal-width bins that cover every value', () => {
    const bins = binValues([0, 1, 2, 9, 10, 19], 2);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(6);
    expect(bins[0]).toEqual({ lo: 0, hi: 9, count: 4 });
    expect(bins[1]).toEqual({ lo: 10, hi: 19, count: 2 });
    expect(binValues([])).toEqual([]);
  });
});
