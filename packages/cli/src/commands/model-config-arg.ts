import { existsSync, readFileSync } from 'node:fs';
import type { FlamingoConfig, TensorSource } from '@mtb/flamingo';

// @mtb/flamingo pulls in TensorFlow.js: loaded only when a model command runs.
export const flamingo = () => import('@mtb/flamingo');

/** A bad argument or input file: printed as one line, exit code 2. */
export class UsageError extends Error {}

/**
 * The model config of a `mtb model` command: a name (tiny, small,
 * openflamingo-9b), a JSON file (a full config, or {"base": "tiny", ...overrides}
 * as in training configs), or, when none is given, the weights' own
 * `mtb.model` metadata or their shapes. `note` says which, for the log.
 */
export async function resolveModelConfigArg(arg: string | undefined, weights: readonly string[]): Promise<{ config: FlamingoConfig; note: string }> {
  const f = await flamingo();
  if (arg && f.CONFIG_NAMES.includes(arg as never)) return { config: f.getConfig(arg), note: `config ${arg}` };
  if (arg) {
    if (!existsSync(arg)) throw new UsageError(`--config ${arg}: neither a config name (${f.CONFIG_NAMES.join(', ')}) nor a JSON file`);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(arg, 'utf8'));
    } catch (err) {
      throw new UsageError(`${arg}: not valid JSON (${(err as Error).message})`);
    }
    try {
      const config = raw !== null && typeof raw === 'object' && 'base' in raw ? f.resolveModelConfig(raw as Record<string, unknown>, arg) : f.parseFlamingoConfig(raw, arg);
      return { config, note: `config from ${arg}` };
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  if (weights.length === 0) throw new UsageError('--config is required when no weights are given');
  const sources: TensorSource[] = [];
  try {
    for (const w of weights) sources.push(f.openSafetensors(w));
    const inferred = f.inferConfig(sources);
    return {
      config: inferred.config,
      note: inferred.from === 'metadata' ? "config from the weights' mtb.model metadata" : `config inferred from the weights' shapes, assuming ${inferred.assumptions.join('; ')} (pass --config <file.json> otherwise)`,
    };
  } catch (err) {
    throw new UsageError((err as Error).message);
  } finally {
    for (const s of sources) s.close();
  }
}
