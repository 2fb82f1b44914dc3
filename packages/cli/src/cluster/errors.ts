/** The cluster commands' errors, by exit code: bad options (2), a scheduler command that failed (1). */

/** Options that cannot make a valid job (exit 2). */
export class SlurmPlanError extends Error {}

/** sbatch missing or refusing a job (exit 1). */
export class SlurmCommandError extends Error {}

/** Not enough to report on: no corpus, or no shard count to go by (exit 2). */
export class ClusterStatusError extends Error {}
