import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { inferProjects } from './index.js';
import { STAGE_EXECUTOR } from './targets.js';

const ROOT = resolve(import.meta.dirname ?? '.', '..', '..', '..');

describe('nx plugin: inferred projects', () => {
  const projects = inferProjects(['datasets/demo/pdf/Book One.pdf', 'datasets/demo/pdf/b2.pdf', 'datasets/other/pdf/x.pdf']);
  const byName = new Map(Object.values(projects).map((p) => [p.name!, p]));

  it('makes one project per book and one per corpus', () => {
    expect([...byName.keys()].sort()).toEqual(['demo', 'demo-b2', 'demo-book-one', 'other', 'other-x']);
    expect(Object.keys(byName.get('demo-book-one')!.targets!)).toEqual(['html', 'tokens', 'filter', 'signatures', 'segments']);
    expect(Object.keys(byName.get('demo')!.targets!)).toEqual(['dedup', 'shards', 'build']);
  });

  it("gives each book's html target only its own PDF", () => {
    const inputs = JSON.stringify(byName.get('demo-b2')!.targets!.html!.inputs);
    expect(inputs).toContain('datasets/demo/pdf/b2.pdf');
    expect(inputs).not.toContain('Book One.pdf');
    expect(inputs).toContain('datasets/demo/corpus.json');
    expect(inputs).toContain('packages/pdf-html/src/**/*.ts');
  });

  it("hashes only the book's own drop list in segments", () => {
    const seg = byName.get('demo-b2')!.targets!.segments!;
    expect(JSON.stringify(seg.inputs)).toContain('datasets/demo/build/_dedup/b2.json');
    expect(JSON.stringify(seg.inputs)).not.toContain('_dedup/book-one.json');
    expect(seg.dependsOn).toContainEqual({ projects: ['demo'], target: 'dedup' });
  });

  it('makes the corpus join depend on exactly its own books', () => {
    const dedup = byName.get('demo')!.targets!.dedup!;
    expect(dedup.dependsOn).toEqual([{ projects: ['demo-b2', 'demo-book-one'], target: 'signatures' }]);
    const shards = byName.get('other')!.targets!.shards!;
    expect(shards.dependsOn).toEqual([{ projects: ['other-x'], target: 'segments' }]);
  });

  it('runs per-book stages through the batch executor, with the file name as one argument', () => {
    const html = byName.get('demo-book-one')!.targets!.html!;
    expect(html.executor).toBe(STAGE_EXECUTOR);
    expect(html.options).toEqual({ args: ['pdf-html', 'datasets/demo/pdf/Book One.pdf', '--out', 'datasets/demo/build/book-one'], corpus: 'datasets/demo' });
    expect(byName.get('demo')!.targets!.dedup!.executor).toBe('nx:run-commands');
  });

  it('registers an executor that Nx resolves, with a batch implementation it prefers', () => {
    // The same lookup Nx's task runner does: package.json "executors" -> executors.json -> the files.
    const { getExecutorInformation } = createRequire(import.meta.url)('nx/src/command-line/run/executor-utils') as {
      getExecutorInformation: (pkg: string, name: string, root: string, projects: object) => { batchImplementationFactory: unknown; preferBatch?: boolean; schema: { properties: object } };
    };
    const [pkg, name] = STAGE_EXECUTOR.split(':') as [string, string];
    const info = getExecutorInformation(pkg, name, ROOT, {});
    expect(typeof info.batchImplementationFactory).toBe('function');
    expect(info.preferBatch).toBe(true);
    expect(Object.keys(info.schema.properties).sort()).toEqual(['args', 'corpus']);
  });
});
