/**
 * Logs go to stderr so stdout stays clean for machine-readable output
 * (`mtb inspect --json`, piping). Level from MTB_LOG (debug|info|warn|error|silent).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

let level: LogLevel = (process.env.MTB_LOG as LogLevel) in ORDER ? (process.env.MTB_LOG as LogLevel) : 'info';

export function setLogLevel(next: LogLevel): void {
  level = next;
}

export function getLogLevel(): LogLevel {
  return level;
}

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  child(scope: string): Logger;
}

export function createLogger(scope = 'mtb'): Logger {
  const emit = (lvl: LogLevel, msg: string): void => {
    if (ORDER[lvl] < ORDER[level]) return;
    const tag = lvl === 'info' ? '' : `${lvl}: `;
    process.stderr.write(`[${scope}] ${tag}${msg}\n`);
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
    child: (sub) => createLogger(`${scope}:${sub}`),
  };
}
