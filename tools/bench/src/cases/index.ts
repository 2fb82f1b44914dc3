import type { CaseModule } from '../types.js';
import * as tokenizer from './tokenizer.js';

/** Every benchmark module, one line each; `npm run bench -- <filter>` picks by name. */
export const MODULES: Record<string, CaseModule> = {
  tokenizer,
};
