/**
 * Structured JSON logger. Log only ids, counts, codes and durations:
 * never a citizen's name, free text or health data (see README "Privacy").
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | undefined | null>;

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A logger writes one JSON object per line. */
export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** Creates a logger writing to the given sink (stdout by default). */
export function createLogger(
  minLevel: LogLevel = 'info',
  base: LogFields = {},
  sink: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): Logger {
  const write = (level: LogLevel, event: string, fields?: LogFields): void => {
    if (order[level] < order[minLevel]) return;
    sink(JSON.stringify({ time: new Date().toISOString(), level, event, ...base, ...fields }));
  };
  return {
    debug: (e, f) => write('debug', e, f),
    info: (e, f) => write('info', e, f),
    warn: (e, f) => write('warn', e, f),
    error: (e, f) => write('error', e, f),
    child: (fields) => createLogger(minLevel, { ...base, ...fields }, sink),
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = createLogger('error', {}, () => undefined);

/** Reduces an unknown error to a loggable code and message without payload data. */
export function errorFields(err: unknown): LogFields {
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    return { errorName: err.name, errorCode: typeof code === 'string' || typeof code === 'number' ? code : undefined };
  }
  return { errorName: typeof err };
}
