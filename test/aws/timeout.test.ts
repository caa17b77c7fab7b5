// untilCancelled: the caller stops waiting when its signal aborts, while the work goes on — and a
// failure of that work afterwards is nobody's to report (no unhandled rejection), even when the
// signal had already aborted before the wait began.
import { describe, expect, it } from 'vitest';
import { CallCancelledError, untilCancelled } from '../../src/aws/timeout.js';

/** The process's unhandled rejections while `run` and a few turns of the event loop after it. */
async function unhandledDuring(run: () => Promise<void>): Promise<unknown[]> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    await run();
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  return unhandled;
}

function failingLater(): { promise: Promise<never>; fail: () => void } {
  let fail!: () => void;
  const promise = new Promise<never>((_resolve, reject) => {
    fail = () => reject(new Error('the check failed'));
  });
  return { promise, fail };
}

describe('untilCancelled', () => {
  it('with a signal already aborted: the cancellation at once, and the work failing later is not unhandled', async () => {
    const work = failingLater();
    const controller = new AbortController();
    controller.abort(new Error('interrupted by SIGINT'));
    let cancelled: unknown;
    const unhandled = await unhandledDuring(async () => {
      cancelled = await untilCancelled(work.promise, controller.signal).catch((e: unknown) => e);
      work.fail();
    });
    expect(cancelled).toBeInstanceOf(CallCancelledError);
    expect(unhandled).toEqual([]);
  });

  it('aborted while waiting: the cancellation, and the work failing later is not unhandled', async () => {
    const work = failingLater();
    const controller = new AbortController();
    let cancelled: unknown;
    const unhandled = await unhandledDuring(async () => {
      const waiting = untilCancelled(work.promise, controller.signal).catch((e: unknown) => e);
      controller.abort(new Error('interrupted by SIGINT'));
      cancelled = await waiting;
      work.fail();
    });
    expect(cancelled).toBeInstanceOf(CallCancelledError);
    expect(unhandled).toEqual([]);
  });

  it('not aborted: the work’s own answer or failure', async () => {
    const controller = new AbortController();
    await expect(untilCancelled(Promise.resolve(7), controller.signal)).resolves.toBe(7);
    await expect(untilCancelled(Promise.reject(new Error('no')), controller.signal)).rejects.toThrow('no');
  });
});
