import type { CaseModule } from '../types.js';
import * as selfCheck from './self-check.js';

/** Every benchmark module, one line each; `npm run bench -- <filter>` picks by name. */
export const MODULES: Record<string, CaseModule> = {
  'self-check': selfCheck,
};
