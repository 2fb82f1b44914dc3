import { Command } from 'commander';
import { buildProgram } from './main.js';
import { COMMAND_NAMES } from './commands/index.js';
import { GENERAL_EXIT_CODES, addExitCodesHelp, exitCodes, formatExitCodes } from './exit-codes.js';

function helpOf(cmd: Command): string {
  const out: string[] = [];
  cmd.configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => out.push(s) });
  cmd.outputHelp();
  return out.join('');
}

/** The exit-code block at the end of a help text. */
function exitBlock(help: string): string {
  const i = help.lastIndexOf('\nExit codes:\n');
  expect(i).toBeGreaterThan(0);
  return help.slice(i);
}

describe('exit codes in --help', () => {
  let program: Command;
  beforeAll(async () => {
    program = await buildProgram();
  });

  it('end every subcommand\'s help, with a line for 0, 1 and 2', () => {
    expect(program.commands.map((c) => c.name()).sort()).toEqual([...COMMAND_NAMES].sort());
    for (const cmd of program.commands) {
      const block = exitBlock(helpOf(cmd));
      expect(helpOf(cmd).trimEnd().endsWith(block.trimEnd())).toBe(true);
      for (const code of [0, 1, 2]) expect([cmd.name(), block]).toEqual([cmd.name(), expect.stringContaining(`\n  ${code}  `)]);
    }
  });

  it('say what is true of each command: only build speaks of failed books and --strict', () => {
    const block = (name: string): string => exitBlock(helpOf(program.commands.find((c) => c.name() === name)!));
    expect(block('build')).toContain('--strict');
    expect(block('build')).toContain('build/.lock');
    for (const name of COMMAND_NAMES.filter((n) => n !== 'build')) expect([name, block(name)]).toEqual([name, expect.not.stringContaining('--strict')]);
    expect(block('validate')).toContain('1  a check failed');
    expect(block('inspect')).toContain('sha256');
    expect(block('view')).toContain('-p 0');
    expect(block('pdf-html')).toContain('recorded as failed');
  });

  it('gives a command that declares nothing the general meanings, and subcommands their parent\'s', () => {
    const root = new Command('x');
    const plain = root.command('plain');
    const parent = exitCodes(root.command('parent'), { 1: 'the parent failed' });
    const child = parent.command('child');
    const own = exitCodes(parent.command('own'), { 2: 'own usage' });
    for (const c of root.commands) addExitCodesHelp(c);
    expect(exitBlock(helpOf(plain)).trimEnd()).toBe(formatExitCodes({}));
    expect(exitBlock(helpOf(plain))).toContain(`1  ${GENERAL_EXIT_CODES[1]}`);
    expect(exitBlock(helpOf(child))).toContain('1  the parent failed');
    expect(exitBlock(helpOf(own))).toContain('2  own usage');
    expect(exitBlock(helpOf(own))).toContain(`1  ${GENERAL_EXIT_CODES[1]}`);
  });
});
