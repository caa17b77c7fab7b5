// Progress and diagnostics, always on stderr so stdout stays the data. On a terminal: one live line
// (accounts with a session, AWS calls, errors, rows) redrawn in place. Otherwise: one structured JSON
// log line per phase (see log.ts), which a nightly job's log keeps. --quiet keeps only errors;
// --verbose adds debug lines (each page of an export, the gateway's own logs).
import type { Writable } from 'node:stream';
import type { Logger, LogLevel } from '../log.js';
import { createLogger } from '../log.js';

export type Verbosity = 'quiet' | 'normal' | 'verbose';

export interface ProgressCounts {
  accounts: number;
  calls: number;
  errors: number;
  rows: number;
}

export interface Reporter {
  /** Structured lines (also given to the gateway). */
  readonly logger: Logger;
  /** A phase began or ended: a log line (or, on a terminal, a short human line when verbose). */
  phase(msg: string, fields?: Record<string, unknown>): void;
  /** Redraws the live line from `counts` until the returned function is called (terminal only). */
  live(counts: () => ProgressCounts): () => void;
}

export interface ReporterOptions {
  verbosity: Verbosity;
  stream?: Writable & { isTTY?: boolean };
  clock?: () => number;
  /** Redraw interval of the live line. */
  intervalMs?: number;
}

export function createReporter(options: ReporterOptions): Reporter {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const level: LogLevel =
    options.verbosity === 'quiet'
      ? 'error'
      : options.verbosity === 'verbose'
        ? 'debug'
        : tty
          ? 'warn'
          : 'info';
  const logger = createLogger({
    level,
    sink: (line) => {
      clearLine();
      stream.write(line + '\n');
    },
    ...(options.clock ? { clock: options.clock } : {}),
    fields: { component: 'orgraph-cli' },
  });
  let drawn = false;
  function clearLine(): void {
    if (drawn) {
      stream.write('\r\x1b[K');
      drawn = false;
    }
  }
  return {
    logger,
    phase(msg, fields) {
      if (tty) {
        if (options.verbosity === 'verbose') {
          clearLine();
          stream.write(`orgraph: ${msg}${fields ? ' ' + JSON.stringify(fields) : ''}\n`);
        }
      } else logger.info(msg, fields);
    },
    live(counts) {
      if (!tty || options.verbosity === 'quiet') return () => {};
      const draw = () => {
        const c = counts();
        stream.write(
          `\r\x1b[Korgraph: ${c.accounts} accounts · ${c.calls} AWS calls · ${c.errors} errors · ${c.rows} rows`,
        );
        drawn = true;
      };
      const timer = setInterval(draw, options.intervalMs ?? 200);
      timer.unref();
      return () => {
        clearInterval(timer);
        clearLine();
      };
    },
  };
}
