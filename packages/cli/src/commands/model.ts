import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { createLogger, writeFileAtomic } from '@mtb/core';
import type { BackendKind, ParameterCounts, FlamingoConfig } from '@mtb/flamingo';
import { EXIT } from '../exit-codes.js';

const log = createLogger('model');

// @mtb/flamingo pulls in TensorFlow.js: loaded only when a model command runs.
const flamingo = () => import('@mtb/flamingo');

class UsageError extends Error {}

const fmt = (n: number) => n.toLocaleString('en-US');

/** The `mtb model params` report: groups, then the totals as OpenFlamingo and Med-Flamingo quote them. */
export function formatParameterCounts(config: FlamingoConfig, c: ParameterCounts): string {
  const rows: [string, number][] = [
    ['vision encoder (CLIP ViT, frozen)', c.byGroup.vision],
    ['perceiver resampler (trainable)', c.perceiver],
    [`gated cross-attention (trainable, ${c.crossAttnBlocks} x ${fmt(c.crossAttnPerBlock)})`, c.crossAttn],
    ['LM input embedding (trainable rows: <image>, <|endofchunk|>)', c.byGroup.embedding],
    ['LM decoder layers, norm, lm_head (frozen)', c.byGroup.lm],
    ['', 0],
    ['trainable, as OpenFlamingo v1 counts it (perceiver + cross-attn + whole embedding)', c.trainable],
    ['language model (LLaMA incl. embedding and lm_head)', c.languageModel],
    ['total, vision tower only (what this package builds)', c.total],
  ];
  if (config.clipText) rows.push(['full CLIP (vision + text tower)', c.clipFull], ['total with the full CLIP model, as v1 counts it', c.totalWithFullClip]);
  const width = Math.max(...rows.map(([, n]) => fmt(n).length));
  const lines = rows.map(([label, n]) => (label ? `${fmt(n).padStart(width)}  ${label}` : ''));
  return `Flamingo config ${config.name}\n${lines.join('\n')}\n`;
}

interface ForwardInput {
  inputIds: Int32Array;
  batch: number;
  length: number;
  attentionMask?: Int32Array;
  pixels?: { data: Float32Array; shape: number[] };
}

function shapeOfNested(x: unknown): number[] {
  const shape: number[] = [];
  let cur = x;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  return shape;
}

/** Input file: safetensors (input_ids I32/I64 [B, T], optional attention_mask, pixels F32 [B, M, 3, H, W]) or the same keys in JSON. */
export async function readForwardInput(file: string): Promise<ForwardInput> {
  const { readSafetensors, entryToInt32, entryToFloat32 } = await flamingo();
  const bytes = readFileSync(file);
  const out: Partial<ForwardInput> = {};
  if (file.endsWith('.json')) {
    const j = JSON.parse(bytes.toString('utf8')) as { input_ids?: number[][]; attention_mask?: number[][]; pixels?: unknown };
    if (!Array.isArray(j.input_ids) || !Array.isArray(j.input_ids[0])) throw new UsageError(`${file}: "input_ids" must be a [B, T] array of token ids`);
    out.batch = j.input_ids.length;
    out.length = j.input_ids[0].length;
    out.inputIds = Int32Array.from(j.input_ids.flat());
    if (j.attention_mask) out.attentionMask = Int32Array.from(j.attention_mask.flat());
    if (j.pixels) out.pixels = { data: Float32Array.from((j.pixels as number[]).flat(4) as number[]), shape: shapeOfNested(j.pixels) };
  } else {
    const t = readSafetensors(bytes);
    const ids = t.get('input_ids');
    if (!ids || ids.shape.length !== 2) throw new UsageError(`${file}: needs an "input_ids" tensor [B, T] (I32 or I64); has ${[...t.keys()].join(', ') || 'nothing'}`);
    [out.batch, out.length] = ids.shape as [number, number];
    out.inputIds = entryToInt32('input_ids', ids);
    const mask = t.get('attention_mask');
    if (mask) out.attentionMask = entryToInt32('attention_mask', mask);
    const px = t.get('pixels');
    if (px) out.pixels = { data: entryToFloat32('pixels', px), shape: px.shape };
  }
  if (out.attentionMask && out.attentionMask.length !== out.inputIds.length) throw new UsageError(`${file}: attention_mask must have the shape of input_ids`);
  if (out.pixels && (out.pixels.shape.length !== 5 || out.pixels.shape[0] !== out.batch)) {
    throw new UsageError(`${file}: pixels must be [B, M, 3, H, W] with B = ${out.batch}, got [${out.pixels.shape.join(', ')}]`);
  }
  return out as ForwardInput;
}

