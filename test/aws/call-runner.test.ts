// The call runner with a fake broker and fake requests: where AssumeRole failures are retried (here,
// once per attempt), throttling of the AssumeRole behind a call, the throttle budget, requests AWS
// refuses as too large, and slots kept while an abandoned AssumeRole is still running.
import { describe, expect, it } from 'vitest';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { CallRunner } from '../../src/aws/call-runner.js';
import type { AwsCallSpec, RunnerOptions } from '../../src/aws/call-runner.js';
import { FairLimiter } from '../../src/aws/limiter.js';
import type { SessionSource } from '../../src/aws/session-retry.js';
import { THROTTLE_MAX_ATTEMPTS, mayRetry } from '../../src/aws/throttle-retry.js';
import type { RetryPolicy } from '../../src/aws/throttle-retry.js';
import { AwsCallError } from '../../src/aws/errors.js';
import { CallCancelledError } from '../../src/aws/timeout.js';
import { AssumeRoleFailedError, StsThrottledError } from '../../src/credentials/session-errors.js';
import { manualClock } from '../helpers/clock.js';
import { deferred } from '../helpers/deferred.js';

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/CMDBReadRole`;
const SESSION: AwsCredentialIdentity = { accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't' };

/** Lets queued promise callbacks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function sdkError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'req-1' },
  });
}

function setup(broker: SessionSource, policy: Partial<RetryPolicy> = {}, extra: Partial<RunnerOptions> = {}) {
  const clock = manualClock(1_800_000_000_000);
  const slept: number[] = [];
  const limiter = new FairLimiter({ globalLimit: 4, perLaneLimit: 4, clock });
  const runner = new CallRunner({
    limiter,
    broker,
    policy: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, ...policy },
    timeoutMs: 10_000,
    sleep: async (ms) => {
      slept.push(ms);
      clock.advance(ms);
    },
    random: () => 0.5,
    clock,
    ...extra,
  });
  return { runner, limiter, slept, clock };
}

/** What the SDK answers, as the runner sees it. */
interface Answer {
  value: string;
  $metadata: { attempts?: number };
}

function ec2Spec(send: AwsCallSpec<Answer>['send'], signal?: AbortSignal): AwsCallSpec<Answer> {
  return {
    service: 'ec2',
    operation: 'DescribeInstances',
    accountId: ACCOUNT,
    region: 'eu-west-1',
    ...(signal ? { signal } : {}),
    send,
  };
}

const answer = async (): Promise<Answer> => ({ value: 'answer', $metadata: { attempts: 1 } });
const GATE = `ec2|${ACCOUNT}|eu-west-1|DescribeInstances`;

async function failure(promise: Promise<unknown>): Promise<AwsCallError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof AwsCallError) return err;
  throw new Error(`expected an AwsCallError, got ${String(err)}`);
}

describe('CallRunner and the AssumeRole behind a call', () => {
  it('retries a throttled AssumeRole through the throttle path, without cutting the API gate', async () => {
    let throttledAssumes = 0;
    const broker: SessionSource = {
      credentialsFor: async () => {
        if (throttledAssumes < 2) {
          throttledAssumes++;
          throw new StsThrottledError('STS throttled AssumeRole', { accountId: ACCOUNT, roleArn: ROLE });
        }
        return SESSION;
      },
      invalidate: () => false,
    };
    const { runner, limiter, slept } = setup(broker);
    await expect(runner.run(ec2Spec(answer))).resolves.toMatchObject({ value: 'answer' });
    expect(throttledAssumes).toBe(2);
    expect(runner.stats()).toMatchObject({ throttled: 2, retries: 2, throttledOut: 0, errors: {} });
    expect(slept).toEqual([75, 150]); // the backoff, no pacing: STS, not this API, said slow down
    expect(limiter.gateLimit(GATE)).toBe(4);
    expect(limiter.gateSpacing(GATE)).toBe(0);
  });

  it('a throttled AssumeRole that outlasts the attempts is THROTTLED, for the account (no Region)', async () => {
    const broker: SessionSource = {
      credentialsFor: async () => {
        throw new StsThrottledError('STS throttled AssumeRole', {
          accountId: ACCOUNT,
          roleArn: ROLE,
          awsErrorCode: 'Throttling',
        });
      },
      invalidate: () => false,
    };
    const { runner } = setup(broker, { maxAttempts: 1 });
    const err = await failure(runner.run(ec2Spec(answer)));
    expect(err.facts()).toMatchObject({
      code: 'THROTTLED',
      retryable: true,
      accountId: ACCOUNT,
      service: 'sts',
      operation: 'AssumeRole',
      awsErrorCode: 'Throttling',
    });
    expect(err.region).toBeUndefined();
    expect(runner.stats()).toMatchObject({ throttled: 1, throttledOut: 1, retries: 0 });
  });

  it('retries a transiently failed AssumeRole once per attempt, and no more', async () => {
    let assumes = 0;
    const broker: SessionSource = {
      credentialsFor: async () => {
        assumes++;
        throw new AssumeRoleFailedError('STS unavailable', {
          accountId: ACCOUNT,
          roleArn: ROLE,
          timeout: false,
          retryable: true,
          transient: true,
        });
      },
      invalidate: () => false,
    };
    const { runner } = setup(broker, { maxAttempts: 3 });
    const err = await failure(runner.run(ec2Spec(answer)));
    expect(err).toMatchObject({ code: 'UPSTREAM_ERROR', service: 'sts', operation: 'AssumeRole' });
    expect(assumes).toBe(3);
    // access checks go through the same loop
    assumes = 0;
    await expect(runner.ensureSession(ACCOUNT)).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect(assumes).toBe(3);
  });

  it('keeps the slot of an abandoned call until its AssumeRole has finished', async () => {
    let finishAssume: (session: AwsCredentialIdentity) => void = () => {};
    const pending = new Promise<AwsCredentialIdentity>((resolve) => {
      finishAssume = resolve;
    });
    const broker: SessionSource = { credentialsFor: () => pending, invalidate: () => false };
    const clock = manualClock();
    const limiter = new FairLimiter({ globalLimit: 1, perLaneLimit: 1, clock });
    const runner = new CallRunner({
      limiter,
      broker,
      policy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      timeoutMs: 60_000,
      sleep: async () => {},
      random: () => 0.5,
      clock,
    });
    const sent: string[] = [];
    const controller = new AbortController();
    const first = failure(runner.run(ec2Spec(async () => (sent.push('first'), answer()), controller.signal)));
    await settle();
    const second = runner.run({
      ...ec2Spec(async () => (sent.push('second'), answer())),
      region: 'us-east-1',
    });
    await settle();
    controller.abort(new Error('client went away'));
    expect(await first).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    await settle();
    // The AssumeRole the first call started is still running: its slot stays taken.
    expect(limiter.stats()).toMatchObject({ inFlight: 1, queued: 1 });
    finishAssume(SESSION);
    await expect(second).resolves.toMatchObject({ value: 'answer' });
    expect(sent).toEqual(['second']); // the abandoned call sent nothing once its session came
    expect(limiter.stats()).toMatchObject({ inFlight: 0, queued: 0, peakInFlight: 1 });
  });
});

describe('CallRunner and the central check (DeferredBroker)', () => {
  it('waits for the check before its slot and its time limit; sessions are asked for only after it', async () => {
    const check = deferred<void>();
    let asked = 0;
    let ready = false;
    const broker: SessionSource = {
      credentialsFor: async () => {
        asked++;
        return SESSION;
      },
      invalidate: () => false,
      untilReady: () => (ready ? undefined : check.promise),
    };
    const { runner, limiter } = setup(broker);
    const organizations = runner.run({
      service: 'organizations',
      operation: 'ListAccounts',
      send: answer,
    });
    const call = runner.run(ec2Spec(answer));
    await settle();
    await expect(organizations).resolves.toMatchObject({ value: 'answer' }); // needs no member session
    expect(asked).toBe(0);
    expect(limiter.stats().inFlight).toBe(0); // no slot held while waiting
    ready = true;
    check.resolve();
    await expect(call).resolves.toMatchObject({ value: 'answer' });
    expect(asked).toBeGreaterThan(0);
  });

  it("fails a waiting call with the check's error, and stops waiting when the caller goes away", async () => {
    const check = deferred<void>();
    const broker: SessionSource = {
      credentialsFor: async () => SESSION,
      invalidate: () => false,
      untilReady: () => check.promise,
    };
    const { runner } = setup(broker);
    const controller = new AbortController();
    const abandoned = runner.run(ec2Spec(answer, controller.signal));
    const failed = runner.run(ec2Spec(answer));
    controller.abort();
    expect((await failure(abandoned)).cause).toBeInstanceOf(CallCancelledError);
    check.reject(new Error('STS rejected the signature of the default credential chain'));
    expect((await failure(failed)).message).toContain('STS rejected the signature');
  });
});

describe('CallRunner: throttling and refusals of the request', () => {
  const broker: SessionSource = { credentialsFor: async () => SESSION, invalidate: () => false };

  it('retries throttling beyond maxAttempts until the throttle budget is spent, pacing the retries', async () => {
    const { runner, slept, limiter } = setup(broker, { maxAttempts: 2, throttleBudgetMs: 3_000 });
    let sends = 0;
    const err = await failure(
      runner.run(
        ec2Spec(async () => {
          sends++;
          throw sdkError('RequestLimitExceeded', 503);
        }),
      ),
    );
    expect(err).toMatchObject({ code: 'THROTTLED', retryable: true, awsErrorCode: 'RequestLimitExceeded' });
    expect(sends).toBeGreaterThan(2);
    expect(err.message).toContain(`after ${sends} attempts`);
    // The budget stopped it (3 s of backoff and pacing), not the hard cap on attempts.
    expect(slept.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThanOrEqual(3_000);
    expect(sends).toBeLessThan(THROTTLE_MAX_ATTEMPTS);
    expect(limiter.gateSpacing(GATE)).toBeGreaterThan(0);
    expect(runner.stats()).toMatchObject({ throttled: sends, retries: sends - 1, throttledOut: 1 });
  });

  it('does not retry FilterLimitExceeded (too many filter values): BAD_USER_INPUT', async () => {
    const { runner } = setup(broker);
    let sends = 0;
    const err = await failure(
      runner.run(
        ec2Spec(async () => {
          sends++;
          throw sdkError('FilterLimitExceeded', 400);
        }),
      ),
    );
    expect(err.facts()).toMatchObject({
      code: 'BAD_USER_INPUT',
      retryable: false,
      awsErrorCode: 'FilterLimitExceeded',
      region: 'eu-west-1',
    });
    expect(sends).toBe(1);
  });
});

describe('mayRetry', () => {
  const policy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 2_000, throttleBudgetMs: 5_000 };
  it('gives transient failures maxAttempts, throttling its budget as well, and nothing to maxAttempts 1', () => {
    expect(mayRetry(policy, 'transient', 2, 0)).toBe(true);
    expect(mayRetry(policy, 'transient', 3, 0)).toBe(false);
    expect(mayRetry(policy, 'throttled', 3, 4_999)).toBe(true);
    expect(mayRetry(policy, 'throttled', 3, 5_000)).toBe(false);
    expect(mayRetry(policy, undefined, 1, 0)).toBe(false);
    expect(mayRetry({ ...policy, maxAttempts: 1 }, 'throttled', 1, 0)).toBe(false);
    expect(mayRetry({ ...policy, throttleBudgetMs: 1e9 }, 'throttled', 30, 0)).toBe(false);
  });
});
