import type { TargetConfiguration } from '@nx/devkit';

/**
 * The per-book and per-corpus task graph of DESIGN.md section 2, as plain data:
 * one place says which command each target runs, what it reads and what it writes.
 */

const MTB = 'node packages/cli/bin/mtb.js --quiet';
/** tools/nx-plugin's executor (executors.json): runs one `mtb` stage, or a batch of them in one process. */
export const STAGE_EXECUTOR = '@mtb-tools/nx-plugin:stage';

/** Sources whose change must rerun a stage: its package, core, and its CLI command file. */
function codeInputs(pkgs: string[], cliCommand: string): string[] {
  const out: string[] = [];
  for (const p of [...pkgs, 'core']) {
    out.push(`{workspaceRoot}/packages/${p}/src/**/*.ts`, `!{workspaceRoot}/packages/${p}/src/**/*.test.ts`);
  }
  out.push(`{workspaceRoot}/packages/cli/src/commands/${cliCommand}.ts`);
  return out;
}

/** Package dependencies of each stage, so editing an upstream package's reader reruns its readers too. */
const STAGE_PACKAGES = {
  html: ['pdf-html'],
  tokens: ['image-tokens'],
  filter: ['dedup-filter', 'image-tokens'],
  signatures: ['dedup-filter', 'image-tokens'],
  dedup: ['dedup-filter'],
  segments: ['segment', 'shards', 'image-tokens', 'shard-stream'],
  shards: ['split', 'shards'],
} as const;

export interface BookRef {
  corpus: string;
  corpusDir: string; // relative to the workspace root, e.g. datasets/sample
  bookId: string;
  pdfFile: string; // relative, e.g. datasets/sample/pdf/x.pdf
}

export function bookProjectName(corpus: string, bookId: string): string {
  return `${corpus}-${bookId}`;
}

export function bookTargets(b: BookRef): Record<string, TargetConfiguration> {
  const dir = `${b.corpusDir}/build/${b.bookId}`;
  const ws = (p: string): string => `{workspaceRoot}/${p}`;
  const config = ws(`${b.corpusDir}/corpus.json`);
  // Per-book stages run through the batch executor: Nx hands a build's per-book
  // tasks to one process (worker threads that load the CLI once), not one per task.
  const run = (...args: string[]): Pick<TargetConfiguration, 'executor' | 'options'> => ({ executor: STAGE_EXECUTOR, options: { args, corpus: b.corpusDir } });
  const upstream = (files: string): { dependentTasksOutputFiles: string; transitive: boolean } => ({ dependentTasksOutputFiles: files, transitive: false });
  return {
    html: {
      ...run('pdf-html', b.pdfFile, '--out', dir),
      cache: true,
      // books.json: a book's "language" picks its OCR language.
      inputs: [ws(b.pdfFile), config, ws(`${b.corpusDir}/books.json`), ...codeInputs([...STAGE_PACKAGES.html], 'pdf-html'), { externalDependencies: ['pdfjs-dist', 'sharp', '@napi-rs/canvas', 'tesseract.js', '@tesseract.js-data/eng'] }],
      outputs: [ws(`${dir}/book.html`), ws(`${dir}/images`), ws(`${dir}/status/html.json`)],
    },
    tokens: {
      ...run('tokens', dir),
      cache: true,
      dependsOn: ['html'],
      inputs: [config, upstream(`${dir}/**`), ...codeInputs([...STAGE_PACKAGES.tokens], 'tokens'), { externalDependencies: ['node-html-parser', 'apache-arrow', 'llama-tokenizer-js', 'sharp'] }],
      outputs: [ws(`${dir}/nodes.arrow`), ws(`${dir}/status/tokens.json`)],
    },
    filter: {
      ...run('filter', dir),
      cache: true,
      dependsOn: ['tokens'],
      inputs: [config, upstream(`${dir}/**`), ...codeInputs([...STAGE_PACKAGES.filter], 'filter'), { externalDependencies: ['apache-arrow', 'franc-min', 'sharp'] }],
      outputs: [ws(`${dir}/kept.arrow`), ws(`${dir}/drops.json`), ws(`${dir}/status/filter.json`)],
    },
    signatures: {
      ...run('signatures', dir),
      cache: true,
      dependsOn: ['filter'],
      inputs: [config, upstream(`${dir}/**`), ...codeInputs([...STAGE_PACKAGES.signatures], 'signatures'), { externalDependencies: ['apache-arrow', 'hash-wasm', 'sharp'] }],
      outputs: [ws(`${dir}/signatures.arrow`), ws(`${dir}/status/signatures.json`)],
    },
    segments: {
      ...run('segment', dir),
      cache: true,
      // The corpus join decides what of this book is a duplicate; only this book's
      // drop list enters the hash, so an unaffected book stays a cache hit.
      dependsOn: ['filter', { projects: [b.corpus], target: 'dedup' }],
      inputs: [
        config,
        upstream(`${dir}/**`),
        upstream(`${b.corpusDir}/build/_dedup/${b.bookId}.json`),
        ...codeInputs([...STAGE_PACKAGES.segments], 'segment'),
        { externalDependencies: ['apache-arrow', 'llama-tokenizer-js'] },
      ],
      outputs: [ws(`${dir}/segments.arrow`), ws(`${dir}/status/segments.json`)],
    },
  };
}

export function corpusTargets(corpus: string, corpusDir: string, bookProjects: string[]): Record<string, TargetConfiguration> {
  const ws = (p: string): string => `{workspaceRoot}/${p}`;
  const config = ws(`${corpusDir}/corpus.json`);
  const run = (cmd: string): TargetConfiguration['options'] => ({ command: `${MTB} ${cmd}`, cwd: '{workspaceRoot}' });
  return {
    dedup: {
      executor: 'nx:run-commands',
      cache: true,
      dependsOn: [{ projects: bookProjects, target: 'signatures' }],
      options: run(`dedup ${corpusDir}`),
      inputs: [
        config,
        { dependentTasksOutputFiles: `${corpusDir}/build/*/signatures.arrow`, transitive: false },
        { dependentTasksOutputFiles: `${corpusDir}/build/*/status/*.json`, transitive: false },
        ...codeInputs([...STAGE_PACKAGES.dedup], 'dedup'),
        { externalDependencies: ['apache-arrow'] },
      ],
      outputs: [ws(`${corpusDir}/build/_dedup`)],
    },
    shards: {
      executor: 'nx:run-commands',
      cache: true,
      dependsOn: [{ projects: bookProjects, target: 'segments' }],
      options: run(`split ${corpusDir}`),
      inputs: [
        config,
        ws(`${corpusDir}/books.json`),
        { dependentTasksOutputFiles: `${corpusDir}/build/**`, transitive: true },
        ...codeInputs([...STAGE_PACKAGES.shards], 'split'),
        { externalDependencies: ['apache-arrow'] },
      ],
      outputs: [ws(`${corpusDir}/shards`), ws(`${corpusDir}/report/stats.json`)],
    },
    build: {
      executor: 'nx:noop',
      dependsOn: ['shards'],
      outputs: [],
    },
  };
}
