// A per-request memo: the first caller of a key starts the load, every later caller (concurrent or
// not) shares its promise. For one-off reads with no batch form (an account's Regions, the account
// list, the tree), where a DataLoader would add a tick of delay and a batch function of one key. A
// failure is shared too, within the request only — the next request starts afresh, and the
// process-wide response cache never stores failures.
export class Memo<V> {
  readonly #promises = new Map<string, Promise<V>>();

  get(key: string, load: () => Promise<V>): Promise<V> {
    let promise = this.#promises.get(key);
    if (promise === undefined) {
      promise = load();
      // Keep an unobserved rejection from being reported as unhandled; callers still see it.
      promise.catch(() => undefined);
      this.#promises.set(key, promise);
    }
    return promise;
  }

  /** Whether the load of `key` was started in this request. */
  has(key: string): boolean {
    return this.#promises.has(key);
  }

  /** Loads that were started, for tests and diagnostics. */
  get size(): number {
    return this.#promises.size;
  }
}
