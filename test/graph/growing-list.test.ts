// GrowingList: the account list as it arrives. Derived lists follow part by part, synchronously, so a
// check in a derivation runs before anyone waiting on the derived list wakes.
import { describe, expect, it } from 'vitest';
import { GrowingList } from '../../src/graph/growing-list.js';

/** Whether `promise` has settled after the pending microtasks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 10; i++) await Promise.resolve();
  return done;
}

describe('GrowingList', () => {
  it('wakes a waiter when items beyond what it saw arrive, and at completion', async () => {
    const list = new GrowingList<number>();
    const first = list.beyond(0);
    expect(await settled(first)).toBe(false);
    list.add([1, 2]);
    expect(await settled(first)).toBe(true);
    const second = list.beyond(2);
    expect(await settled(second)).toBe(false);
    list.complete();
    await second;
    expect(list.done).toBe(true);
    expect(await list.whole()).toEqual([1, 2]);
  });

  it('rejects waiters with the failure, even when items were known', async () => {
    const list = new GrowingList<number>();
    list.add([1]);
    const whole = list.whole();
    list.fail(new Error('ListAccounts failed'));
    await expect(whole).rejects.toThrow('ListAccounts failed');
    await expect(list.beyond(0)).rejects.toThrow('ListAccounts failed');
    expect(() => list.add([2])).toThrow('add after the list ended');
  });

  it('derives part by part: items already there first, then each part as it arrives', async () => {
    const list = new GrowingList<number>();
    list.add([1, 2, 3]);
    const parts: number[][] = [];
    const evens = list.derive((added) => {
      parts.push([...added]);
      return added.filter((n) => n % 2 === 0);
    });
    expect(evens.items).toEqual([2]);
    list.add([4, 5]);
    expect(evens.items).toEqual([2, 4]); // synchronously, before any waiter wakes
    expect(evens.done).toBe(false);
    list.complete();
    expect(evens.done).toBe(true);
    expect(parts).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(GrowingList.of([7]).derive((a) => a.map(String)).items).toEqual(['7']);
  });

  it('fails a derived list when its derivation throws, before the refused part is visible', async () => {
    const list = new GrowingList<number>();
    const limited = list.derive((added) => {
      if (added.includes(3)) throw new Error('over the limit');
      return [...added];
    });
    const waiter = limited.beyond(1);
    list.add([1]);
    list.add([2, 3]);
    expect(limited.items).toEqual([1]);
    await expect(waiter).rejects.toThrow('over the limit');
    list.complete(); // the source goes on; the derived list stays failed
    await expect(limited.whole()).rejects.toThrow('over the limit');
  });

  it('passes a source failure on to every derived list', async () => {
    const list = new GrowingList<number>();
    const a = list.derive((x) => [...x]);
    const b = a.derive((x) => [...x]);
    list.fail(new Error('throttled'));
    await expect(b.whole()).rejects.toThrow('throttled');
  });
});
