import type { Command } from 'commander';
import { ConfigError, createLogger } from '@mtb/core';
import { EXIT, exitCodes } from '../exit-codes.js';

const log = createLogger('train');
// @mtb/flamingo pulls in TensorFlow.js: loaded only when training runs.
const flamingo = () => import('@mtb/flamingo');

interface TrainCliOptions {
  config?: string;
  resume?: boolean | string;
  restart?: boolean;
  maxSteps?: string;
  timeBudget?: string;
  backend?: string;
  out?: string;
  describe?: boolean;
}

export function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .description('train a Flamingo (perceiver, gated cross-attention, <image>/<|endofchunk|> embeddings) on MTB and PMC-OA shards')
    .option('-c, --config <file>', 'training config (JSON), e.g. packages/flamingo/demo/tiny.json')
    .option('--resume [checkpoint]', 'continue the run in the config\'s outDir from its latest checkpoint (or from the given checkpoint folder)')
    .option('--restart', 'start over: remove the run folder\'s checkpoints, metrics.jsonl and config.json first')
    .option('--max-steps <n>', 'stop once step n is done (the lr schedule still spans the config\'s steps)')
    .option('--time-budget <t>', 'stop with a checkpoint before this much wall time is used: seconds, or 90s / 30m / 2h')
    .option('--backend <kind>', 'auto | tensorflow | wasm | cpu (overrides the config)')
    .option('--out <dir>', 'run folder (overrides the config\'s outDir)')
    .option('--describe', 'list the training config keys with their defaults and exit')
    .addHelpText('after', `
Writes <outDir>/metrics.jsonl (one JSON line per step and per eval), <outDir>/config.json and
<outDir>/checkpoints/step-NNNNNNNN/{trainable.safetensors, optimizer.safetensors, state.json}
(+ latest.json). Ctrl-C stops after the current step with a checkpoint; --resume continues it.
The sample shards come from \`npm start\`; on a CUDA machine install @tensorflow/tfjs-node-gpu
and use --backend tensorflow (see packages/flamingo/README.md).`)
    .action(async (o: TrainCliOptions) => {
      const f = await flamingo();
      if (o.describe) {
        for (const d of f.describeTrainConfig()) process.stdout.write(`${d.key}${d.default !== undefined ? ` (default ${JSON.stringify(d.default)})` : ''}: ${d.description}\n`);
        return;
      }
      if (!o.config) {
        log.error('--config <file> is required (e.g. packages/flamingo/demo/tiny.json; `mtb train --describe` lists the keys)');
        process.exitCode = EXIT.USAGE;
        return;
      }
      let options: Parameters<typeof f.runTraining>[1];
      let config: ReturnType<typeof f.loadTrainConfig>;
      try {
        config = f.loadTrainConfig(o.config);
        if (o.out) config = { ...config, outDir: o.out };
        const maxSteps = o.maxSteps === undefined ? undefined : Number(o.maxSteps);
        if (maxSteps !== undefined && !(Number.isInteger(maxSteps) && maxSteps >= 0)) throw new ConfigError(`--max-steps ${o.maxSteps}: expected a whole number >= 0`);
        if (o.backend !== undefined && !['auto', 'tensorflow', 'wasm', 'cpu'].includes(o.backend)) throw new ConfigError(`--backend ${o.backend}: expected auto, tensorflow, wasm or cpu`);
        options = {
          ...(o.resume !== undefined ? { resume: o.resume } : {}),
          ...(o.restart ? { restart: true } : {}),
          ...(maxSteps !== undefined ? { maxSteps } : {}),
          ...(o.timeBudget !== undefined ? { timeBudgetS: f.parseDuration(o.timeBudget, '--time-budget') } : {}),
          ...(o.backend !== undefined ? { backend: o.backend as 'auto' } : {}),
        };
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        log.error(err.message);
        process.exitCode = EXIT.USAGE;
        return;
      }
      const abort = new AbortController();
      const onSigint = (): void => {
        if (abort.signal.aborted) process.exit(130);
        log.warn('stopping after this step (with a checkpoint); press Ctrl-C again to quit at once');
        abort.abort();
      };
      process.on('SIGINT', onSigint);
      try {
        const s = await f.runTraining(config, { ...options, signal: abort.signal });
        const trained = s.losses.filter((l) => Number.isFinite(l));
        const first = s.evals[0];
        const last = s.evals[s.evals.length - 1];
        process.stdout.write(
          `trained steps ${s.startStep + 1}-${s.step} on ${s.backend} in ${s.seconds.toFixed(1)} s (${s.stopReason}); ` +
            (trained.length ? `train loss ${trained[0]!.toFixed(4)} -> ${trained[trained.length - 1]!.toFixed(4)}` : 'no step trained') +
            (s.skipped ? `; ${s.skipped} step(s) skipped` : '') +
            (first && last && last !== first ? `; eval loss ${first.result.loss.toFixed(4)} (step ${first.step}) -> ${last.result.loss.toFixed(4)} (step ${last.step})` : '') +
            `; loader wait ${(100 * s.loaderWaitShare).toFixed(1)}% of step time\ncheckpoint: ${s.checkpoint ?? '(none)'}\nmetrics: ${config.outDir}/metrics.jsonl\n`,
        );
      } catch (err) {
        if (err instanceof ConfigError) {
          log.error(err.message);
          process.exitCode = EXIT.USAGE;
          return;
        }
        throw err;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
  exitCodes(cmd, {
    0: 'trained to the last step, or stopped with a checkpoint (--max-steps, --time-budget, or one Ctrl-C)',
    1: 'training failed (the message says why)',
    2: 'bad options, a missing or invalid training config, or missing shards',
    130: 'a second Ctrl-C quit at once, without a checkpoint',
  });
}
