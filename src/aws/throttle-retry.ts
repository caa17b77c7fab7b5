// The retry policy of AWS calls: which failures are worth another attempt, and how long to wait first.
//
// Retries live here, not in the SDK: the pool's clients are meant to be built with `maxAttempts: 1`
// (see SDK_MAX_ATTEMPTS in call-runner.ts). Our retry loop releases its fan-out slot while it backs off,
// tells the adaptive per-(account, Region, API) gate that AWS throttled it, and sleeps through an
// injectable, abortable sleep; the SDK's own retry loop would do none of that, and running both would
// multiply the attempts (3 SDK attempts × our attempts).
//
// Throttling gets a longer budget than other failures: AWS's buckets refill at a few calls per second
// (Organizations: 5/s), so a burst is outlasted only by waiting seconds, not the ~0.75 s that
// `maxAttempts` backoffs add up to. A throttled call is retried for at least `maxAttempts` attempts
// and beyond that while the time it has waited since its first throttling is below
// `throttleBudgetMs` (default 20 s; bounded by THROTTLE_MAX_ATTEMPTS and the caller's deadline). The
// adaptive gate (limiter.ts) spaces the calls meanwhile, so the retries do not hammer AWS.
import { isThrottling, isTransient } from './classify.js';
import { cancelledBy } from './timeout.js';

export interface RetryPolicy {
  /** Attempts in all, the first included (1 = never retry, throttling included). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a throttled call may keep waiting for AWS beyond `maxAttempts`; default 20 s. */
  throttleBudgetMs?: number;
}

export const DEFAULT_THROTTLE_BUDGET_MS = 20_000;
/** Hard cap on the attempts of one throttled call, whatever the budget (also bounds zero delays). */
export const THROTTLE_MAX_ATTEMPTS = 30;

export type RetryKind = 'throttled' | 'transient';

/**
 * Whether a call that has made `attempts` attempts and failed with `kind` gets another one;
 * `throttleWaitedMs` is what it has waited (backoff and pacing) since AWS first throttled it.
 */
export function mayRetry(
  policy: RetryPolicy,
  kind: RetryKind | undefined,
  attempts: number,
  throttleWaitedMs: number,
): boolean {
  if (kind === undefined || policy.maxAttempts <= 1) return false;
  if (attempts < policy.maxAttempts) return true;
  if (kind !== 'throttled') return false;
  const budget = policy.throttleBudgetMs ?? DEFAULT_THROTTLE_BUDGET_MS;
  return attempts < THROTTLE_MAX_ATTEMPTS && throttleWaitedMs < budget;
}

/** Why a failure is worth another attempt, or undefined when it is not. */
export function retryKind(err: unknown): RetryKind | undefined {
  if (isThrottling(err)) return 'throttled';
  if (isTransient(err)) return 'transient';
  return undefined;
}

/**
 * The wait before retry number `retry` (1 for the first retry): exponential, capped, with "equal
 * jitter" — between half and all of min(maxDelayMs, baseDelayMs × 2^(retry-1)) — so that callers
 * throttled together do not come back together, yet never retry at once.
 */
export function backoffDelay(
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  retry: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Waits `ms`; rejects with a CallCancelledError when `signal` aborts first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(cancelledBy(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal ? cancelledBy(signal) : new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
