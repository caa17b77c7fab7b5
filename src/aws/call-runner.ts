// Runs one AWS call the way every call of the data layer runs:
//   fair slot (global + per account/Region + adaptive per API)  →  paced start if AWS throttled that
//   API there  →  timeout and caller's signal  →  broker session (AssumeRole when needed), retried
//   once with a fresh one if AWS refuses it  →  the SDK request;
// throttling and transient failures — of the request or of the AssumeRole behind it — are retried here,
// and only here, with jittered backoff (the slot is given back while waiting, the API's gate is kept,
// cut and paced); whatever is left is classified in one place.
//
// A slot is held until the work under it has really stopped: when a call times out or its caller
// goes away while its AssumeRole (which cannot be aborted: it is shared) is still running, the slot
// stays taken until STS answers, so the global in-flight limit holds for what AWS actually sees. (An
// SDK request is cut by the abort itself, so its slot is given back at once.)
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { SessionCheck, SessionSource } from './session-retry.js';
import { withSessionRetry } from './session-retry.js';
import type { AwsService } from './classify.js';
import { classifyAwsError } from './classify.js';
import type { CallContext } from './classify.js';
import type { AwsCallError, GatewayErrorCode } from './errors.js';
import type { FairLimiter, Permit } from './limiter.js';
import type { RetryPolicy, Sleep } from './throttle-retry.js';
import { backoffDelay, mayRetry, retryKind } from './throttle-retry.js';
import { startWithTimeout, untilCancelled } from './timeout.js';
import { SessionError } from '../credentials/session-errors.js';

/** Accounts × Regions remembered as "not enabled" (with the session that found it out). */
const DISABLED_REGION_MEMORY_MAX = 10_000;
/**
 * The longest a slot stays taken after its caller has gone, waiting for the work under it to stop: a
 * safety net for a request that never ends (no HTTP request timeout configured), not a normal wait.
 */
export const LINGER_MAX_MS = 120_000;
/** One gate for every Organizations API: AWS throttles Organizations per account, not per API. */
const ORGANIZATIONS_GATE = 'organizations|*';

/** What every SDK output carries: the SDK's own attempt count (to notice SDK-level retries). */
/**
 * SDK attempts per request for every client whose calls the runner makes (the pool, the broker's STS
 * client): retries are the runner's, so the SDK must not retry as well.
 */
export const SDK_MAX_ATTEMPTS = 1;

export interface SdkAnswer {
  $metadata: { attempts?: number };
}

export interface AwsCallSpec<T extends SdkAnswer> {
  service: Exclude<AwsService, 'sts'>;
  operation: string;
  /** EC2: the account and Region; the call uses the account's broker session. Absent for Organizations. */
  accountId?: string;
  region?: string;
  signal?: AbortSignal;
  /** One SDK request; pass `abortSignal` to `client.send`. */
  send(abortSignal: AbortSignal): Promise<T>;
}

export interface RunnerOptions {
  limiter: FairLimiter;
  broker: SessionSource;
  policy: RetryPolicy;
  timeoutMs: number;
  sleep: Sleep;
  random: () => number;
  clock?: () => number;
  /**
   * Asks STS whether a session EC2 refused with AuthFailure is valid (then the Region is not enabled
   * and the session is kept). Absent: the session is dropped and the call retried with a new one.
   */
  checkSession?: SessionCheck;
}

export interface RunnerStats {
  /** Requests sent to AWS, per 'service:Operation' (a session retry counts twice). */
  calls: Record<string, number>;
  /** Our retries (throttling and transient failures). */
  retries: number;
  /** Throttling answers received (AssumeRole's included). */
  throttled: number;
  /** Calls that failed as THROTTLED after all attempts. */
  throttledOut: number;
  /** Extra attempts the SDK made on its own (0 when the pool is built with maxAttempts 1). */
  sdkRetries: number;
  /** Failed calls by gateway error code. */
  errors: Partial<Record<GatewayErrorCode, number>>;
}