export interface ForwardCommandOptions {
  config: string;
  weights: string[];
  input: string;
  out: string;
  backend: BackendKind;
  allowMissing?: boolean;
}

/** `mtb model forward`: logits of a checkpoint on given ids and pixels, written as safetensors `logits` F32 [B, T, V]. */
export async function runForward(opts: ForwardCommandOptions): Promise<{ backend: string; shape: number[]; ms: number }> {
  const { getConfig, FlamingoModel, selectBackend, writeSafetensors } = await flamingo();
  const tf = await import('@tensorflow/tfjs');
  let config: FlamingoConfig;
  try {
    config = getConfig(opts.config);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const backend = await selectBackend(opts.backend);
  const input = await readForwardInput(opts.input);
  const files = opts.weights.map((f) => new Uint8Array(readFileSync(f)));
  let model;
  try {
    model = FlamingoModel.fromSafetensors(config, files, { strict: !opts.allowMissing });
  } catch (err) {
    throw new UsageError(`${opts.weights.join(', ')}: ${(err as Error).message}${opts.allowMissing ? '' : ' (pass --allow-missing to keep initial values for absent parameters)'}`);
  }
  const t0 = performance.now();
  const logits = tf.tidy(() => {
    const inputIds = tf.tensor2d(input.inputIds, [input.batch, input.length], 'int32');
    const attentionMask = input.attentionMask ? tf.tensor2d(input.attentionMask, [input.batch, input.length], 'int32') : undefined;
    const pixels = input.pixels ? tf.tensor(input.pixels.data, input.pixels.shape, 'float32') : undefined;
    return model.forward({ inputIds, attentionMask, pixels });
  });
  const data = logits.dataSync() as Float32Array;
  const ms = performance.now() - t0;
  const shape = logits.shape.slice();
  writeFileAtomic(opts.out, writeSafetensors(new Map([['logits', { shape, data }]]), { config: config.name, backend }));
  logits.dispose();
  model.dispose();
  return { backend, shape, ms };
}

export function registerModel(program: Command): void {
  const model = program.command('model').description('the Flamingo model (OpenFlamingo layout): parameter counts and a forward pass to compare with PyTorch');

  model
    .command('params')
    .description('print the parameter counts of a config, per group and in total, from shapes alone (nothing is allocated)')
    .option('-c, --config <name>', 'model config: tiny, small or openflamingo-9b', 'openflamingo-9b')
    .option('--json', 'print the counts as JSON')
    .action(async (opts: { config: string; json?: boolean }) => {
      const { getConfig, countParameters } = await flamingo();
      let config: FlamingoConfig;
      try {
        config = getConfig(opts.config);
      } catch (err) {
        log.error((err as Error).message);
        process.exitCode = EXIT.USAGE;
        return;
      }
      const counts = countParameters(config);
      process.stdout.write(opts.json ? `${JSON.stringify({ config: config.name, ...counts }, null, 2)}\n` : formatParameterCounts(config, counts));
    });

  model
    .command('forward')
    .description('run a forward pass on token ids (and images) and write the logits as safetensors, e.g. to compare with OpenFlamingo in PyTorch')
    .requiredOption('-c, --config <name>', 'model config: tiny, small or openflamingo-9b')
    .requiredOption('-w, --weights <file...>', 'safetensors weights (OpenFlamingo, Med-Flamingo, HF LLaMA or open_clip names); several files are merged, e.g. frozen towers + a trainable checkpoint')
    .requiredOption('-i, --input <file>', 'safetensors (or .json) with input_ids [B, T] (I32/I64), optional attention_mask [B, T] and pixels F32 [B, M, 3, H, W], CLIP-normalised')
    .requiredOption('-o, --out <file>', 'output safetensors holding "logits" F32 [B, T, vocab]')
    .option('-b, --backend <kind>', 'auto | tensorflow | wasm | cpu', 'auto')
    .option('--allow-missing', 'parameters absent from the weights keep their initial values instead of failing')
    .action(async (opts: ForwardCommandOptions) => {
      try {
        const r = await runForward(opts);
        log.info(`logits [${r.shape.join(', ')}] on ${r.backend} in ${r.ms.toFixed(0)} ms -> ${opts.out}`);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        log.error(err.message);
        process.exitCode = EXIT.USAGE;
      }
    });
}
