export type { BenchCase, CaseModule, CaseResult } from './types.js';
export { runCase } from './run-case.js';
export { median } from './stats.js';
