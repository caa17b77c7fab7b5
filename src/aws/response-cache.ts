// The process-wide cache of AWS list results (see docs/architecture.md, "Caches and their owners").
//
// - A value is served for `ttlMs` after it was read from AWS, with that original time (`fetchedAt`);
//   ttlMs 0 turns storing off. Time comes from an injectable clock.
// - Bounded by lru-cache, both in entries and in AWS items (a page of 1,000 instances weighs 1,001).
// - Concurrent callers of one key share one in-flight load (single flight), also across `getMany`
//   batches: a key already being loaded is joined, only the others are loaded.
// - `fresh` skips stored values (but joins a load in flight, which is fresh by definition) and the
//   answer replaces what was stored.
// - Failures are never stored. A shared load is aborted only when every caller waiting for it has
//   gone away (each caller's signal rejects that caller at once).
import type { Fetched } from './contract.js';
import { LRUCache } from 'lru-cache';
import { CallCancelledError, cancelledBy, untilCancelled } from './timeout.js';
import { nonNegative, positiveInteger } from '../option-checks.js';

export interface ResponseCacheOptions {
  /** 0 = do not store (concurrent identical calls still share one load). */
  ttlMs: number;
  maxEntries: number;
  /** Bound on the sum of entry sizes (AWS items). */
  maxItems: number;
  clock?: () => number;
}

/** How a value was answered: stored, loaded, joined a load in flight, or loaded because `fresh` was asked. */
export type CacheStatus = 'hit' | 'miss' | 'join' | 'refresh';

export interface CacheGetOptions<T> {
  fresh?: boolean;
  signal?: AbortSignal;
  /** Weight of a value for the `maxItems` bound; default 1. */
  size?: (value: T) => number;
}

export interface ResponseCacheStats {
  hits: number;
  misses: number;
  joins: number;
  refreshes: number;
  /** Loads that failed (and were not stored). */
  failures: number;
  entries: number;
  items: number;
}

interface Entry {
  value: unknown;
  fetchedAt: number;
  size: number;
}

interface Pending {
  flight: Flight<unknown>;
  pick: (result: unknown) => Fetched<unknown>;
}

export class ResponseCache {
  readonly ttlMs: number;
  private readonly clock: () => number;
  private readonly entries: LRUCache<string, Entry>;
  private readonly inflight = new Map<string, Pending>();
  private readonly counters = { hits: 0, misses: 0, joins: 0, refreshes: 0, failures: 0 };

  constructor(options: ResponseCacheOptions) {
    this.ttlMs = nonNegative('ttlMs', options.ttlMs);
    const maxEntries = positiveInteger('maxEntries', options.maxEntries);
    const maxItems = positiveInteger('maxItems', options.maxItems);
    this.clock = options.clock ?? Date.now;
    this.entries = new LRUCache<string, Entry>({
      max: maxEntries,
      maxSize: maxItems,
      sizeCalculation: (e) => e.size,
    });
  }

  /** The value of `key`: stored and unexpired, or joined, or loaded (and stored). */
  async get<T>(
    key: string,
    load: (signal: AbortSignal) => Promise<T>,
    options: CacheGetOptions<T> = {},
  ): Promise<Fetched<T> & { status: CacheStatus }> {
    if (options.signal?.aborted) throw cancelledBy(options.signal);
    if (!options.fresh) {
      const stored = this.lookup(key);
      if (stored) {
        this.counters.hits++;
        return { value: stored.value as T, fetchedAt: new Date(stored.fetchedAt), status: 'hit' };
      }
    }
    const pending = this.inflight.get(key);
    if (pending) {
      this.counters.joins++;
      const result = pending.pick(await pending.flight.join(options.signal));
      return { value: result.value as T, fetchedAt: result.fetchedAt, status: 'join' };
    }
    const status: CacheStatus = options.fresh ? 'refresh' : 'miss';
    this.counters[options.fresh ? 'refreshes' : 'misses']++;
    const flight = new Flight<Fetched<T>>(
      async (signal) => {
        const value = await load(signal);
        const fetchedAt = this.clock();
        this.store(key, value, fetchedAt, options.size ? options.size(value) : 1);
        return { value, fetchedAt: new Date(fetchedAt) };
      },
      () => this.forget([key], flight),
    );
    this.track([key], flight, (result) => result as Fetched<unknown>);
    const result = await flight.join(options.signal);
    return { ...result, status };
  }

