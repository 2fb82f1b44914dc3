import type { Command } from 'commander';
import { registerConfig } from './config.js';
import { registerBuild } from './build.js';
import { registerView } from './view.js';

/**
 * Every subcommand registers itself here, one line each, in the order `--help`
 * lists them.
 */
export function registerCommands(program: Command): void {
  registerBuild(program);
  registerView(program);
  registerConfig(program);
}
