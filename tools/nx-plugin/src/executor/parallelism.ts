import { cpus } from 'node:os';
import type { ExecutorContext } from '@nx/devkit';

/**
 * Tasks at once in a batch: `mtb build --parallel N` passes N as MTB_PARALLEL
 * (Nx keeps its --parallel to itself); otherwise nx.json's `parallel`, else
 * one per core.
 */
export function batchParallelism(context: Pick<ExecutorContext, 'nxJsonConfiguration'>, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.MTB_PARALLEL);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  const fromNx = Number(context.nxJsonConfiguration?.parallel);
  if (Number.isInteger(fromNx) && fromNx > 0) return fromNx;
  return Math.max(1, cpus().length);
}
