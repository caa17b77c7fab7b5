// Runs one AWS call the way every call of the data layer runs:
//   fair slot (global + per account/Region + adaptive per API)  →  timeout and caller's signal  →
//   broker session, retried once with a fresh one if AWS refuses it  →  the SDK request;
// throttling and transient failures are retried here with jittered backoff (the slot is given back
// while waiting, the API's gate is kept and cut); whatever is left is classified in one place.
import type { SessionSource } from './session-retry.js';
import { withSessionRetry } from './session-retry.js';
import type { AwsService } from './classify.js';
import { classifyAwsError } from './classify.js';
import type { AwsCallError, GatewayErrorCode } from './errors.js';
import type { FairLimiter } from './limiter.js';
import type { RetryPolicy, Sleep } from './throttle-retry.js';
import { backoffDelay, retryKind } from './throttle-retry.js';
import type { SourceAnswer } from './ec2-source.js';
import { withTimeout } from './timeout.js';
import { awsErrorFacts } from '../credentials/session-errors.js';

/** How long a Region stays "known not enabled" for an account after EC2 said so with a fresh session. */
const DISABLED_REGION_MEMORY_MS = 10 * 60_000;
const DISABLED_REGION_MEMORY_MAX = 10_000;

export interface AwsCallSpec<T> {
  service: Exclude<AwsService, 'sts'>;
  operation: string;
  /** EC2: the account and Region; the call uses the account's broker session. Absent for Organizations. */
  accountId?: string;
  region?: string;
  signal?: AbortSignal;
  /** One SDK request; pass `abortSignal` to `client.send`. */
  send(abortSignal: AbortSignal): Promise<SourceAnswer<T>>;
}

export interface RunnerOptions {
  limiter: FairLimiter;
  broker: SessionSource;
  policy: RetryPolicy;
  timeoutMs: number;
  sleep: Sleep;
  random: () => number;
  clock?: () => number;
}

export interface RunnerStats {
  /** Requests sent to AWS, per 'service:Operation' (a session retry counts twice). */
  calls: Record<string, number>;
  /** Our retries (throttling and transient failures). */
  retries: number;
  /** Throttling answers received. */
  throttled: number;
  /** Calls that failed as THROTTLED after all attempts. */
  throttledOut: number;
  /** Extra attempts the SDK made on its own (0 when the pool is built with maxAttempts 1). */
  sdkRetries: number;
  /** Failed calls by gateway error code. */
  errors: Partial<Record<GatewayErrorCode, number>>;
}

export class CallRunner {
  private readonly counters: RunnerStats = {
    calls: {},
    retries: 0,
    throttled: 0,
    throttledOut: 0,
    sdkRetries: 0,
    errors: {},
  };
  /**
   * (account|Region) → until when EC2's AuthFailure there is known to mean "Region not enabled". Not a
   * cache of the failure (the call is still made), only a reason not to drop a good session again:
   * without it, every call into a disabled Region would throw away the account's session.
   */
  private readonly disabledRegions = new Map<string, number>();

  constructor(private readonly options: RunnerOptions) {}

  async run<T>(spec: AwsCallSpec<T>): Promise<T> {
    const lane = spec.service === 'ec2' ? `ec2|${spec.accountId ?? ''}|${spec.region ?? ''}` : spec.service;
    const gate = `${lane}|${spec.operation}`;
    const { limiter, policy } = this.options;
    let attempts = 0;
    try {
      const permit = await limiter.acquire(lane, gate, spec.signal);
      try {
        for (;;) {
          attempts++;
          try {
            const value = await withTimeout(this.options.timeoutMs, spec.signal, (abortSignal) =>
              this.attempt(spec, abortSignal),
            );
            limiter.succeeded(gate);
            return value;
          } catch (err) {
            const kind = retryKind(err);
            if (kind === 'throttled') {
              this.counters.throttled++;
              limiter.throttled(gate);
            }
            if (kind === undefined || attempts >= policy.maxAttempts) throw err;
            this.counters.retries++;
            permit.suspend();
            await this.options.sleep(backoffDelay(policy, attempts, this.options.random), spec.signal);
            await permit.resume(spec.signal);
          }
        }
      } finally {
        permit.release();
      }
    } catch (err) {
      const error = classifyAwsError(err, {
        service: spec.service,
        operation: spec.operation,
        ...(spec.accountId !== undefined ? { accountId: spec.accountId } : {}),
        ...(spec.region !== undefined ? { region: spec.region } : {}),
        attempts,
      });
      this.count(error);
      throw error;
    }
  }

  /**
   * Makes sure the broker holds a session for the account, under the same fan-out limits as every
   * other call (an AssumeRole is an AWS call too). Not retried: the broker remembers refusals itself.
   */
  async session(accountId: string, signal?: AbortSignal): Promise<void> {
    const lane = `sts|${accountId}`;
    try {
      const permit = await this.options.limiter.acquire(lane, `${lane}|AssumeRole`, signal);
      try {
        await withTimeout(this.options.timeoutMs, signal, () =>
          this.options.broker.credentialsFor(accountId),
        );
      } finally {
        permit.release();
      }
    } catch (err) {
      const error = classifyAwsError(err, { service: 'sts', operation: 'AssumeRole', accountId });
      this.count(error);
      throw error;
    }
  }

  stats(): RunnerStats {
    return { ...this.counters, calls: { ...this.counters.calls }, errors: { ...this.counters.errors } };
  }

  /** One attempt: EC2 with the account's session (retried once if refused), Organizations as is. */
  private async attempt<T>(spec: AwsCallSpec<T>, abortSignal: AbortSignal): Promise<T> {
    const send = async () => {
      const key = `${spec.service}:${spec.operation}`;
      this.counters.calls[key] = (this.counters.calls[key] ?? 0) + 1;
      const answer = await spec.send(abortSignal);
      if (answer.sdkAttempts > 1) this.counters.sdkRetries += answer.sdkAttempts - 1;
      return answer.value;
    };
    if (spec.service !== 'ec2' || spec.accountId === undefined) return send();
    const where = `${spec.accountId}|${spec.region ?? ''}`;
    if (this.knownDisabled(where)) {
      const value = await send();
      this.disabledRegions.delete(where); // it answered: enabled after all
      return value;
    }
    try {
      return await withSessionRetry(this.options.broker, spec.accountId, send);
    } catch (err) {
      // Refused again with a fresh session: the Region is not enabled (classify.ts says so too).
      if (awsErrorFacts(err).code === 'AuthFailure') this.rememberDisabled(where);
      throw err;
    }
  }

  private knownDisabled(where: string): boolean {
    const until = this.disabledRegions.get(where);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.disabledRegions.delete(where);
    return false;
  }

  private rememberDisabled(where: string): void {
    this.disabledRegions.delete(where);
    this.disabledRegions.set(where, this.now() + DISABLED_REGION_MEMORY_MS);
    // Map keeps insertion order: the first key is the oldest.
    if (this.disabledRegions.size > DISABLED_REGION_MEMORY_MAX) {
      const oldest = this.disabledRegions.keys().next().value;
      if (oldest !== undefined) this.disabledRegions.delete(oldest);
    }
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  private count(error: AwsCallError): void {
    this.counters.errors[error.code] = (this.counters.errors[error.code] ?? 0) + 1;
    if (error.code === 'THROTTLED') this.counters.throttledOut++;
  }
}
