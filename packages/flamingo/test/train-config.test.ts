import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@mtb/core';
import { main } from '@mtb/cli';
import { parseDuration, parseTrainConfig, loadTrainConfig, describeTrainConfig } from '../src/train/config.js';
import { resolveModelConfig } from '../src/train/model-config.js';

const minimal = { model: 'tiny', sources: [{ dir: 'datasets/sample/shards/train' }], steps: 10, outDir: 'runs/x', warmupSteps: 2 };

describe('training config', () => {
  test('defaults follow the paper: batch 1, accumulation 50, AdamW 1e-4, decay 0.1, clip 1.0, weights 1.0', () => {
    const c = parseTrainConfig(minimal);
    expect(c).toEqual(expect.objectContaining({ batchSize: 1, accumulation: 50, lr: 1e-4, weightDecay: 0.1, clipNorm: 1, betas: [0.9, 0.999], eps: 1e-8, schedule: 'constant', backend: 'auto' }));
    expect(c.sources[0]).toEqual({ dir: 'datasets/sample/shards/train', weight: 1, lossWeight: 1 });
    expect(c.loader).toEqual(expect.objectContaining({ maxTokens: 1024, maxImages: 10 }));
  });

  test('errors name the key and the file', () => {
    expect(() => parseTrainConfig({ ...minimal, lr: -1 }, 'run.json')).toThrow(/run\.json: invalid training config:[\s\S]*"lr"/);
    expect(() => parseTrainConfig({ ...minimal, learningRate: 1 }, 'run.json')).toThrow(/unknown key "learningRate"/);
    expect(() => parseTrainConfig({ ...minimal, loader: { maxToken: 5 } })).toThrow(/loader: unknown key "maxToken"/);
    expect(() => parseTrainConfig({ ...minimal, warmupSteps: 20 })).toThrow(/warmupSteps \(20\) exceeds steps/);
    expect(() => parseTrainConfig({ ...minimal, sources: [] })).toThrow(ConfigError);
    expect(() => parseTrainConfig({ ...minimal, backend: 'cuda' })).toThrow(/"backend"/);
  });

  test('model configs by name or inline overrides', () => {
    expect(resolveModelConfig('small').name).toBe('small');
    const c = resolveModelConfig({ base: 'tiny', lm: { layers: 2 } });
    expect(c.lm.layers).toBe(2);
    expect(c.lm.hidden).toBe(resolveModelConfig('tiny').lm.hidden);
    expect(resolveModelConfig('tiny').lm.layers).not.toBe(2);
    expect(() => resolveModelConfig('huge')).toThrow(/unknown Flamingo config "huge"/);
    expect(() => resolveModelConfig({ base: 'tiny', lm: { depth: 2 } })).toThrow(/model\.lm\.depth is not a model setting/);
    expect(() => resolveModelConfig({ base: 'tiny', lm: { layers: -1 } })).toThrow(/positive number/);
  });

  test('durations', () => {
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('30m')).toBe(1800);
    expect(parseDuration('2h')).toBe(7200);
    expect(parseDuration(5)).toBe(5);
    expect(() => parseDuration('soon')).toThrow(/expected seconds/);
  });

  test('describe lists every key with its help', () => {
    const keys = describeTrainConfig();
    expect(keys.map((k) => k.key)).toEqual(expect.arrayContaining(['model', 'sources', 'accumulation', 'checkpointEvery', 'loader']));
    expect(keys.every((k) => k.description.length > 0)).toBe(true);
  });

  test('the shipped demo config is valid', () => {
    const c = loadTrainConfig(join('packages', 'flamingo', 'demo', 'tiny.json'));
    expect(c.model).toBe('tiny');
    expect(c.sources[0]!.dir).toBe('datasets/sample/shards/train');
  });
});

describe('mtb train', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mtb-train-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('usage errors exit 2 with a message', async () => {
    expect(await main(['node', 'mtb', 'train'])).toBe(2);
    process.exitCode = undefined;
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...minimal, steps: 0 }));
    expect(await main(['node', 'mtb', 'train', '--config', bad])).toBe(2);
    process.exitCode = undefined;
    // Missing shards: the message says how to build them.
    const missing = join(dir, 'missing.json');
    writeFileSync(missing, JSON.stringify({ ...minimal, sources: [{ dir: join(dir, 'no-shards') }], outDir: join(dir, 'run') }));
    const errs: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (errs.push(String(s)), true)) as typeof process.stderr.write;
    try {
      expect(await main(['node', 'mtb', 'train', '--config', missing])).toBe(2);
    } finally {
      process.stderr.write = write;
      process.exitCode = undefined;
    }
    expect(errs.join('')).toMatch(/npm start/);
  });
});
