export { runSplit, type SplitOptions } from './run-split.js';
export { assignSplit, type SplitName } from './assign.js';
export { formatSummary, type CorpusStats } from './stats.js';
export { histogram, type Histogram } from './histogram.js';
