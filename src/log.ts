// A tiny structured logger: one JSON object per line, written to a sink (stderr by default), with
// levels and child loggers. Every line passes through `redact` first, so a secret that slips into a
// field or a message (a secret key, a session token, a PEM block, a passphrase) never reaches the sink.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;
export type LogSink = (line: string) => void;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
  isLevelEnabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  /** Lines below this level are dropped. Default 'info'. */
  level?: LogLevel;
  /** Receives each finished line (without a trailing newline). Default: process.stderr. */
  sink?: LogSink;
  /** Epoch ms for the `time` field; injectable for tests. */
  clock?: () => number;
  /** Fields on every line. */
  fields?: LogFields;
}

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = SEVERITY[options.level ?? 'info'];
  const sink: LogSink = options.sink ?? ((line) => process.stderr.write(line + '\n'));
  const clock = options.clock ?? Date.now;
  return makeLogger(options.fields ?? {});

  function makeLogger(base: LogFields): Logger {
    const write = (level: LogLevel, msg: string, fields?: LogFields): void => {
      if (SEVERITY[level] < threshold) return;
      const record = { time: new Date(clock()).toISOString(), level, msg, ...base, ...fields };
      let line: string;
      try {
        line = JSON.stringify(redact(record));
      } catch {
        line = JSON.stringify({
          time: record.time,
          level,
          msg: redactText(msg),
          logError: 'fields could not be serialized',
        });
      }
      sink(line);
    };
    return {
      debug: (msg, fields) => write('debug', msg, fields),
      info: (msg, fields) => write('info', msg, fields),
      warn: (msg, fields) => write('warn', msg, fields),
      error: (msg, fields) => write('error', msg, fields),
      child: (fields) => makeLogger({ ...base, ...fields }),
      isLevelEnabled: (level) => SEVERITY[level] >= threshold,
    };
  }
}

/** Drops everything; the default where no logger is given. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
  isLevelEnabled: () => false,
};

export const REDACTED = '[REDACTED]';

// Field names whose values are secrets whatever they look like. Pagination tokens are not secrets.
const SECRET_KEY =
  /secret|passw(or)?d|passphrase|private[_-]?key|session[_-]?token|security[_-]?token|access[_-]?token|refresh[_-]?token|^token$|authorization|^signature$|^credentials?$|^cookie$/i;
const HARMLESS_KEY = /^next_?token$|^accessKeyId$|^access_key_id$/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !HARMLESS_KEY.test(key);
}

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g;
// Session tokens and other long opaque blobs (AWS session tokens are several hundred base64 chars).
// (also percent-encoded, as in a query string: %2B, %2F, %3D).
const LONG_BLOB = /(?:[A-Za-z0-9+/]|%[0-9A-Fa-f]{2}){100,}(?:=|%3D){0,2}/g;
// AWS secret access keys: exactly 40 base64 characters standing alone.
const FORTY_CHARS = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g;
// `name=value` / `name: value` pairs whose name says secret, whatever the value looks like.
const SECRET_PAIR =
  /(?<![A-Za-z])(secret[\w-]*|(?:session|security)[_-]?token|password|passphrase|signature|credentials?)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&"']+)/gi;
const SIGV4_SIGNATURE = /(Signature=)[0-9a-f]{64}/g;

/** Replaces secret-looking substrings of free text (PEM blocks, tokens, secret keys, signatures). */
export function redactText(text: string): string {
  return text
    .replace(PEM_BLOCK, '[REDACTED PEM]')
    .replace(SECRET_PAIR, `$1$2${REDACTED}`)
    .replace(LONG_BLOB, REDACTED)
    .replace(FORTY_CHARS, (m) => (looksRandom(m) ? REDACTED : m))
    .replace(SIGV4_SIGNATURE, `$1${REDACTED}`);
}

// A 40-character run is a secret key when it mixes cases or carries base64 punctuation — a hex
// digest or an all-caps identifier of the same length is left alone.
function looksRandom(s: string): boolean {
  return (/[a-z]/.test(s) && /[A-Z]/.test(s)) || /[+/]/.test(s);
}

/**
 * A copy of `value` safe to log: secret-named fields replaced, free text scrubbed, errors reduced to
 * their name, message and AWS code (an error's other properties may hold request data).
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[…]';
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'bigint' ? value.toString() : value;
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) return redactError(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = isSecretKey(key) && v !== undefined && v !== null ? REDACTED : redact(v, depth + 1);
  }
  return out;
}

function redactError(err: Error): Record<string, unknown> {
  const e = err as Error & { code?: unknown; awsErrorCode?: unknown; accountId?: unknown; roleArn?: unknown };
  const out: Record<string, unknown> = { name: err.name, message: redactText(err.message) };
  for (const key of ['code', 'awsErrorCode', 'accountId', 'roleArn'] as const) {
    if (typeof e[key] === 'string') out[key] = redactText(e[key]);
  }
  return out;
}
