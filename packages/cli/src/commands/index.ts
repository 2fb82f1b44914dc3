import type { Command } from 'commander';
import { registerConfig } from './config.js';
import { registerPdfHtml } from './pdf-html.js';
import { registerTokens } from './tokens.js';
import { registerFilter } from './filter.js';
import { registerSignatures } from './signatures.js';
import { registerDedup } from './dedup.js';
import { registerBuild } from './build.js';
import { registerView } from './view.js';
import { registerStream } from './stream.js';
import { registerPmcOa } from './pmc-oa.js';
import { registerSegment } from './segment.js';
import { registerSplit } from './split.js';
import { registerInspect } from './inspect.js';
import { registerValidate } from './validate.js';

/**
 * Every subcommand registers itself here, one line each, in the order `--help`
 * lists them.
 */
export function registerCommands(program: Command): void {
  registerBuild(program);
  registerView(program);
  registerPdfHtml(program);
  registerTokens(program);
  registerFilter(program);
  registerSignatures(program);
  registerDedup(program);
  registerStream(program);
  registerPmcOa(program);
  registerConfig(program);
  registerSegment(program);
  registerSplit(program);
  registerInspect(program);
  registerValidate(program);
}
