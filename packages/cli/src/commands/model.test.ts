import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { IMAGE_ID } from '@mtb/core';
import { CONFIGS, FlamingoModel, readSafetensors, selectBackend, writeSafetensors } from '@mtb/flamingo';
import { main } from '../main.js';
import { runForward } from './model.js';

describe('mtb model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'model-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('params prints the 9B groups and totals', async () => {
    const out: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      out.push(String(s));
      return true;
    });
    try {
      expect(await main(['node', 'mtb', 'model', 'params', '--config', 'openflamingo-9b'])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const text = out.join('');
    for (const n of ['63,019,008', '1,115,815,952', '8 x 139,476,994', '1,309,919,248', '8,344,891,665', '8,221,241,360']) expect(text).toContain(n);
  });

  it('params refuses an unknown config with exit 2', async () => {
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['node', 'mtb', 'model', 'params', '--config', 'gpt'])).toBe(2);
    } finally {
      spy.mockRestore();
      process.exitCode = 0;
    }
  });

  it('forward writes the same logits as the library on tiny (safetensors in, safetensors out)', async () => {
    await selectBackend('wasm');
    const m = FlamingoModel.init(CONFIGS.tiny, 4);
    for (const [name, v] of m.params) if (name.endsWith('_gate')) v.assign(tf.fill([1], 0.5));
    const weights = join(dir, 'w.safetensors');
    writeFileSync(weights, m.toSafetensors('all'));
    const ids = Int32Array.from([1, IMAGE_ID, 300, 301, 2]);
    const pixels = tf.randomNormal([1, 1, 3, 224, 224], 0, 1, 'float32', 3);
    const input = join(dir, 'in.safetensors');
    writeFileSync(input, writeSafetensors(new Map<string, { shape: number[]; data: Float32Array | Int32Array }>([
      ['input_ids', { shape: [1, 5], data: ids }],
      ['pixels', { shape: [1, 1, 3, 224, 224], data: pixels.dataSync() as Float32Array }],
    ])));
    const out = join(dir, 'logits.safetensors');
    const r = await runForward({ config: 'tiny', weights: [weights], input, out, backend: 'wasm' });
    expect(r.shape).toEqual([1, 5, 32003]);
    const got = readSafetensors(readFileSync(out)).get('logits')!;
    expect(got.shape).toEqual([1, 5, 32003]);
    const want = tf.tidy(() => m.forward({ inputIds: tf.tensor2d(ids, [1, 5], 'int32'), pixels }).dataSync());
    expect(Buffer.from((got.data as Float32Array).buffer).equals(Buffer.from((want as Float32Array).buffer))).toBe(true);
    // A trainable-only checkpoint alone is refused unless --allow-missing.
    const trainableOnly = join(dir, 't.safetensors');
    writeFileSync(trainableOnly, m.toSafetensors('trainable'));
    await expect(runForward({ config: 'tiny', weights: [trainableOnly], input, out, backend: 'wasm' })).rejects.toThrow(/missing \d+ parameter\(s\): vision_encoder.*--allow-missing/);
    m.dispose();
    pixels.dispose();
  });
});
