import { describe, expect, it } from 'vitest';
import { FairLimiter, IDLE_RESET_MS, INITIAL_SPACING_MS } from '../../src/aws/limiter.js';
import type { Permit } from '../../src/aws/limiter.js';
import { CallCancelledError } from '../../src/aws/timeout.js';
import { manualClock } from '../helpers/clock.js';

/** Lets queued promise callbacks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Starts an acquire and records when (in which order) it was granted. */
function track(
  limiter: FairLimiter,
  lane: string,
  gate: string,
  granted: string[],
  label: string,
  signal?: AbortSignal,
) {
  const state: { permit?: Permit; error?: unknown } = {};
  limiter.acquire(lane, gate, signal).then(
    (permit) => {
      state.permit = permit;
      granted.push(label);
    },
    (err: unknown) => {
      state.error = err;
    },
  );
  return state;
}

describe('FairLimiter', () => {
  it('never has more than the global limit in flight, nor more than the lane limit per lane', async () => {
    const limiter = new FairLimiter({ globalLimit: 3, perLaneLimit: 2 });
    const granted: string[] = [];
    const calls = [
      ...Array.from({ length: 4 }, (_, i) => track(limiter, 'a', 'a|op', granted, `a${i}`)),
      ...Array.from({ length: 4 }, (_, i) => track(limiter, 'b', 'b|op', granted, `b${i}`)),
    ];
    await settle();
    expect(granted).toHaveLength(3);
    expect(granted.filter((g) => g.startsWith('a')).length).toBeLessThanOrEqual(2);
    expect(limiter.stats()).toMatchObject({ inFlight: 3, queued: 5 });
    while (granted.length < 8) {
      const running = calls.filter((c) => c.permit && !(c as { done?: boolean }).done);
      const first = running[0];
      if (!first?.permit) throw new Error('nothing running');
      (first as { done?: boolean }).done = true;
      first.permit.release();
      await settle();
      expect(limiter.stats().inFlight).toBeLessThanOrEqual(3);
    }
    expect(limiter.stats().peakInFlight).toBe(3);
  });

  it('serves lanes round-robin, so a lane with many queued calls does not starve the others', async () => {
    const limiter = new FairLimiter({ globalLimit: 1, perLaneLimit: 4 });
    const granted: string[] = [];
    const blocker = track(limiter, 'big', 'big|op', granted, 'big-first');
    await settle();
    const calls = [
      ...Array.from({ length: 5 }, (_, i) => track(limiter, 'big', 'big|op', granted, `big${i}`)),
      track(limiter, 'small1', 'small1|op', granted, 'small1'),
      track(limiter, 'small2', 'small2|op', granted, 'small2'),
    ];
    await settle();
    blocker.permit?.release();
    for (let i = 0; i < 7; i++) {
      await settle();
      const running = calls.find((c) => c.permit && !(c as { done?: boolean }).done);
      if (!running?.permit) break;
      (running as { done?: boolean }).done = true;
      running.permit.release();
    }
    await settle();
    expect(granted).toEqual(['big-first', 'big0', 'small1', 'small2', 'big1', 'big2', 'big3', 'big4']);
  });

  it('rejects a queued call whose signal aborts, without ever granting it', async () => {
    const limiter = new FairLimiter({ globalLimit: 1, perLaneLimit: 1 });
    const granted: string[] = [];
    const first = track(limiter, 'a', 'a|op', granted, 'first');
    const controller = new AbortController();
    const queued = track(limiter, 'a', 'a|op', granted, 'queued', controller.signal);
    const after = track(limiter, 'a', 'a|op', granted, 'after');
    await settle();
    controller.abort(new Error('client went away'));
    await settle();
    expect(queued.error).toBeInstanceOf(CallCancelledError);
    expect((queued.error as Error).message).toContain('client went away');
    expect(limiter.stats().queued).toBe(1);
    first.permit?.release();
    await settle();
    expect(granted).toEqual(['first', 'after']);
    expect(after.permit).toBeDefined();
  });

  it('rejects at once when the signal is already aborted', async () => {
    const limiter = new FairLimiter({ globalLimit: 1, perLaneLimit: 1 });
    await expect(limiter.acquire('a', 'a|op', AbortSignal.abort())).rejects.toBeInstanceOf(
      CallCancelledError,
    );
    expect(limiter.stats()).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('halves a throttled gate, holds its calls behind it, and grows it back after successes', async () => {
    const limiter = new FairLimiter({ globalLimit: 10, perLaneLimit: 4, recoverAfter: 2 });
    limiter.throttled('t|DescribeInstances');
    expect(limiter.gateLimit('t|DescribeInstances')).toBe(2);
    limiter.throttled('t|DescribeInstances');
    limiter.throttled('t|DescribeInstances');
    expect(limiter.gateLimit('t|DescribeInstances')).toBe(1);

    const granted: string[] = [];
    const a = track(limiter, 't', 't|DescribeInstances', granted, 'a');
    const b = track(limiter, 't', 't|DescribeInstances', granted, 'b');
    const other = track(limiter, 't', 't|DescribeVpcs', granted, 'vpcs');
    await settle();
    // Only one DescribeInstances at a time; another API of the same lane is not held back.
    expect(granted).toEqual(['a', 'vpcs']);

    // A backing-off call gives its slot back but keeps the gate: b still waits.
    a.permit?.suspend();
    await settle();
    expect(granted).toEqual(['a', 'vpcs']);
    expect(limiter.stats().inFlight).toBe(1);
    await a.permit?.resume();
    expect(limiter.stats().inFlight).toBe(2);

    limiter.succeeded('t|DescribeInstances');
    limiter.succeeded('t|DescribeInstances');
    expect(limiter.gateLimit('t|DescribeInstances')).toBe(2);
    await settle();
    expect(granted).toEqual(['a', 'vpcs', 'b']);
    for (const s of [a, b, other]) s.permit?.release();
    expect(limiter.stats()).toMatchObject({ inFlight: 0, queued: 0, slowedGates: 1 });
  });

  it('paces a throttled gate in time: each call reserves a start at least the spacing after the last', () => {
    const clock = manualClock(1_000_000);
    const limiter = new FairLimiter({ globalLimit: 10, perLaneLimit: 4, clock });
    expect(limiter.reserve('o|*')).toBe(0); // never throttled: no pacing
    limiter.throttled('o|*');
    const s = INITIAL_SPACING_MS;
    expect([limiter.reserve('o|*'), limiter.reserve('o|*'), limiter.reserve('o|*')]).toEqual([0, s, 2 * s]);
    clock.advance(10 * s);
    expect(limiter.reserve('o|*')).toBe(0);
    limiter.throttled('o|*');
    expect(limiter.gateSpacing('o|*')).toBe(2 * s);
    expect(limiter.stats().slowedGates).toBe(1);
  });

  it('reacts once to the answers of calls sent before its last cut', () => {
    const clock = manualClock(1_000_000);
    const limiter = new FairLimiter({ globalLimit: 10, perLaneLimit: 8, clock });
    const sentBefore = clock();
    clock.advance(10);
    limiter.throttled('g', sentBefore);
    clock.advance(10);
    // Three more answers of the same burst, sent before the cut: no further cut.
    for (let i = 0; i < 3; i++) limiter.throttled('g', sentBefore);
    expect([limiter.gateLimit('g'), limiter.gateSpacing('g')]).toEqual([4, INITIAL_SPACING_MS]);
    // A call sent after the cut and still throttled: the gate slows down again.
    limiter.throttled('g', clock());
    expect([limiter.gateLimit('g'), limiter.gateSpacing('g')]).toEqual([2, 2 * INITIAL_SPACING_MS]);
  });

  it('recovers a throttled gate after successes and then forgets it', async () => {
    const clock = manualClock(1_000_000);
    const limiter = new FairLimiter({ globalLimit: 10, perLaneLimit: 2, recoverAfter: 1, clock });
    limiter.throttled('t|op');
    expect([limiter.gateLimit('t|op'), limiter.gateSpacing('t|op')]).toEqual([1, INITIAL_SPACING_MS]);
    const permit = await limiter.acquire('t', 't|op');
    const spacings: number[] = [];
    for (let i = 0; i < 10 && limiter.gateSpacing('t|op') > 0; i++) {
      limiter.succeeded('t|op');
      spacings.push(limiter.gateSpacing('t|op'));
    }
    expect(spacings.at(-1)).toBe(0);
    expect(spacings.every((ms, i) => i === 0 || ms < spacings[i - 1]!)).toBe(true);
    expect(limiter.gateLimit('t|op')).toBe(2);
    permit.release();
    expect(limiter.gateCount).toBe(0);
    expect(limiter.stats().slowedGates).toBe(0);
  });

  it('forgets slowed gates nobody has used for a while, so they do not pile up', async () => {
    const clock = manualClock(1_000_000);
    const limiter = new FairLimiter({ globalLimit: 10, perLaneLimit: 4, clock });
    for (let i = 0; i < 50; i++) {
      const gate = `ec2|${i}|eu-west-1|DescribeInstances`;
      const permit = await limiter.acquire(`ec2|${i}|eu-west-1`, gate);
      limiter.throttled(gate);
      permit.release();
    }
    expect(limiter.gateCount).toBe(50);
    expect(limiter.stats().slowedGates).toBe(50);
    clock.advance(IDLE_RESET_MS - 1);
    expect(limiter.stats().slowedGates).toBe(50);
    // One gate still in use is kept, slowed; the idle ones are dropped.
    const busy = await limiter.acquire('ec2|0|eu-west-1', 'ec2|0|eu-west-1|DescribeInstances');
    clock.advance(1);
    expect(limiter.stats().slowedGates).toBe(1);
    expect(limiter.gateCount).toBe(1);
    busy.release();
    clock.advance(IDLE_RESET_MS);
    expect(limiter.stats().slowedGates).toBe(0);
    expect(limiter.gateCount).toBe(0);
    // A forgotten gate starts at full speed.
    expect(limiter.gateLimit('ec2|7|eu-west-1|DescribeInstances')).toBe(4);
  });

  it('release is idempotent', async () => {
    const limiter = new FairLimiter({ globalLimit: 2, perLaneLimit: 2 });
    const permit = await limiter.acquire('a', 'a|op');
    permit.release();
    permit.release();
    expect(limiter.stats().inFlight).toBe(0);
    await expect(permit.resume()).rejects.toThrow('already released');
  });

  it('refuses limits that are not positive integers', () => {
    expect(() => new FairLimiter({ globalLimit: 0, perLaneLimit: 1 })).toThrow(
      'globalLimit must be a positive integer (got 0)',
    );
    expect(() => new FairLimiter({ globalLimit: 1, perLaneLimit: 1.5 })).toThrow('perLaneLimit');
  });
});
