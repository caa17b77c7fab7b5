// A list that arrives in parts: the accounts of a ListAccounts read, page by page, so a fan-out can
// start on an account as soon as the page naming it is in (docs/architecture.md, "Caches and owners").
// Derived lists (filtered, mapped) follow their source synchronously, part by part: a check in a
// derivation (the AWS-call budget's account gate) runs before anyone waiting on the derived list
// wakes, so no work starts on items the check refuses.

/** One step of a derivation: the part of a source's new items to keep (may throw to fail the list). */
export type Derivation<T, U> = (added: readonly T[]) => U[];

export class GrowingList<T> {
  readonly #items: T[] = [];
  #done = false;
  #failed: { error: unknown } | undefined;
  #wake: (() => void)[] = [];
  readonly #followers: { add(items: readonly T[]): void; end(failure?: { error: unknown }): void }[] = [];

  /** A list already complete. */
  static of<T>(items: readonly T[]): GrowingList<T> {
    const list = new GrowingList<T>();
    list.add(items);
    list.complete();
    return list;
  }

  /** The items known so far, in order (grows until `done`). */
  get items(): readonly T[] {
    return this.#items;
  }

  /** True once every item is known (or the list failed). */
  get done(): boolean {
    return this.#done;
  }

  add(items: readonly T[]): void {
    if (this.#done) throw new Error('GrowingList: add after the list ended');
    if (items.length === 0) return;
    for (const item of items) this.#items.push(item);
    for (const follower of [...this.#followers]) follower.add(items);
    this.#wakeAll();
  }

  complete(): void {
    this.#end();
  }

  fail(error: unknown): void {
    this.#end({ error });
  }

  /**
   * Resolves once more than `seen` items are known or the list is complete; rejects with the list's
   * error when it failed (items known before the failure are not to be used).
   */
  async beyond(seen: number): Promise<void> {
    while (!this.#done && this.#items.length <= seen) await new Promise<void>((r) => this.#wake.push(r));
    if (this.#failed) throw this.#failed.error;
  }

  /** Every item, once the list is complete. */
  async whole(): Promise<readonly T[]> {
    await this.beyond(Number.POSITIVE_INFINITY);
    return this.#items;
  }

  /**
   * A list that follows this one through `derive`, applied to each part as it arrives (the parts
   * already here first). When `derive` throws, the derived list fails with that error.
   */
  derive<U>(derive: Derivation<T, U>): GrowingList<U> {
    const derived = new GrowingList<U>();
    const follower = {
      add: (items: readonly T[]) => {
        if (derived.done) return;
        let kept: U[];
        try {
          kept = derive(items);
        } catch (error) {
          derived.fail(error);
          return;
        }
        derived.add(kept);
      },
      end: (failure?: { error: unknown }) => {
        if (derived.done) return;
        if (failure) derived.fail(failure.error);
        else derived.complete();
      },
    };
    follower.add(this.#items);
    if (this.#done) follower.end(this.#failed);
    else this.#followers.push(follower);
    return derived;
  }

  #end(failure?: { error: unknown }): void {
    if (this.#done) return;
    this.#done = true;
    this.#failed = failure;
    for (const follower of this.#followers.splice(0)) follower.end(failure);
    this.#wakeAll();
  }

  #wakeAll(): void {
    for (const wake of this.#wake.splice(0)) wake();
  }
}
