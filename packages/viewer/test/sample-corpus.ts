import { SAMPLE, SAMPLE_OUTPUTS, sampleIsBuilt } from '../../../jest.global-setup.js';

export { REPO, SAMPLE } from '../../../jest.global-setup.js';

/**
 * The built sample corpus, for tests that read it. Jest's global setup
 * (jest.global-setup.ts) builds it once before any test file runs, for every
 * run that selects a file calling this. A test that needs a corpus in another
 * state builds its own copy in a temp folder.
 */
export function builtSample(): string {
  if (!sampleIsBuilt()) {
    throw new Error(`${SAMPLE} is not built (${SAMPLE_OUTPUTS.join(', ')}): run the tests through \`npm test\` or \`npm run jest\` (their global setup builds it), or \`npm start\` first`);
  }
  return SAMPLE;
}
