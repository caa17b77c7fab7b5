// Progress on stderr: a live line redrawn in place on a terminal, structured JSON lines otherwise,
// and what --quiet and --verbose keep.
import { describe, expect, it, vi } from 'vitest';
import { Writable } from 'node:stream';
import { createReporter } from '../../src/cli/progress.js';

function sink(isTTY: boolean): Writable & { isTTY: boolean; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  }) as Writable & { isTTY: boolean; text: () => string };
  stream.isTTY = isTTY;
  stream.text = () => chunks.join('');
  return stream;
}

const clock = () => Date.UTC(2026, 0, 2, 3, 4, 5);

describe('progress reporter', () => {
  it('writes one JSON line per phase when stderr is not a terminal', () => {
    const stream = sink(false);
    const r = createReporter({ verbosity: 'normal', stream, clock });
    r.phase('query finished', { rows: 3 });
    r.logger.debug('page written');
    expect(r.live(() => ({ accounts: 1, calls: 2, errors: 0, rows: 3 }))).toBeTypeOf('function');
    expect(
      stream
        .text()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      {
        time: '2026-01-02T03:04:05.000Z',
        level: 'info',
        msg: 'query finished',
        component: 'orgraph-cli',
        rows: 3,
      },
    ]);
  });

  it('redraws a live line on a terminal and clears it before a log line', () => {
    vi.useFakeTimers();
    try {
      const stream = sink(true);
      const r = createReporter({ verbosity: 'normal', stream, clock, intervalMs: 100 });
      let rows = 0;
      const stop = r.live(() => ({ accounts: 2, calls: 7, errors: 1, rows }));
      vi.advanceTimersByTime(100);
      rows = 40;
      vi.advanceTimersByTime(100);
      r.logger.error('boom', { code: 'ACCESS_DENIED' });
      stop();
      const text = stream.text();
      expect(text).toContain('\r\x1b[Korgraph: 2 accounts · 7 AWS calls · 1 errors · 0 rows');
      expect(text).toContain('\r\x1b[Korgraph: 2 accounts · 7 AWS calls · 1 errors · 40 rows');
      expect(text).toContain('40 rows\r\x1b[K{"time"');
      r.phase('not shown on a terminal unless verbose');
      expect(stream.text()).not.toContain('not shown');
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps only errors with --quiet and adds debug lines with --verbose', () => {
    const quiet = sink(false);
    const q = createReporter({ verbosity: 'quiet', stream: quiet, clock });
    q.phase('phase');
    q.logger.warn('warned');
    q.logger.error('failed');
    expect(
      quiet
        .text()
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { msg: string }).msg),
    ).toEqual(['failed']);
    const verbose = sink(false);
    const v = createReporter({ verbosity: 'verbose', stream: verbose, clock });
    v.logger.debug('page written');
    expect(verbose.text()).toContain('"msg":"page written"');
  });
});