/**
 * One attempt's work. `hold` is told about work that the abort signal cannot stop (an AssumeRole
 * shared with other callers): if the attempt is abandoned while that is still running, the slot is
 * kept until it has finished.
 */
type Work<T> = (abortSignal: AbortSignal, hold: (unabortable: Promise<unknown>) => void) => Promise<T>;

/** Where a call queues: its lane, its gate, and how its failures are described. */
interface Route {
  lane: string;
  gate: string;
  context: CallContext;
  signal: AbortSignal | undefined;
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
   * (account|Region) → the access key id of the session EC2 refused there although STS accepted it:
   * the Region is not enabled. Not a cache of the failure (the call is still made), only a reason not
   * to check or drop that session again there; a new session starts over (with a cheap check).
   */
  private readonly disabledRegions = new Map<string, string>();

  constructor(private readonly options: RunnerOptions) {}

  run<T extends SdkAnswer>(spec: AwsCallSpec<T>): Promise<T> {
    const lane = spec.service === 'ec2' ? `ec2|${spec.accountId ?? ''}|${spec.region ?? ''}` : spec.service;
    const route: Route = {
      lane,
      gate: spec.service === 'organizations' ? ORGANIZATIONS_GATE : `${lane}|${spec.operation}`,
      context: {
        service: spec.service,
        operation: spec.operation,
        ...(spec.accountId !== undefined ? { accountId: spec.accountId } : {}),
        ...(spec.region !== undefined ? { region: spec.region } : {}),
      },
      signal: spec.signal,
    };
    return this.execute(route, (abortSignal, hold) => this.attempt(spec, abortSignal, hold));
  }

  /**
   * Makes sure the broker holds a session for the account, under the same fan-out limits, timeout and
   * retries as every other call (an AssumeRole is an AWS call too). The broker remembers refusals
   * itself, so a role that cannot be assumed is not retried.
   */
  async ensureSession(accountId: string, signal?: AbortSignal): Promise<void> {
    const lane = `sts|${accountId}`;
    await this.execute(
      {
        lane,
        gate: `${lane}|AssumeRole`,
        context: { service: 'sts', operation: 'AssumeRole', accountId },
        signal,
      },
      async (_abortSignal, hold) => {
        const session = this.options.broker.credentialsFor(accountId);
        hold(session);
        await session;
      },
    );
  }

  stats(): RunnerStats {
    return { ...this.counters, calls: { ...this.counters.calls }, errors: { ...this.counters.errors } };
  }

  /** Counts a request made on behalf of the runner outside `send` (the session check). */
  noteCall(key: string): void {
    this.counters.calls[key] = (this.counters.calls[key] ?? 0) + 1;
  }

