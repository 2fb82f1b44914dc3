'use strict';
// Entry of the `@mtb-tools/nx-plugin:stage` executor. Nx loads executors with
// require(); the stages are TypeScript modules run through tsx, as bin/mtb.js
// runs them, so this file only registers tsx and hands over to run-stages.ts.
let implementation;
function load() {
  implementation ??= (async () => {
    const { register } = await import('tsx/esm/api');
    register();
    return import('./run-stages.ts');
  })();
  return implementation;
}

/** One task (Nx without batching). */
module.exports = async function stage(options, context) {
  return (await load()).runStage(options, context);
};

/** Nx's batch implementation: many tasks, one process. */
module.exports.batch = async function* stageBatch(taskGraph, inputs, overrides, context) {
  yield* (await load()).runStageBatch(taskGraph, inputs, overrides, context);
};
