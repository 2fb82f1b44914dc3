import { hashSplit, type Split } from '../src/split.js';
import { resolveInputs, InputError } from '../src/inputs.js';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('hashSplit', () => {
  const opts = { evalFraction: 0.1, testFraction: 0.1, splitSeed: 'pmc-oa' };

  it('is a pure function of seed and key', () => {
    const keys = Array.from({ length: 200 }, (_, i) => `PMC${i}_f${i % 7}.jpg`);
    expect(keys.map((k) => hashSplit(k, opts))).toEqual(keys.map((k) => hashSplit(k, { ...opts })));
    const other = keys.map((k) => hashSplit(k, { ...opts, splitSeed: 'other' }));
    expect(other).not.toEqual(keys.map((k) => hashSplit(k, opts)));
  });

  it('realizes the requested fractions within sampling error', () => {
    const n = 20_000;
    const counts: Record<Split, number> = { train: 0, eval: 0, test: 0 };
    for (let i = 0; i < n; i++) counts[hashSplit(`PMC${i}_Fig1.jpg`, opts)]++;
    // 4 standard deviations of a binomial(20000, 0.1): 0.0085.
    expect(Math.abs(counts.eval / n - 0.1)).toBeLessThan(0.0085);
    expect(Math.abs(counts.test / n - 0.1)).toBeLessThan(0.0085);
  });

  it('honours zero fractions and refuses impossible ones', () => {
    for (let i = 0; i < 500; i++) expect(hashSplit(`k${i}`, { evalFraction: 0, testFraction: 0, splitSeed: 's' })).toBe('train');
    expect(() => hashSplit('k', { evalFraction: 0.7, testFraction: 0.4, splitSeed: 's' })).toThrow(RangeError);
  });
});

describe('resolveInputs', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pmc-inputs-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prefers the public split files in a folder and maps valid to eval', () => {
    const d = join(dir, 'public');
    mkdirSync(d);
    for (const f of ['train.jsonl', 'valid.jsonl', 'test.jsonl', 'pmc_oa.jsonl']) writeFileSync(join(d, f), '');
    const layout = resolveInputs(d);
    expect(layout.kind).toBe('public-split');
    expect(layout.files.map((f) => [f.file.slice(d.length + 1), f.split])).toEqual([
      ['train.jsonl', 'train'],
      ['valid.jsonl', 'eval'],
      ['test.jsonl', 'test'],
    ]);
  });

  it('falls back to pmc_oa.jsonl then pmc_oa_beta.jsonl with a hash split', () => {
    const d = join(dir, 'single');
    mkdirSync(d);
    writeFileSync(join(d, 'pmc_oa_beta.jsonl'), '');
    expect(resolveInputs(d)).toEqual({ kind: 'hash-split', files: [{ file: join(d, 'pmc_oa_beta.jsonl'), split: null }] });
    writeFileSync(join(d, 'pmc_oa.jsonl'), '');
    expect(resolveInputs(d).files[0]!.file).toBe(join(d, 'pmc_oa.jsonl'));
  });

  it('takes a file as given: a public split file keeps its split, any other is hash split', () => {
    expect(resolveInputs(join(dir, 'public', 'valid.jsonl'))).toEqual({ kind: 'public-split', files: [{ file: join(dir, 'public', 'valid.jsonl'), split: 'eval' }] });
    expect(resolveInputs(join(dir, 'single', 'pmc_oa.jsonl')).kind).toBe('hash-split');
  });

  it('names the path and what to pass when nothing is found', () => {
    const d = join(dir, 'empty');
    mkdirSync(d);
    expect(() => resolveInputs(d)).toThrow(InputError);
    expect(() => resolveInputs(d)).toThrow(/train\.jsonl.*pmc_oa\.jsonl/);
    expect(() => resolveInputs(join(dir, 'nope'))).toThrow(/no such file/);
  });
});
