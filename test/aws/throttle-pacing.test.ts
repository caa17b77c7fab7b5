// Outlasting AWS throttling: a burst far beyond Organizations' token bucket (20 calls, then 5 per
// second) completes, because a throttled gate paces its calls in time and throttled calls get a retry
// budget of seconds — in virtual time: the sim's buckets and the data layer share one manual clock, and
// the backoff/pacing sleep is a small discrete-event scheduler that moves that clock to the earliest
// sleeper's deadline whenever no AWS call is in flight.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { ORGANIZATIONS_BUCKET } from '../../src/sim/throttle.js';
import type { Sleep } from '../../src/aws/throttle-retry.js';
import { CallCancelledError } from '../../src/aws/timeout.js';
import { simAwsStack } from '../helpers/aws-stack.js';
import type { SimAwsStack } from '../helpers/aws-stack.js';
import { manualClock } from '../helpers/clock.js';
import type { ManualClock } from '../helpers/clock.js';

const ACCOUNTS = 60;
const clock = manualClock();
let sim: RunningSim;

interface Sleeper {
  at: number;
  resolve: () => void;
}

/**
 * Virtual time for sleeps: each sleeper waits for the clock to reach its deadline; the clock is moved
 * to the earliest deadline only when `busy()` says nothing is being answered (checked over a few event
 * loop turns, so continuations of the last wake-up have started their calls).
 */
function virtualSleep(time: ManualClock, busy: () => boolean): { sleep: Sleep; stop(): void } {
  const sleepers: Sleeper[] = [];
  let idleTurns = 0;
  let stopped = false;
  const turn = () => {
    if (stopped) return;
    if (sleepers.length === 0) {
      setTimeout(turn, 1);
      return;
    }
    idleTurns = busy() ? 0 : idleTurns + 1;
    if (idleTurns >= 3) {
      idleTurns = 0;
      sleepers.sort((a, b) => a.at - b.at);
      const next = sleepers[0]!.at;
      if (next > time()) time.set(next);
      while (sleepers.length > 0 && sleepers[0]!.at <= time()) sleepers.shift()!.resolve();
    }
    setImmediate(turn);
  };
  turn();
  const sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new CallCancelledError(signal.reason));
        return;
      }
      sleepers.push({ at: time() + ms, resolve });
    });
  return {
    sleep,
    stop: () => {
      stopped = true;
    },
  };
}

beforeAll(async () => {
  sim = await startSim({ seed: 3, accounts: ACCOUNTS, regions: ['us-east-1'], instancesPerRegion: 1, clock });
});
afterAll(async () => {
  await sim.close();
});

describe('throttling is outlasted, not just retried', () => {
  it(`completes ${ACCOUNTS} concurrent Organizations calls against a ${ORGANIZATIONS_BUCKET.burst}-call bucket refilling ${ORGANIZATIONS_BUCKET.refillPerSecond}/s`, async () => {
    sim.knobs.throttling = true;
    sim.log.reset();
    const holder: { stack?: SimAwsStack } = {};
    const time = virtualSleep(clock, () => (holder.stack?.data.stats().inFlight ?? 0) > 0);
    const stack = simAwsStack(sim, {
      clock,
      dataDeps: { sleep: time.sleep, random: () => 0.5 },
    });
    holder.stack = stack;
    const { data } = stack;
    const started = clock();
    try {
      const accounts = sim.world.accounts;
      const parents = await Promise.all(accounts.map((a) => data.organizations.listParents(a.id)));
      // Every call answered, exactly.
      expect(parents.map((p) => p.value.map((parent) => parent.Id))).toEqual(
        accounts.map((a) => [a.parentId]),
      );
    } finally {
      time.stop();
      stack.close();
    }
    const throttled = sim.log.count({ service: 'organizations', errorCode: 'TooManyRequestsException' });
    expect(throttled).toBeGreaterThan(0); // the burst did run into the bucket
    expect(sim.log.count({ service: 'organizations', operation: 'ListParents', status: 200 })).toBe(ACCOUNTS);
    expect(data.stats()).toMatchObject({ throttled, throttledOut: 0, errors: {} });
    // Paced, not hammered: far fewer throttled answers than calls, and the burst took at least as
    // long as the bucket needs to refill for the calls beyond its size.
    expect(throttled).toBeLessThan(ACCOUNTS / 2);
    const minimumMs = ((ACCOUNTS - ORGANIZATIONS_BUCKET.burst) / ORGANIZATIONS_BUCKET.refillPerSecond) * 1000;
    expect(clock() - started).toBeGreaterThanOrEqual(minimumMs * 0.9);
  });
});
