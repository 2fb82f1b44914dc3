export * from './filters/index.js';
export * from './dedup/index.js';
