import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { createLogger, writeFileAtomic } from '@mtb/core';
import type { BackendKind, ParameterCounts, FlamingoConfig } from '@mtb/flamingo';
import { EXIT } from '../exit-codes.js';
import { formatCheck, runCheck, type CheckCommandOptions } from './model-check.js';
import { flamingo, resolveModelConfigArg, UsageError } from './model-config-arg.js';
import { runPlan, type PlanCommandOptions } from './model-plan.js';

const log = createLogger('model');


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
  /** [B, M, 3, H, W], or OpenFlamingo's vision_x [B, M, F, 3, H, W]. */
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

/**
 * Input file: safetensors (input_ids I32/I64 [B, T], optional attention_mask, and
 * pixels F32 [B, M, 3, H, W] or OpenFlamingo's vision_x [B, M, F, 3, H, W], under
 * either name) or the same keys in JSON.
 */
export async function readForwardInput(file: string): Promise<ForwardInput> {
  const { entryToInt32, entryToFloat32, SafetensorsFile } = await flamingo();
  const out: Partial<ForwardInput> = {};
  if (file.endsWith('.json')) {
    const j = JSON.parse(readFileSync(file, 'utf8')) as { input_ids?: number[][]; attention_mask?: number[][]; pixels?: unknown; vision_x?: unknown };
    if (!Array.isArray(j.input_ids) || !Array.isArray(j.input_ids[0])) throw new UsageError(`${file}: "input_ids" must be a [B, T] array of token ids`);
    out.batch = j.input_ids.length;
    out.length = j.input_ids[0].length;
    out.inputIds = Int32Array.from(j.input_ids.flat());
    if (j.attention_mask) out.attentionMask = Int32Array.from(j.attention_mask.flat());
    const px = j.pixels ?? j.vision_x;
    if (px) out.pixels = { data: Float32Array.from((px as number[]).flat(5) as number[]), shape: shapeOfNested(px) };
  } else {
    let t;
    try {
      t = SafetensorsFile.open(file);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    try {
      const ids = t.info('input_ids');
      if (!ids || ids.shape.length !== 2) throw new UsageError(`${file}: needs an "input_ids" tensor [B, T] (I32 or I64); has ${t.names().join(', ') || 'nothing'}`);
      [out.batch, out.length] = ids.shape as [number, number];
      out.inputIds = entryToInt32('input_ids', t.read('input_ids'));
      if (t.info('attention_mask')) out.attentionMask = entryToInt32('attention_mask', t.read('attention_mask'));
      const pxName = t.info('pixels') ? 'pixels' : t.info('vision_x') ? 'vision_x' : undefined;
      if (pxName) {
        const px = t.read(pxName);
        out.pixels = { data: entryToFloat32(pxName, px), shape: px.shape };
      }
    } finally {
      t.close();
    }
  }
  if (out.attentionMask && out.attentionMask.length !== out.inputIds.length) throw new UsageError(`${file}: attention_mask must have the shape of input_ids`);
  if (out.pixels && ((out.pixels.shape.length !== 5 && out.pixels.shape.length !== 6) || out.pixels.shape[0] !== out.batch)) {
    throw new UsageError(`${file}: pixels must be [B, M, 3, H, W] or vision_x [B, M, F, 3, H, W] with B = ${out.batch}, got [${out.pixels.shape.join(', ')}]`);
  }
  return out as ForwardInput;
}

export interface ForwardCommandOptions {
  /** A config name or JSON file; absent: from the weights' metadata or shapes. */
  config?: string;
  weights: string[];
  input: string;
  out: string;
  backend: BackendKind;
  allowMissing?: boolean;
}

/** `mtb model forward`: logits of a checkpoint on given ids and pixels, written as safetensors `logits` F32 [B, T, V]. */
export async function runForward(opts: ForwardCommandOptions): Promise<{ backend: string; shape: number[]; ms: number; configNote: string }> {
  const { FlamingoModel, selectBackend, writeSafetensors } = await flamingo();
  const tf = await import('@tensorflow/tfjs');
  const { config, note } = await resolveModelConfigArg(opts.config, opts.weights);
  const backend = await selectBackend(opts.backend);
  const input = await readForwardInput(opts.input);
  let model: import('@mtb/flamingo').FlamingoModel;
  try {
    model = FlamingoModel.fromFiles(config, opts.weights, { strict: !opts.allowMissing });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}${opts.allowMissing ? '' : ' (pass --allow-missing to keep initial values for absent parameters)'}`);
  }
  try {
    const t0 = performance.now();
    let logits;
    try {
      logits = tf.tidy(() => {
        const inputIds = tf.tensor2d(input.inputIds, [input.batch, input.length], 'int32');
        const attentionMask = input.attentionMask ? tf.tensor2d(input.attentionMask, [input.batch, input.length], 'int32') : undefined;
        const pixels = input.pixels ? tf.tensor(input.pixels.data, input.pixels.shape, 'float32') : undefined;
        return model.forward({ inputIds, attentionMask, pixels });
      });
    } catch (err) {
      throw new UsageError(`${opts.input}: ${(err as Error).message}`);
    }
    const data = logits.dataSync() as Float32Array;
    const ms = performance.now() - t0;
    const shape = logits.shape.slice();
    logits.dispose();
    writeFileAtomic(opts.out, writeSafetensors(new Map([['logits', { shape, data }]]), { config: config.name, backend }));
    return { backend, shape, ms, configNote: note };
  } finally {
    model.dispose();
  }
}

export function registerModel(program: Command): void {
  const model = program.command('model').description('the Flamingo model (OpenFlamingo layout): parameter counts, memory plan, a forward pass, and a check against OpenFlamingo\'s own numerics');

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
    .option('-c, --config <name|file.json>', 'model config: tiny, small, openflamingo-9b or a JSON file; default: from the weights (their mtb.model metadata, else their shapes)')
    .requiredOption('-w, --weights <path...>', 'weights: .safetensors files, HuggingFace .safetensors.index.json (sharded) or folders holding one; OpenFlamingo, Med-Flamingo, HF LLaMA or open_clip names; several are merged, e.g. frozen towers + a trainable checkpoint')
    .requiredOption('-i, --input <file>', 'safetensors (or .json) with input_ids [B, T] (I32/I64), optional attention_mask [B, T], and pixels F32 [B, M, 3, H, W] or OpenFlamingo\'s vision_x [B, M, F, 3, H, W], CLIP-normalised')
    .requiredOption('-o, --out <file>', 'output safetensors holding "logits" F32 [B, T, vocab]')
    .option('-b, --backend <kind>', 'auto | tensorflow | wasm | cpu', 'auto')
    .option('--allow-missing', 'parameters absent from the weights keep their initial values instead of failing')
    .action(async (opts: ForwardCommandOptions) => {
      try {
        const r = await runForward(opts);
        log.info(`${r.configNote}; logits [${r.shape.join(', ')}] on ${r.backend} in ${r.ms.toFixed(0)} ms -> ${opts.out}`);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        log.error(err.message);
        process.exitCode = EXIT.USAGE;
      }
    });

  model
    .command('check')
    .description('run an OpenFlamingo oracle (state_dict, batch, logits, loss and gradients written by its PyTorch code) on a backend and print the differences; exit 1 over the tolerance')
    .requiredOption('--oracle <dir>', 'oracle folder: model.safetensors, io.safetensors, grads.safetensors, meta.json (e.g. ../shared/oracle/openflamingo-tiny)')
    .option('-b, --backend <kind>', 'auto | tensorflow | wasm | cpu', 'auto')
    .option('--tolerance <x>', 'logits and loss within x; gradients within x times the largest reference gradient', '1e-4')
    .option('--json', 'print the report as JSON')
    .action(async (opts: CheckCommandOptions) => {
      try {
        const r = await runCheck(opts);
        process.stdout.write(opts.json ? `${JSON.stringify(r, null, 2)}\n` : formatCheck(r, opts.oracle));
        if (!r.pass) process.exitCode = EXIT.FAILED;
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        log.error(err.message);
        process.exitCode = EXIT.USAGE;
      }
    });

  model
    .command('plan')
    .description('memory of one training step per group (weights, gradients, optimizer state, activations), with and without activation checkpointing and 8-bit optimizer state, against the device memory')
    .option('-c, --config <name|file.json>', 'model config: tiny, small, openflamingo-9b or a JSON file', 'openflamingo-9b')
    .option('--tokens <n>', 'tokens per sample (maxTokens)', '1024')
    .option('--images <n>', 'image slots per sample (maxImages)', '10')
    .option('--batch <n>', 'samples per micro-batch', '1')
    .option('--accumulation <n>', 'micro-batches per optimizer step (above 1 the running gradient sum is held too)', '50')
    .option('--device-memory <size>', 'device memory to fit, e.g. 80GB, 24GB', '80GB')
    .option('--json', 'print the plans as JSON')
    .action(async (opts: PlanCommandOptions) => {
      try {
        process.stdout.write(await runPlan(opts));
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        log.error(err.message);
        process.exitCode = EXIT.USAGE;
      }
    });
}
