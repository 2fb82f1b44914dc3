import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { IMAGE_ID } from '@mtb/core';
import { CONFIGS, FlamingoModel, readSafetensors, selectBackend, writeSafetensors } from '@mtb/flamingo';
import { main } from '../main.js';
import { runForward } from './model.js';

const ORACLE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/oracle/openflamingo-tiny');

async function capture(argv: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out.push(String(s));
    return true;
  });
  try {
    const code = await main(['node', 'mtb', ...argv]);
    return { code, out: out.join('') };
  } finally {
    spy.mockRestore();
    process.exitCode = 0;
  }
}

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

  it('forward infers the config from the weights\' metadata, and takes OpenFlamingo\'s 6-D vision_x like 5-D pixels', async () => {
    await selectBackend('wasm');
    const m = FlamingoModel.init(CONFIGS.tiny, 5);
    for (const [name, v] of m.params) if (name.endsWith('_gate')) v.assign(tf.fill([1], 0.5));
    // Sharded on the way out: the loader reads the index.
    const saved = m.save(join(dir, 'ckpt'), 'model', 'all', { maxShardBytes: 2_000_000 });
    expect(saved.path.endsWith('model.safetensors.index.json')).toBe(true);
    const ids = Int32Array.from([1, IMAGE_ID, 300, 2]);
    const px = tf.randomNormal([1, 1, 3, 224, 224], 0, 1, 'float32', 9);
    const pxData = px.dataSync() as Float32Array;
    const five = join(dir, 'five.safetensors');
    const six = join(dir, 'six.safetensors');
    writeFileSync(five, writeSafetensors(new Map<string, { shape: number[]; data: Float32Array | Int32Array }>([['input_ids', { shape: [1, 4], data: ids }], ['pixels', { shape: [1, 1, 3, 224, 224], data: pxData }]])));
    writeFileSync(six, writeSafetensors(new Map<string, { shape: number[]; data: Float32Array | Int32Array }>([['input_ids', { shape: [1, 4], data: ids }], ['vision_x', { shape: [1, 1, 1, 3, 224, 224], data: pxData }]])));
    const a = await runForward({ weights: [join(dir, 'ckpt')], input: five, out: join(dir, 'a.safetensors'), backend: 'wasm' });
    expect(a.configNote).toMatch(/metadata/);
    await runForward({ weights: [saved.path], input: six, out: join(dir, 'b.safetensors'), backend: 'wasm' });
    const la = readSafetensors(readFileSync(join(dir, 'a.safetensors'))).get('logits')!.data as Float32Array;
    const lb = readSafetensors(readFileSync(join(dir, 'b.safetensors'))).get('logits')!.data as Float32Array;
    expect(Buffer.from(la.buffer).equals(Buffer.from(lb.buffer))).toBe(true);
    const want = tf.tidy(() => m.forward({ inputIds: tf.tensor2d(ids, [1, 4], 'int32'), pixels: px }).dataSync() as Float32Array);
    expect(Buffer.from(la.buffer).equals(Buffer.from(want.buffer))).toBe(true);
    m.dispose();
    px.dispose();
  });

  it('plan prints the 9B budget in four settings; only activation checkpointing fits 80 GB', async () => {
    const { code, out } = await capture(['model', 'plan', '--config', 'openflamingo-9b', '--tokens', '1024', '--images', '10', '--batch', '1']);
    expect(code).toBe(0);
    const peaks = [...out.matchAll(/peak ([\d.]+) GB: (fits|does NOT fit)/g)].map((x) => [Number(x[1]), x[2]]);
    expect(peaks.map((p) => p[1])).toEqual(['does NOT fit', 'fits', 'does NOT fit', 'fits']);
    expect(out).toMatch(/cross-attn +4\.46 GB/);
  });

  (existsSync(ORACLE) ? it : it.skip)('check runs the OpenFlamingo oracle and exits 1 over the tolerance, printing the real differences', async () => {
    const { code, out } = await capture(['model', 'check', '--oracle', ORACLE, '--backend', 'wasm', '--tolerance', '1e-7']);
    expect(code).toBe(1);
    expect(out).toMatch(/FAIL/);
    const logit = Number(/logits +max \|diff\| ([\d.e+-]+)/.exec(out)![1]);
    expect(logit).toBeGreaterThan(1e-7);
    expect(logit).toBeLessThan(1e-4);
    expect(out).toMatch(/over 92 tensors/);
  });
});
