export { buildProgram, main } from './main.js';
export { EXIT } from './exit-codes.js';
export { runMtb, type ProcessResult, type TaskLimits } from './build/run-process.js';
export { StagePool } from './build/worker-pool.js';
export { bookTaskLimits } from './build/direct.js';
