import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { checkAgainstOracle, FlamingoModel, inferConfig, loadOracle, openSafetensors, registerMissingKernels, selectBackend, type Oracle } from '../src/index.js';
import { availableBackends } from './backends.js';

/**
 * OpenFlamingo's own PyTorch numerics (../shared/oracle/openflamingo-tiny:
 * state_dict, batch, logits, loss and every trainable gradient) reproduced on
 * every backend that loads here, to its README's float32 tolerances.
 */
const ORACLE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/oracle/openflamingo-tiny');
const present = existsSync(ORACLE);
const describeOracle = present ? describe : describe.skip;
const BACKENDS = await availableBackends();

describeOracle('OpenFlamingo oracle (../shared/oracle/openflamingo-tiny)', () => {
  let oracle: Oracle;
  beforeAll(() => {
    oracle = loadOracle(ORACLE);
  });

  it('its 220-key state_dict loads strictly, under both of OpenFlamingo\'s spellings of shared tensors', () => {
    const src = openSafetensors(oracle.weights);
    expect(src.names()).toHaveLength(220);
    src.close();
    expect(oracle.pixels.shape).toEqual([2, 3, 1, 3, 28, 28]);
  });

  it.each(BACKENDS)('logits, loss and gradients match OpenFlamingo on %s', async (backend) => {
    await selectBackend(backend);
    const model = FlamingoModel.fromFiles(oracle.config, [oracle.weights], { strict: true });
    const r = checkAgainstOracle(model, oracle);
    model.dispose();
    if (process.env.MTB_REPORT) process.stdout.write(`oracle on ${backend}: ${JSON.stringify(r)}\n`);
    expect(r.grads.unmatched).toEqual([]);
    expect(r.grads.tensors).toBe(92);
    expect(r.targets).toBe(45);
    expect(r.logits.maxAbsDiff).toBeLessThan(1e-4);
    expect(r.loss.absDiff).toBeLessThan(1e-4);
    expect(r.grads.maxAbsDiff).toBeLessThan(1e-4 * r.grads.maxAbs);
    expect(r.pass).toBe(true);
  });

  it('fails, naming the loss, when a kernel is wrong (the wasm OneHot of integer bit patterns)', async () => {
    await selectBackend('wasm');
    // What tfjs-backend-wasm 4.22's own OneHot returns for float32: the bits of int32 1.
    const bits = new Float32Array(new Int32Array([1]).buffer)[0]!;
    tf.unregisterKernel('OneHot', 'wasm');
    tf.registerKernel({
      kernelName: 'OneHot', backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { depth } = attrs as unknown as { depth: number };
        const idx = (backend as tf.KernelBackend).readSync((inputs.indices as tf.TensorInfo).dataId) as Int32Array;
        const out = new Float32Array(idx.length * depth);
        idx.forEach((k, i) => (out[i * depth + k] = bits));
        const shape = [idx.length, depth];
        return { dataId: (backend as tf.KernelBackend).write(out, shape, 'float32'), shape, dtype: 'float32' };
      },
    });
    try {
      const model = FlamingoModel.fromFiles(oracle.config, [oracle.weights], { strict: true });
      const r = checkAgainstOracle(model, oracle);
      model.dispose();
      expect(r.pass).toBe(false);
      expect(r.loss.absDiff).toBeGreaterThan(1e-2);
      expect(r.logits.maxAbsDiff).toBeLessThan(1e-4);
    } finally {
      registerMissingKernels();
    }
  });

  it('the config inferred from the weights\' shapes has the oracle\'s sizes (heads are assumed, so they are the only difference)', () => {
    const src = openSafetensors(oracle.weights);
    const { config, from, assumptions } = inferConfig([src]);
    src.close();
    expect(from).toBe('shapes');
    expect(assumptions.join('; ')).toMatch(/heads/);
    const strip = (c: typeof config) => ({ ...c, name: '', vision: { ...c.vision, heads: 0 }, lm: { ...c.lm, heads: 0 } });
    expect(strip(config)).toEqual(strip(oracle.config));
  });
});
