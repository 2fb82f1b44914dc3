import type { BackendKind, OracleReport } from '@mtb/flamingo';
import { flamingo, UsageError } from './model-config-arg.js';

export interface CheckCommandOptions {
  oracle: string;
  backend: BackendKind;
  tolerance: string;
  json?: boolean;
}

/** `mtb model check --oracle <dir>`: OpenFlamingo's logits, loss and gradients against this build on one backend. */
export async function runCheck(opts: CheckCommandOptions): Promise<OracleReport> {
  const f = await flamingo();
  const tolerance = Number(opts.tolerance);
  if (!(tolerance > 0)) throw new UsageError(`--tolerance ${opts.tolerance}: expected a positive number`);
  let oracle;
  try {
    oracle = f.loadOracle(opts.oracle);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  await f.selectBackend(opts.backend);
  const model = f.FlamingoModel.fromFiles(oracle.config, [oracle.weights], { strict: true });
  try {
    return f.checkAgainstOracle(model, oracle, tolerance);
  } finally {
    model.dispose();
  }
}

const e = (x: number): string => x.toExponential(2);

export function formatCheck(r: OracleReport, oracleDir: string): string {
  const ok = (b: boolean): string => (b ? 'ok' : 'OVER');
  const gradLimit = r.tolerance * r.grads.maxAbs;
  return [
    `OpenFlamingo oracle ${oracleDir} on ${r.backend} (${r.targets} target tokens, tolerance ${e(r.tolerance)})`,
    `  logits     max |diff| ${e(r.logits.maxAbsDiff)} (max |logit| ${r.logits.maxAbs.toFixed(3)})  ${ok(r.logits.maxAbsDiff <= r.tolerance)}`,
    `  loss       ${r.loss.ours.toFixed(6)} vs OpenFlamingo ${r.loss.reference.toFixed(6)}, |diff| ${e(r.loss.absDiff)}  ${ok(r.loss.absDiff <= r.tolerance)}`,
    `  gradients  max |diff| ${e(r.grads.maxAbsDiff)} over ${r.grads.tensors} tensors (worst: ${r.grads.worst || '-'}); limit ${e(gradLimit)} = tolerance x max |grad| ${e(r.grads.maxAbs)}  ${ok(r.grads.maxAbsDiff <= gradLimit)}`,
    ...(r.grads.unmatched.length ? [`  no parameter here for the reference gradients of: ${r.grads.unmatched.join(', ')}`] : []),
    r.pass ? 'PASS' : 'FAIL',
    '',
  ].join('\n');
}
