// glibc gives each thread that allocates a malloc arena of its own (up to 8 per core), and the
// threads of libvips (sharp), Skia (@napi-rs/canvas) and tesseract.js leave freed pixel memory
// behind in theirs. On the layout corpus joined into one 377-page book, pdf-html's peak RSS was
// 893-1,056 MB with the default arenas and 730-762 MB with two, in no more time. The variable is
// read when a process starts, so mtb sets it by running itself again; the stages it starts (worker
// threads, child processes, Nx tasks) inherit it. A value already set is left as it is.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export const MALLOC_ARENAS = '2';

/** The environment to run mtb again with, or undefined when this process goes on as it is. */
export function relaunchEnv(env, platform) {
  if (platform !== 'linux' || env.MALLOC_ARENA_MAX !== undefined) return undefined;
  return { ...env, MALLOC_ARENA_MAX: MALLOC_ARENAS };
}

/**
 * Runs this same command in a child with `env` and resolves to the exit code to leave with. Ctrl-C
 * reaches the child through the terminal's process group; a signal sent to this process alone
 * (SIGTERM from a scheduler, SIGHUP) is passed on. A child killed by a signal is reported as the
 * shell reports it (128 + the signal's number).
 */
export function relaunch(env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env });
    process.on('SIGINT', () => {});
    for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
    child.on('error', (err) => {
      process.stderr.write(`mtb: could not start itself again with MALLOC_ARENA_MAX set (${err.message}); set MALLOC_ARENA_MAX=${MALLOC_ARENAS} yourself\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1)));
  });
}
