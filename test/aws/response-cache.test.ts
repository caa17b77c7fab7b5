import { describe, expect, it } from 'vitest';
import { ResponseCache } from '../../src/aws/response-cache.js';
import { CallCancelledError } from '../../src/aws/timeout.js';
import { manualClock } from '../helpers/clock.js';
import { deferred } from '../helpers/deferred.js';

function cacheWith(ttlMs = 60_000, extra: { maxEntries?: number; maxItems?: number } = {}) {
  const clock = manualClock(1_700_000_000_000);
  const cache = new ResponseCache({
    ttlMs,
    maxEntries: extra.maxEntries ?? 100,
    maxItems: extra.maxItems ?? 1_000,
    clock,
  });
  return { clock, cache };
}

describe('ResponseCache', () => {
  it('serves a stored value until the TTL passes, with the time it was read', async () => {
    const { clock, cache } = cacheWith(60_000);
    let loads = 0;
    const load = async () => `v${++loads}`;
    const first = await cache.get('k', load);
    expect(first).toMatchObject({ value: 'v1', status: 'miss' });
    clock.advance(59_999);
    const hit = await cache.get('k', load);
    expect(hit).toMatchObject({ value: 'v1', status: 'hit' });
    expect(hit.fetchedAt.getTime()).toBe(first.fetchedAt.getTime());
    clock.advance(1);
    const expired = await cache.get('k', load);
    expect(expired).toMatchObject({ value: 'v2', status: 'miss' });
    expect(expired.fetchedAt.getTime()).toBe(first.fetchedAt.getTime() + 60_000);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2 });
  });

  it('bypasses the stored value with fresh and stores the new answer', async () => {
    const { cache } = cacheWith();
    let loads = 0;
    const load = async () => ++loads;
    await cache.get('k', load);
    expect(await cache.get('k', load, { fresh: true })).toMatchObject({ value: 2, status: 'refresh' });
    expect(await cache.get('k', load)).toMatchObject({ value: 2, status: 'hit' });
    expect(loads).toBe(2);
  });

  it('shares one load between concurrent callers of a key', async () => {
    const { cache } = cacheWith();
    const gate = deferred<string>();
    let loads = 0;
    const load = () => {
      loads++;
      return gate.promise;
    };
    const callers = [cache.get('k', load), cache.get('k', load), cache.get('k', load, { fresh: true })];
    gate.resolve('one');
    const results = await Promise.all(callers);
    expect(loads).toBe(1);
    expect(results.map((r) => r.status)).toEqual(['miss', 'join', 'join']);
    expect(new Set(results.map((r) => r.value))).toEqual(new Set(['one']));
  });

  it('never stores a failure: the next caller loads again', async () => {
    const { cache } = cacheWith();
    let loads = 0;
    const failing = async () => {
      loads++;
      throw new Error('boom');
    };
    await expect(cache.get('k', failing)).rejects.toThrow('boom');
    expect(await cache.get('k', async () => 'ok')).toMatchObject({ value: 'ok', status: 'miss' });
    expect(loads).toBe(1);
    expect(cache.stats()).toMatchObject({ failures: 1, entries: 1 });
  });

  it('with TTL 0 stores nothing but still shares concurrent loads', async () => {
    const { cache } = cacheWith(0);
    let loads = 0;
    const load = async () => ++loads;
    const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    expect([a.value, b.value]).toEqual([1, 1]);
    expect(await cache.get('k', load)).toMatchObject({ value: 2, status: 'miss' });
    expect(cache.stats().entries).toBe(0);
  });

  it('rejects only the caller whose signal aborts; the shared load goes on for the others', async () => {
    const { cache } = cacheWith();
    const gate = deferred<string>();
    let loadSignal: AbortSignal | undefined;
    const load = (signal: AbortSignal) => {
      loadSignal = signal;
      return gate.promise;
    };
    const leaving = new AbortController();
    const a = cache.get('k', load, { signal: leaving.signal });
    const b = cache.get('k', load, { signal: new AbortController().signal });
    leaving.abort('client gone');
    await expect(a).rejects.toBeInstanceOf(CallCancelledError);
    expect(loadSignal?.aborted).toBe(false);
    gate.resolve('v');
    expect((await b).value).toBe('v');
  });

  it('aborts the shared load once every caller has gone, and a later caller starts a new one', async () => {
    const { cache } = cacheWith();
    let loadSignal: AbortSignal | undefined;
    const hanging = (signal: AbortSignal) => {
      loadSignal = signal;
      return new Promise<string>((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason)),
      );
    };
    const c1 = new AbortController();
    const c2 = new AbortController();
    const a = cache.get('k', hanging, { signal: c1.signal });
    const b = cache.get('k', hanging, { signal: c2.signal });
    c1.abort();
    c2.abort();
    await expect(a).rejects.toBeInstanceOf(CallCancelledError);
    await expect(b).rejects.toBeInstanceOf(CallCancelledError);
    expect(loadSignal?.aborted).toBe(true);
    expect(await cache.get('k', async () => 'new')).toMatchObject({ value: 'new', status: 'miss' });
  });

  it('getMany answers stored keys, joins keys in flight, loads the rest in one call and remembers absent ones', async () => {
    const { cache } = cacheWith();
    const loads: string[][] = [];
    const gate = deferred<void>();
    const load = async (missing: string[]) => {
      loads.push([...missing]);
      await gate.promise;
      return new Map(missing.filter((k) => k !== 'gone').map((k) => [k, k.toUpperCase()]));
    };
    const first = cache.getMany(['a', 'b', 'gone'], load);
    const second = cache.getMany(['b', 'c'], load);
    gate.resolve();
    const [r1, r2] = await Promise.all([first, second]);
    expect(loads).toEqual([['a', 'b', 'gone'], ['c']]);
    expect([...r1].map(([k, v]) => [k, v.value])).toEqual([
      ['a', 'A'],
      ['b', 'B'],
      ['gone', undefined],
    ]);
    expect(r2.get('b')?.value).toBe('B');
    const third = await cache.getMany(['a', 'gone', 'c'], load);
    expect(loads).toHaveLength(2);
    expect(third.get('gone')).toMatchObject({ value: undefined });
    expect(cache.stats()).toMatchObject({ hits: 3, joins: 1, misses: 4 });
  });

  it('getMany leaves the load it started when another of its waits fails, so that load can be aborted', async () => {
    const { cache } = cacheWith();
    const other = deferred<string>();
    // Someone else is loading 'a'.
    const first = cache.get('a', () => other.promise);
    // This caller joins 'a' and starts its own load of 'b'.
    let loadSignal: AbortSignal | undefined;
    const many = cache.getMany(['a', 'b'], (missing, signal) => {
      loadSignal = signal;
      return new Promise<Map<string, string>>((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason)),
      );
    });
    other.reject(new Error('a failed'));
    await expect(first).rejects.toThrow('a failed');
    await expect(many).rejects.toThrow('a failed');
    // Nobody waits for 'b' any more: its load is aborted and forgotten, the next caller loads anew.
    expect(loadSignal?.aborted).toBe(true);
    expect(await cache.get('b', async () => 'B')).toMatchObject({ value: 'B', status: 'miss' });
  });

  it('getMany keeps a load it started going while another caller still waits for it', async () => {
    const { cache } = cacheWith();
    const other = deferred<string>();
    const gate = deferred<void>();
    void cache.get('a', () => other.promise).catch(() => undefined);
    let loadSignal: AbortSignal | undefined;
    const many = cache.getMany(['a', 'b'], async (missing, signal) => {
      loadSignal = signal;
      await gate.promise;
      return new Map(missing.map((k) => [k, k.toUpperCase()]));
    });
    const joined = cache.get('b', async () => 'never');
    other.reject(new Error('a failed'));
    await expect(many).rejects.toThrow('a failed');
    expect(loadSignal?.aborted).toBe(false);
    gate.resolve();
    expect(await joined).toMatchObject({ value: 'B', status: 'join' });
  });

  it('is bounded by entries and by items (LRU)', async () => {
    const { cache } = cacheWith(60_000, { maxEntries: 3, maxItems: 10 });
    for (const key of ['a', 'b', 'c', 'd']) await cache.get(key, async () => key);
    expect(cache.stats().entries).toBe(3);
    expect((await cache.get('a', async () => 'reloaded')).status).toBe('miss');
    await cache.get('big', async () => [1, 2, 3, 4, 5, 6, 7, 8], { size: (v) => v.length });
    expect(cache.stats().items).toBeLessThanOrEqual(10);
  });

  it('invalidates by key prefix', async () => {
    const { cache } = cacheWith();
    await cache.get('ec2|1|a', async () => 1);
    await cache.get('ec2|2|a', async () => 2);
    expect(cache.invalidate('ec2|1|')).toBe(1);
    expect((await cache.get('ec2|2|a', async () => 3)).status).toBe('hit');
    expect((await cache.get('ec2|1|a', async () => 4)).status).toBe('miss');
  });
});
