import cliProgress from 'cli-progress';

export interface Progress {
  increment(n?: number, payload?: Record<string, unknown>): void;
  setTotal(total: number): void;
  stop(): void;
}

let quietAll = false;
/** `--quiet` anywhere turns every progress bar off. */
export function setQuiet(q: boolean): void {
  quietAll = q;
}

/**
 * A progress bar on stderr with rate and ETA; silent when stderr is not a TTY
 * (CI logs, pipes) or in quiet mode, so logs never fill with redraws.
 */
export function createProgress(label: string, total: number, unit = 'items', opts: { quiet?: boolean } = {}): Progress {
  const quiet = opts.quiet ?? (quietAll || !process.stderr.isTTY);
  if (quiet) {
    return { increment: () => undefined, setTotal: () => undefined, stop: () => undefined };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} ${unit} | {rate}/s | eta {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const start = Date.now();
  let value = 0;
  bar.start(total, 0, { rate: '0' });
  return {
    increment(n = 1, payload = {}) {
      value += n;
      const secs = (Date.now() - start) / 1000;
      bar.increment(n, { rate: secs > 0 ? (value / secs).toFixed(1) : '0', ...payload });
    },
    setTotal: (t) => bar.setTotal(t),
    stop: () => bar.stop(),
  };
}
