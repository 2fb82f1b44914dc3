import { BOS_ID, EOS_ID, ENDOFCHUNK_ID as E, IMAGE_ID as I, PAD_ID } from '@mtb/core';
import { buildLabels, fitTokens, IGNORE_INDEX as X } from '../src/labels.js';

const labels = (ids: number[], length?: number): number[] => [...buildLabels(ids, length)];

describe('labels (DESIGN.md section 5, OpenFlamingo masking)', () => {
  it('masks every token before the first <image>, BOS included', () => {
    expect(labels([BOS_ID, 10, 11, I, 12, E, EOS_ID])).toEqual([X, X, X, X, 12, E, X]);
  });

  it('masks <image> itself and keeps the text after it as targets', () => {
    expect(labels([I, 20, 21, E])).toEqual([X, 20, 21, E]);
  });

  it('keeps <|endofchunk|> as a target and masks what follows it up to the next <image>', () => {
    expect(labels([BOS_ID, I, 30, E, 31, 32, I, 33, E, EOS_ID])).toEqual([X, X, 30, E, X, X, X, 33, E, X]);
  });

  it('masks everything when there is no <image> at all', () => {
    expect(labels([BOS_ID, 5, 6, E, EOS_ID])).toEqual([X, X, X, X, X]);
  });

  it('masks an <|endofchunk|> that comes before the first image and a second one in a row', () => {
    expect(labels([E, I, 40, E, E, 41, I, 42])).toEqual([X, X, 40, E, X, X, X, 42]);
  });

  it('masks padding, both past the sequence and PAD ids inside it', () => {
    expect(labels([I, 50, E], 5)).toEqual([X, 50, E, X, X]);
    expect(labels([I, 50, PAD_ID, E])).toEqual([X, 50, X, E]);
  });

  it('masks a paired sample (PMC-OA: <image>caption<|endofchunk|>) to caption + endofchunk', () => {
    expect(labels([BOS_ID, I, 60, 61, 62, E, EOS_ID])).toEqual([X, X, 60, 61, 62, E, X]);
  });
});

describe('fitTokens', () => {
  it('leaves a sample inside the limits untouched', () => {
    const ids = [BOS_ID, I, 1000, E, I, 1001, E, EOS_ID];
    expect(fitTokens(ids, 10, 1024)).toEqual({ ids: Int32Array.from(ids), numImages: 2 });
  });

  it('cuts images beyond maxImages together with their text and closes with EOS', () => {
    const ids = [BOS_ID, 7, I, 1000, E, I, 1001, 1002, E, I, 1003, E, EOS_ID];
    const fit = fitTokens(ids, 2, 1024);
    expect([...fit.ids]).toEqual([BOS_ID, 7, I, 1000, E, I, 1001, 1002, E, EOS_ID]);
    expect(fit.numImages).toBe(2);
    expect([...fitTokens(ids, 1, 1024).ids]).toEqual([BOS_ID, 7, I, 1000, E, EOS_ID]);
  });

  it('truncates to maxTokens and drops an image whose token is cut', () => {
    const ids = [BOS_ID, I, 1000, E, I, 1001, E, EOS_ID];
    expect(fitTokens(ids, 10, 5)).toEqual({ ids: Int32Array.from([BOS_ID, I, 1000, E, I]), numImages: 2 });
    expect(fitTokens(ids, 10, 4)).toEqual({ ids: Int32Array.from([BOS_ID, I, 1000, E]), numImages: 1 });
  });
});
