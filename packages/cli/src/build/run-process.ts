import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const MTB_BIN = fileURLToPath(new URL('../../bin/mtb.js', import.meta.url));

export interface ProcessResult { code: number; output: string; ms: number }

/** Run a command, collecting its output (shown only on failure or when verbose). */
export function runProcess(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; onLine?: (line: string) => void } = {}): Promise<ProcessResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: string[] = [];
    let partial = '';
    const onData = (buf: Buffer): void => {
      const text = buf.toString('utf8');
      chunks.push(text);
      if (!opts.onLine) return;
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) opts.onLine(l);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => resolve({ code: 127, output: `${cmd}: ${err.message}`, ms: Date.now() - t0 }));
    child.on('close', (code, signal) => {
      if (partial && opts.onLine) opts.onLine(partial);
      resolve({ code: code ?? (signal ? 128 : 1), output: chunks.join(''), ms: Date.now() - t0 });
    });
  });
}

export function runMtb(args: string[], opts: { cwd?: string } = {}): Promise<ProcessResult> {
  return runProcess(process.execPath, [MTB_BIN, '--quiet', ...args], opts);
}
