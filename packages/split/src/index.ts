export { runSplit, type SplitOptions } from './run-split.js';
export { assignSplit, type SplitName } from './assign.js';
export { planSplit, MIN_SEGMENTS_FOR_EVAL, type SplitPlan, type SplitUnit } from './split-plan.js';
export { formatSummary, type CorpusStats, type BookTextStats } from './stats.js';
export { histogram, type Histogram } from './histogram.js';
