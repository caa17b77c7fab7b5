import { describe, expect, it } from 'vitest';
import { classifyAwsError } from '../../src/aws/classify.js';
import { AwsCallError } from '../../src/aws/errors.js';
import {
  AssumeRoleFailedError,
  RoleNotAuthorizedError,
  StsThrottledError,
} from '../../src/credentials/session-errors.js';
import { isThrottling, isTransient } from '../../src/aws/classify.js';
import { CallCancelledError, CallTimeoutError } from '../../src/aws/timeout.js';
import { backoffDelay, retryKind } from '../../src/aws/throttle-retry.js';
import { withTimeout } from '../../src/aws/timeout.js';

const ctx = {
  service: 'ec2' as const,
  operation: 'DescribeInstances',
  accountId: '111122223333',
  region: 'eu-west-1',
};

/** An error shaped as the AWS SDK throws them. */
function sdkError(
  name: string,
  message: string,
  status: number,
  requestId = 'req-1',
  fault: 'client' | 'server' = status >= 500 ? 'server' : 'client',
) {
  return Object.assign(new Error(message), {
    name,
    $fault: fault,
    $metadata: { httpStatusCode: status, requestId },
  });
}

describe('classifyAwsError', () => {
  it.each([
    ['AuthFailure', 401, 'REGION_NOT_ENABLED', false],
    ['UnauthorizedOperation', 403, 'ACCESS_DENIED', false],
    ['AccessDeniedException', 400, 'ACCESS_DENIED', false],
    ['RequestLimitExceeded', 503, 'THROTTLED', true],
    ['Throttling', 400, 'THROTTLED', true],
    ['ThrottlingException', 400, 'THROTTLED', true],
    ['TooManyRequestsException', 400, 'THROTTLED', true],
    ['InternalError', 500, 'UPSTREAM_ERROR', true],
    ['Unavailable', 503, 'UPSTREAM_ERROR', true],
    ['InvalidParameterValue', 400, 'BAD_USER_INPUT', false],
    ['FilterLimitExceeded', 400, 'BAD_USER_INPUT', false],
    ['SomethingNew', 400, 'UPSTREAM_ERROR', false],
  ] as const)('%s (HTTP %i) → %s', (name, status, code, retryable) => {
    const err = classifyAwsError(sdkError(name, 'msg', status), ctx);
    expect(err).toBeInstanceOf(AwsCallError);
    expect(err.facts()).toMatchObject({
      code,
      retryable,
      awsErrorCode: name,
      requestId: 'req-1',
      service: 'ec2',
      operation: 'DescribeInstances',
      accountId: '111122223333',
      region: 'eu-west-1',
    });
  });

  it('words a disabled Region as such, naming account and Region', () => {
    const err = classifyAwsError(
      sdkError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401),
      ctx,
    );
    expect(err.message).toMatch(/^Region eu-west-1 is not enabled for account 111122223333/);
  });

  it("keeps the broker's message and facts for a role that cannot be assumed", () => {
    const roleArn = 'arn:aws:iam::111122223333:role/CMDBReadRole';
    const sessionError = new RoleNotAuthorizedError(
      `Not authorized to assume ${roleArn} in account 111122223333 (role missing)`,
      {
        accountId: '111122223333',
        roleArn,
        awsErrorCode: 'AccessDenied',
        requestId: 'sts-req',
      },
    );
    expect(classifyAwsError(sessionError, ctx).facts()).toEqual({
      code: 'ROLE_NOT_ASSUMABLE',
      message: sessionError.message,
      accountId: '111122223333',
      // No Region: the session is the whole account's (the call's Region is not where it failed).
      service: 'sts',
      operation: 'AssumeRole',
      awsErrorCode: 'AccessDenied',
      requestId: 'sts-req',
      retryable: false,
    });
    const failed = new AssumeRoleFailedError('AssumeRole failed', {
      accountId: '111122223333',
      roleArn,
      timeout: true,
      retryable: true,
    });
    expect(classifyAwsError(failed, ctx)).toMatchObject({ code: 'UPSTREAM_TIMEOUT', retryable: true });
  });

  it('treats EC2 FilterLimitExceeded (over 200 filter values) as a bad request, never retried', () => {
    const err = sdkError(
      'FilterLimitExceeded',
      'The maximum number of filter values specified on a single call is 200',
      400,
    );
    expect(retryKind(err)).toBeUndefined();
    expect(classifyAwsError(err, ctx)).toMatchObject({
      code: 'BAD_USER_INPUT',
      retryable: false,
      message: expect.stringContaining('maximum number of filter values'),
    });
  });

  it('treats a throttled AssumeRole as throttling, for the account and not the Region', () => {
    const throttled = new StsThrottledError('STS throttled AssumeRole of x', {
      accountId: '111122223333',
      roleArn: 'arn:aws:iam::111122223333:role/CMDBReadRole',
      awsErrorCode: 'Throttling',
    });
    expect(isThrottling(throttled)).toBe(true);
    expect(isTransient(throttled)).toBe(false);
    expect(retryKind(throttled)).toBe('throttled');
    const err = classifyAwsError(throttled, ctx);
    expect(err.facts()).toMatchObject({
      code: 'THROTTLED',
      retryable: true,
      accountId: '111122223333',
      service: 'sts',
      operation: 'AssumeRole',
    });
    expect(err.region).toBeUndefined();
  });

  it('classifies our timeout and a cancellation as UPSTREAM_TIMEOUT', () => {
    expect(classifyAwsError(new CallTimeoutError(250), ctx)).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      retryable: true,
      message: expect.stringContaining('within 250 ms'),
    });
    expect(classifyAwsError(new CallCancelledError('deadline'), ctx)).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      message: expect.stringContaining('cancelled'),
    });
  });

  it('treats a dropped connection as a retryable upstream error', () => {
    const err = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(classifyAwsError(err, ctx)).toMatchObject({
      code: 'UPSTREAM_ERROR',
      retryable: true,
      awsErrorCode: 'ECONNRESET',
    });
  });

  it('never repeats a secret found in an AWS message', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const err = classifyAwsError(sdkError('InternalError', `oops SecretAccessKey=${secret}`, 500), ctx);
    expect(err.message).not.toContain(secret);
  });

  it('passes an AwsCallError through unchanged', () => {
    const original = new AwsCallError({ code: 'THROTTLED', message: 'x', retryable: true });
    expect(classifyAwsError(original, ctx)).toBe(original);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially, is capped, and stays between half and all of the ceiling', () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(policy, 1, () => 0)).toBe(50);
    expect(backoffDelay(policy, 1, () => 1)).toBe(100);
    expect(backoffDelay(policy, 3, () => 1)).toBe(400);
    expect(backoffDelay(policy, 10, () => 1)).toBe(1000);
    expect(backoffDelay(policy, 10, () => 0)).toBe(500);
  });
});

describe('withTimeout', () => {
  it('rejects with CallTimeoutError and aborts the signal it gave the work', async () => {
    let seen: AbortSignal | undefined;
    const never = (signal: AbortSignal) => {
      seen = signal;
      return new Promise<never>(() => {});
    };
    await expect(withTimeout(5, undefined, never)).rejects.toBeInstanceOf(CallTimeoutError);
    expect(seen?.aborted).toBe(true);
  });

  it("rejects with CallCancelledError when the caller's signal aborts", async () => {
    const controller = new AbortController();
    const pending = withTimeout(10_000, controller.signal, () => new Promise<never>(() => {}));
    controller.abort(new Error('deadline passed'));
    await expect(pending).rejects.toThrow('cancelled before AWS answered: deadline passed');
  });

  it('returns the value of work that finishes in time', async () => {
    expect(await withTimeout(1_000, undefined, async () => 42)).toBe(42);
  });
});
