// Keeps a streamed export's memory flat. Each page of an export leaves its parsed AWS pages, models
// and JSON behind as garbage; V8 collects the old generation lazily, so without a nudge the process
// grows with the export (≈700 MB RSS for 200,000 instances) although what is live stays ≈150 MB.
// After each page, when the heap has grown past a threshold, this runs one full collection.
// V8's gc() is reached through --expose-gc set at run time (the flag applies to new contexts).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A full collection is run once the used heap passes this. */
export const HEAP_THRESHOLD_BYTES = 288 * 2 ** 20;

let collect: (() => void) | undefined | null;

function gcFunction(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('typeof gc === "function" ? gc : null');
    collect = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    collect = null;
  }
  return collect;
}

/** Runs a full collection when the heap is above the threshold; returns whether it did. */
export function relieveMemory(threshold: number = HEAP_THRESHOLD_BYTES): boolean {
  if (process.memoryUsage().heapUsed < threshold) return false;
  const gc = gcFunction();
  if (!gc) return false;
  gc();
  return true;
}
