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

/**
 * Reduces an unknown error to loggable fields: its name, code and where it was
 * thrown (file:line of the first frames). Never the message: messages can
 * carry payload data (a name in a validation error, a card's text).
 */
export function errorFields(err: unknown): LogFields {
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    const at = (err.stack ?? '')
      .split('\n')
      .slice(1, 4)
      .map((l) => /\(?([^\s()]+):(\d+):\d+\)?\s*$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => `${m[1]!.replace(/^.*\/(src|node_modules)\//, '$1/')}:${m[2]}`)
      .join(' < ');
    return { errorName: err.name, errorCode: typeof code === 'string' || typeof code === 'number' ? code : undefined, errorAt: at || undefined };
  }
  return { errorName: typeof err };
}
