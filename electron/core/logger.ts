/**
 * The one logger interface. Core modules take a `Logger` as a parameter (injected); they never call
 * `console` directly. The CLI logs to stderr, the worker forwards to its host, tests use `silentLogger`
 * or `memoryLogger` to assert on messages.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface LogRecord {
  level: LogLevel;
  message: string;
  fields: Record<string, unknown> | undefined;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(sink: (record: LogRecord) => void, minLevel: LogLevel = 'info'): Logger {
  const emit = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] >= ORDER[minLevel]) sink({ level, message, fields });
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** Writes one line per record to stderr: `level message {json fields}`. */
export function stderrLogger(minLevel: LogLevel = 'info'): Logger {
  return createLogger((r) => {
    const extra = r.fields === undefined ? '' : ` ${JSON.stringify(r.fields)}`;
    process.stderr.write(`[${r.level}] ${r.message}${extra}\n`);
  }, minLevel);
}

export const silentLogger: Logger = createLogger(() => undefined);

/** Keeps records in memory; for tests that assert on what was logged. */
export function memoryLogger(): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  return Object.assign(createLogger((r) => records.push(r), 'debug'), { records });
}
