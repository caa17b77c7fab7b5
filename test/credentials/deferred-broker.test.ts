// The broker that exists once the central check passed: what it answers before, after, and on failure.
import { describe, expect, it } from 'vitest';
import { DeferredBroker } from '../../src/credentials/deferred-broker.js';
import type { SessionBroker, UnitsOf } from '../../src/credentials/session-broker.js';
import { deferred } from '../helpers/deferred.js';

const MEMBER = '111111111111';

/** A broker that records what it was asked (only the methods DeferredBroker forwards). */
function fakeBroker() {
  const asked: string[] = [];
  let unitsOf: UnitsOf | undefined;
  const broker = {
    useUnitsOf: (f: UnitsOf) => {
      unitsOf = f;
    },
    roleArnFor: async (id: string) => `arn:aws:iam::${id}:role/Read`,
    credentialsFor: async (id: string) => {
      asked.push(id);
      return { accessKeyId: `AKIA${id}`, secretAccessKey: 'secret' };
    },
    invalidate: (id: string) => id === MEMBER,
    metrics: () => ({
      hit: 1,
      miss: 2,
      join: 0,
      refresh: 0,
      failure: 0,
      negativeHit: 0,
      invalidated: 0,
      sessions: 2,
    }),
  };
  return { broker: broker as unknown as SessionBroker, asked, units: () => unitsOf };
}

describe('DeferredBroker', () => {
  it('holds member sessions until the broker exists, then forwards everything to it', async () => {
    const ready = deferred<SessionBroker>();
    const fake = fakeBroker();
    const broker = new DeferredBroker(ready.promise);
    const unitsOf: UnitsOf = async () => ['ou-1'];
    broker.useUnitsOf(unitsOf); // before the broker exists: handed over when it does
    const provider = broker.providerFor(MEMBER);
    let settled = false;
    const session = provider().then((c) => {
      settled = true;
      return c;
    });
    await new Promise((r) => setImmediate(r)); // every pending continuation has run
    expect(settled).toBe(false);
    expect(broker.invalidate(MEMBER)).toBe(false); // no session to drop yet
    expect(broker.metrics()).toMatchObject({ miss: 0, sessions: 0 });
    ready.resolve(fake.broker);
    await expect(session).resolves.toMatchObject({ accessKeyId: `AKIA${MEMBER}` });
    expect(fake.asked).toEqual([MEMBER]);
    expect(fake.units()).toBe(unitsOf);
    await expect(broker.roleArnFor(MEMBER)).resolves.toBe(`arn:aws:iam::${MEMBER}:role/Read`);
    expect(broker.invalidate(MEMBER)).toBe(true);
    expect(provider.invalidate()).toBe(true);
    expect(broker.metrics()).toMatchObject({ miss: 2, sessions: 2 });
    const later: UnitsOf = async () => [];
    broker.useUnitsOf(later); // after: straight to the broker
    expect(fake.units()).toBe(later);
  });

  it("fails every member session with the check's error", async () => {
    const ready = deferred<SessionBroker>();
    const broker = new DeferredBroker(ready.promise);
    const waiting = broker.credentialsFor(MEMBER);
    ready.reject(new Error('STS rejected the signature'));
    await expect(waiting).rejects.toThrow('STS rejected the signature');
    await expect(broker.roleArnFor(MEMBER)).rejects.toThrow('STS rejected the signature');
    expect(broker.metrics().sessions).toBe(0);
  });

  it('leaves no unhandled rejection when a caller stopped waiting before the check failed', async () => {
    const ready = deferred<SessionBroker>();
    const broker = new DeferredBroker(ready.promise);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      void broker.untilReady(); // taken and never awaited: a call whose request had already stopped
      ready.reject(new Error('STS rejected the signature'));
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