  /** The retry loop: slot, pacing, timed attempt, retry decision; classifies what it gives up on. */
  private async execute<T>(route: Route, work: Work<T>): Promise<T> {
    const { limiter, policy } = this.options;
    let attempts = 0;
    // Set when the call gave up while it was still waiting for the account's session: then it is the
    // AssumeRole that did not answer, and no request of the call's own service was even sent.
    let blame: CallContext | undefined;
    try {
      // A call that needs a member session waits for the central check (DeferredBroker) here, before
      // its slot and its time limit: the check's time is not this call's, nor AssumeRole's to blame.
      const { context } = route;
      const check =
        context.service !== 'organizations' && context.accountId !== undefined
          ? this.options.broker.untilReady?.()
          : undefined;
      if (check !== undefined) await untilCancelled(check, route.signal);
      const permit = await limiter.acquire(route.lane, route.gate, route.signal);
      // Set when the caller stopped waiting while the work was still running.
      let lingering: Promise<void> | undefined;
      let throttledOnce = false;
      let throttleWaitedMs = 0;
      try {
        for (;;) {
          const pace = limiter.reserve(route.gate);
          if (pace > 0) {
            if (throttledOnce) throttleWaitedMs += pace;
            await this.pause(permit, pace, route.signal);
          }
          attempts++;
          const sentAt = this.now();
          let unabortable: Promise<void> | undefined;
          const hold = (work: Promise<unknown>) => {
            const stopped = work.then(
              () => undefined,
              () => undefined,
            );
            unabortable = stopped;
            void stopped.then(() => {
              if (unabortable === stopped) unabortable = undefined;
            });
          };
          const attempt = startWithTimeout(this.options.timeoutMs, route.signal, (abortSignal) =>
            work(abortSignal, hold),
          );
          try {
            const value = await attempt.result;
            limiter.succeeded(route.gate);
            return value;
          } catch (err) {
            if (!attempt.isSettled()) {
              lingering = unabortable;
              if (unabortable !== undefined && route.context.accountId !== undefined)
                blame = { service: 'sts', operation: 'AssumeRole', accountId: route.context.accountId };
              throw err;
            }
            const kind = retryKind(err);
            if (kind === 'throttled') {
              this.counters.throttled++;
              throttledOnce = true;
              // STS throttles the central principal, not this API here: back off, leave the gate be.
              if (!(err instanceof SessionError)) limiter.throttled(route.gate, sentAt);
            }
            if (!mayRetry(policy, kind, attempts, throttleWaitedMs)) throw err;
            this.counters.retries++;
            const delay = backoffDelay(policy, attempts, this.options.random);
            if (throttledOnce) throttleWaitedMs += delay;
            await this.pause(permit, delay, route.signal);
          }
        }
      } finally {
        if (lingering) releaseWhenSettled(permit, lingering);
        else permit.release();
      }
    } catch (err) {
      const error = classifyAwsError(err, { ...(blame ?? route.context), attempts });
      this.count(error);
      throw error;
    }
  }

  /** Waits `ms` without holding a global or lane slot (the gate is kept). */
  private async pause(permit: Permit, ms: number, signal: AbortSignal | undefined): Promise<void> {
    permit.suspend();
    await this.options.sleep(ms, signal);
    await permit.resume(signal);
  }

  /** One attempt: EC2 with the account's session (retried once if refused), Organizations as is. */
  private async attempt<T extends SdkAnswer>(
    spec: AwsCallSpec<T>,
    abortSignal: AbortSignal,
    hold: (unabortable: Promise<unknown>) => void,
  ): Promise<T> {
    const send = async () => {
      this.noteCall(`${spec.service}:${spec.operation}`);
      const answer = await spec.send(abortSignal);
      const sdkAttempts = answer.$metadata.attempts ?? 1;
      if (sdkAttempts > 1) this.counters.sdkRetries += sdkAttempts - 1;
      return answer;
    };
    if (spec.service !== 'ec2' || spec.accountId === undefined) return send();
    const accountId = spec.accountId;
    // The session first (an AssumeRole when there is none): it cannot be aborted, being shared, so
    // an attempt that timed out meanwhile stops here instead of sending a request nobody waits for.
    const pending = this.options.broker.credentialsFor(accountId);
    hold(pending);
    const session = await pending;
    if (abortSignal.aborted) throw abortSignal.reason;
    const where = `${accountId}|${spec.region ?? ''}`;
    if (this.disabledRegions.get(where) === session.accessKeyId) {
      const value = await send();
      this.disabledRegions.delete(where); // it answered: enabled after all
      return value;
    }
    return withSessionRetry(this.options.broker, accountId, send, {
      ...(this.options.checkSession ? { checkSession: this.options.checkSession } : {}),
      signal: abortSignal,
      hold,
      onRegionRefused: (refused) => this.rememberDisabled(where, refused),
    });
  }

  private rememberDisabled(where: string, session: AwsCredentialIdentity): void {
    this.disabledRegions.delete(where);
    this.disabledRegions.set(where, session.accessKeyId);
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

/** Gives the permit back once `work` has stopped (or after LINGER_MAX_MS at the latest). */
function releaseWhenSettled(permit: Permit, work: Promise<void>): void {
  const release = () => {
    clearTimeout(timer);
    permit.release();
  };
  const timer = setTimeout(release, LINGER_MAX_MS);
  timer.unref();
  void work.then(release);
}
