import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from '@mtb/core';
import { clusterDir } from './shard-runs.js';

/**
 * `report/cluster/slurm.json`: what the last `mtb cluster slurm` of a corpus
 * planned (the shard count and where its scripts are), so `mtb cluster status`
 * knows the build it reports on before any shard has started.
 */
const SlurmPlanFileSchema = z.object({ shards: z.number().int().min(1), scriptsDir: z.string() });
export type SlurmPlanFile = z.infer<typeof SlurmPlanFileSchema>;

function file(corpusDir: string): string {
  return join(clusterDir(corpusDir), 'slurm.json');
}

export function writeSlurmPlanFile(corpusDir: string, plan: SlurmPlanFile): void {
  writeJsonAtomic(file(corpusDir), plan);
}

export function readSlurmPlanFile(corpusDir: string): SlurmPlanFile | undefined {
  const f = file(corpusDir);
  if (!existsSync(f)) return undefined;
  try {
    return SlurmPlanFileSchema.parse(JSON.parse(readFileSync(f, 'utf8')));
  } catch {
    return undefined; // a damaged plan only loses the default; the records still count
  }
}