  /**
   * Values of many keys: stored ones are answered at once, keys in flight are joined, and all the
   * others are loaded by ONE call of `load(missing)`. A key that `load` does not return is remembered
   * as absent (value undefined), like any other answer.
   */
  async getMany<T>(
    keys: readonly string[],
    load: (missing: string[], signal: AbortSignal) => Promise<Map<string, T>>,
    options: CacheGetOptions<T> = {},
  ): Promise<Map<string, Fetched<T | undefined>>> {
    if (options.signal?.aborted) throw cancelledBy(options.signal);
    // This caller's part in every flight it joins or starts ends together: when its signal aborts, or
    // when one of its waits fails (it is answered with that failure at once, and must not stay
    // counted as waiting for the other flights — one it started included — or they could not be
    // aborted when everybody else has gone).
    const caller = new AbortController();
    const outer = options.signal;
    const onOuterAbort = () => caller.abort(outer?.reason);
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    const out = new Map<string, Fetched<T | undefined>>();
    const waits: Promise<void>[] = [];
    const missing: string[] = [];
    for (const key of new Set(keys)) {
      if (!options.fresh) {
        const stored = this.lookup(key);
        if (stored) {
          this.counters.hits++;
          out.set(key, { value: stored.value as T | undefined, fetchedAt: new Date(stored.fetchedAt) });
          continue;
        }
      }
      const pending = this.inflight.get(key);
      if (pending) {
        this.counters.joins++;
        waits.push(
          pending.flight
            .join(caller.signal)
            .then((result) => void out.set(key, pending.pick(result) as Fetched<T | undefined>)),
        );
        continue;
      }
      missing.push(key);
    }
    if (missing.length > 0) {
      this.counters[options.fresh ? 'refreshes' : 'misses'] += missing.length;
      const flight = new Flight<Map<string, Fetched<T | undefined>>>(
        async (signal) => {
          const found = await load(missing, signal);
          const fetchedAt = this.clock();
          const answers = new Map<string, Fetched<T | undefined>>();
          for (const key of missing) {
            const value = found.get(key);
            this.store(
              key,
              value,
              fetchedAt,
              value === undefined ? 1 : options.size ? options.size(value) : 1,
            );
            answers.set(key, { value, fetchedAt: new Date(fetchedAt) });
          }
          return answers;
        },
        () => this.forget(missing, flight),
      );
      this.track(
        missing,
        flight,
        (result, key) => (result as Map<string, Fetched<unknown>>).get(key) as Fetched<unknown>,
      );
      waits.push(
        flight.join(caller.signal).then((answers) => {
          for (const [key, cached] of answers) out.set(key, cached);
        }),
      );
    }
    try {
      await Promise.all(waits);
    } catch (err) {
      caller.abort(err);
      throw err;
    } finally {
      outer?.removeEventListener('abort', onOuterAbort);
    }
    return out;
  }

  /** Drops stored values whose key starts with `prefix` (all when absent). */
  invalidate(prefix?: string): number {
    let dropped = 0;
    for (const key of [...this.entries.keys()]) {
      if (prefix === undefined || key.startsWith(prefix)) {
        this.entries.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  stats(): ResponseCacheStats {
    return { ...this.counters, entries: this.entries.size, items: this.entries.calculatedSize };
  }

  private lookup(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.clock() - entry.fetchedAt >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private store(key: string, value: unknown, fetchedAt: number, size: number): void {
    if (this.ttlMs <= 0) return;
    this.entries.set(key, { value, fetchedAt, size: Math.max(1, Math.ceil(size)) });
  }

  private track<R>(
    keys: readonly string[],
    flight: Flight<R>,
    pick: (result: unknown, key: string) => Fetched<unknown>,
  ): void {
    for (const key of keys)
      this.inflight.set(key, { flight: flight as Flight<unknown>, pick: (result) => pick(result, key) });
    const done = () => this.forget(keys, flight);
    flight.promise.then(done, () => {
      this.counters.failures++;
      done();
    });
  }

  private forget(keys: readonly string[], flight: Flight<unknown> | Flight<never>): void {
    for (const key of keys) if (this.inflight.get(key)?.flight === flight) this.inflight.delete(key);
  }
}

/**
 * One load shared by any number of callers. Each caller's signal rejects that caller alone; the load
 * itself is aborted when the last caller has gone, and then forgotten so no new caller joins it.
 */
class Flight<R> {
  readonly promise: Promise<R>;
  private readonly controller = new AbortController();
  private refs = 0;
  private settled = false;

  constructor(
    load: (signal: AbortSignal) => Promise<R>,
    private readonly onAbandoned: () => void,
  ) {
    this.promise = new Promise<R>((resolve) => resolve(load(this.controller.signal)));
    const settle = () => {
      this.settled = true;
    };
    this.promise.then(settle, settle);
  }

  join(signal?: AbortSignal): Promise<R> {
    this.refs++;
    // Left when the caller goes away (at once if it already has), so a load whose only caller is
    // gone is aborted too.
    return untilCancelled(this.promise, signal, () => this.leave());
  }

  private leave(): void {
    this.refs--;
    if (this.refs > 0 || this.settled) return;
    this.onAbandoned();
    this.controller.abort(new CallCancelledError('every caller went away'));
  }
}
