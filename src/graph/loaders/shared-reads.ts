// Per-request sharing of reads that come in sizes (an AWS page asked for with some MaxResults): the
// first ask of a key schedules the read for after the current tick (as DataLoader schedules a batch),
// asks of the same key until then only raise the size, and the read is made once with the largest
// size. Later asks share the read as it was made. A failure is shared too, within the request only.
export class SharedReads<V> {
  readonly #reads = new Map<string, { ask: Ask; promise: Promise<V> }>();

  read(key: string, size: number, load: (size: number) => Promise<V>): Promise<V> {
    const known = this.#reads.get(key);
    if (known) {
      if (!known.ask.started) known.ask.size = Math.max(known.ask.size, size);
      return known.promise;
    }
    const ask: Ask = { size, started: false };
    const promise = afterThisTick().then(() => {
      ask.started = true;
      return load(ask.size);
    });
    // Keep an unobserved rejection from being reported as unhandled; callers still see it.
    promise.catch(() => undefined);
    this.#reads.set(key, { ask, promise });
    return promise;
  }

  /** Reads asked for, for tests and diagnostics. */
  get size(): number {
    return this.#reads.size;
  }
}

interface Ask {
  size: number;
  started: boolean;
}

/** Resolves once the promise jobs queued now (and those they queue) have run. */
function afterThisTick(): Promise<void> {
  return new Promise((resolve) => {
    void Promise.resolve().then(() => process.nextTick(resolve));
  });
}
