import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { setLogLevel } from '@mtb/core';
import { readNodes } from '@mtb/image-tokens';
import { registerTokens } from './tokens.js';
import { registerFilter } from './filter.js';

function program(): Command {
  const p = new Command().exitOverride();
  registerTokens(p);
  registerFilter(p);
  for (const c of p.commands) c.exitOverride();
  return p;
}

describe('mtb tokens / mtb filter', () => {
  let corpus: string;
  beforeAll(() => setLogLevel('silent'));
  beforeEach(() => { corpus = mkdtempSync(join(tmpdir(), 'cli-tf-')); });
  afterEach(() => rmSync(corpus, { recursive: true, force: true }));

  it('run the two stages on a book folder: nodes.arrow, then kept.arrow and drops.json', async () => {
    const dir = join(corpus, 'build', 'urology');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'book.html'), `<article data-book="urology"><section data-page="1"><p data-role="header">Urology</p>
      <p>The bladder neck and the prostatic urethra are surrounded by the internal urethral sphincter in men.</p></section></article>`);
    await program().parseAsync(['node', 'mtb', 'tokens', dir]);
    expect(readNodes(join(dir, 'nodes.arrow')).map((n) => n.role)).toEqual(['header', 'body']);
    await program().parseAsync(['node', 'mtb', 'filter', dir]);
    expect(readNodes(join(dir, 'kept.arrow')).map((n) => n.seq)).toEqual([1]);
    expect(JSON.parse(readFileSync(join(dir, 'drops.json'), 'utf8'))).toEqual({ bookId: 'urology', drops: [{ seq: 0, reason: 'furniture-header' }], counts: { 'furniture-header': 1 } });
  });

  it('describe their argument in --help and refuse a missing argument', async () => {
    const p = program();
    for (const c of p.commands) c.configureOutput({ writeErr: () => undefined });
    const help = (name: string) => { const c = p.commands.find((x) => x.name() === name)!; let out = ''; c.configureOutput({ writeOut: (s) => { out += s; } }); c.outputHelp(); return out; };
    expect(help('filter')).toMatch(/<bookBuildDir>[\s\S]*kept\.arrow/);
    expect(help('tokens')).toMatch(/<bookBuildDir>[\s\S]*nodes\.arrow/);
    await expect(p.parseAsync(['node', 'mtb', 'tokens'])).rejects.toMatchObject({ code: 'commander.missingArgument' });
  });
});
