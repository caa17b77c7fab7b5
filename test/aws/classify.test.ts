import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ListRootsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  centralRefusal,
  classifyAssumeRoleError,
  classifyAwsError,
  isAbort,
  isRetryableAnswer,
} from '../../src/aws/classify.js';
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
      transient: false,
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

/** A network failure as the SDK's HTTP handler rejects with (a reset connection is renamed TimeoutError). */
function networkError(code: string, message: string, name = 'Error') {
  return Object.assign(new Error(message), { name, code, $metadata: { attempts: 1 } });
}

/** An HTTP answer whose body the SDK could not parse (moto's HTML 500 page, a proxy's text). */
function unparseable(status: number) {
  const err = Object.assign(
    new Error(
      '@aws-sdk XML parse error: mismatched tags <p> and </body>.\n  Deserialization error: to see the raw response…',
    ),
    { $metadata: { httpStatusCode: status, attempts: 1 } },
  );
  Object.defineProperty(err, '$response', { value: { statusCode: status }, enumerable: false });
  return err;
}

describe('one AWS error model: the same rules for every service and for AssumeRole', () => {
  const assumeCtx = {
    accountId: '111122223333',
    roleArn: 'arn:aws:iam::111122223333:role/CMDBReadRole',
    durationSeconds: 3600,
    externalIdConfigured: true,
  };

  it.each([
    [
      'a dropped connection ("socket hang up", named TimeoutError)',
      networkError('ECONNRESET', 'socket hang up', 'TimeoutError'),
      'UPSTREAM_ERROR',
      'transient',
    ],
    [
      'a refused connection',
      networkError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'),
      'UPSTREAM_ERROR',
      'transient',
    ],
    [
      'a DNS failure',
      networkError('EAI_AGAIN', 'getaddrinfo EAI_AGAIN ec2.example'),
      'UPSTREAM_ERROR',
      'transient',
    ],
    ['a socket timeout', networkError('ETIMEDOUT', 'connect ETIMEDOUT'), 'UPSTREAM_TIMEOUT', 'transient'],
    [
      'the HTTP handler timing out',
      Object.assign(new Error('Connection timed out after 10 ms'), {
        name: 'TimeoutError',
        $metadata: { attempts: 1 },
      }),
      'UPSTREAM_TIMEOUT',
      'transient',
    ],
    ['our own per-call time limit', new CallTimeoutError(200), 'UPSTREAM_TIMEOUT', undefined],
    [
      'a TLS certificate failure',
      networkError('CERT_HAS_EXPIRED', 'certificate has expired'),
      'UPSTREAM_ERROR',
      undefined,
    ],
    [
      'HTTP 429 without an AWS code',
      Object.assign(sdkError('Unknown', 'Unknown', 429), {}),
      'THROTTLED',
      'throttled',
    ],
    [
      'the $retryable trait',
      Object.assign(sdkError('SomethingNew', 'try later', 400), { $retryable: {} }),
      'UPSTREAM_ERROR',
      'transient',
    ],
    ['an HTML 500 page', unparseable(500), 'UPSTREAM_ERROR', 'transient'],
    ['an unparseable 403 page', unparseable(403), 'UPSTREAM_ERROR', undefined],
    [
      'EC2ThrottledException (from the SDK list)',
      sdkError('EC2ThrottledException', 'slow down', 400),
      'THROTTLED',
      'throttled',
    ],
  ] as const)('%s → %s, retried as %s', (_what, err, code, kind) => {
    expect(retryKind(err)).toBe(kind);
    expect(classifyAwsError(err, ctx)).toMatchObject({
      code,
      retryable: kind !== undefined || code === 'UPSTREAM_TIMEOUT',
    });
  });

  it('retries a dropped connection during AssumeRole like one on EC2, and blames STS AssumeRole', () => {
    const drop = networkError('ECONNRESET', 'socket hang up', 'TimeoutError');
    const session = classifyAssumeRoleError(drop, assumeCtx);
    expect(session).toBeInstanceOf(AssumeRoleFailedError);
    expect(session).toMatchObject({ code: 'UPSTREAM_ERROR', retryable: true, transient: true });
    expect(retryKind(session)).toBe('transient');
    expect(retryKind(drop)).toBe('transient');
    expect(classifyAwsError(session, ctx).facts()).toMatchObject({
      code: 'UPSTREAM_ERROR',
      service: 'sts',
      operation: 'AssumeRole',
      accountId: '111122223333',
    });
    expect(session.message).toMatch(/lost the connection \(ECONNRESET/);
  });

  it('says an HTML error page is not an AWS response instead of quoting the XML parser', () => {
    const err = classifyAwsError(unparseable(500), ctx);
    expect(err.message).toBe(
      'EC2 DescribeInstances in account 111122223333, Region eu-west-1 answered HTTP 500 with a body that is not an AWS response (could not be parsed) [HTTP 500]',
    );
    expect(err.awsErrorCode).toBeUndefined();
    const session = classifyAssumeRoleError(unparseable(502), assumeCtx);
    expect(session).toMatchObject({ code: 'UPSTREAM_ERROR', transient: true });
    expect(session.message).not.toMatch(/XML parse/);
  });

  it('applies the same throttling rules to AssumeRole as to EC2 and Organizations', () => {
    for (const name of [
      'Throttling',
      'RequestLimitExceeded',
      'TooManyRequestsException',
      'SlowDown',
      'PriorRequestNotComplete',
    ]) {
      expect(classifyAssumeRoleError(sdkError(name, 'slow down', 400), assumeCtx)).toBeInstanceOf(
        StsThrottledError,
      );
      expect(classifyAwsError(sdkError(name, 'slow down', 400), ctx).code).toBe('THROTTLED');
    }
  });

  it('names the endpoint and the time spent when the central check timed out', () => {
    const refusal = centralRefusal(new CallTimeoutError(1000), {
      who: 'the default credential chain',
      endpoint: 'http://127.0.0.1:9',
      attempts: 1,
      timeoutMs: 1000,
    });
    expect(refusal.message).toBe(
      'STS at http://127.0.0.1:9 did not answer GetCallerIdentity for the default credential chain within 1000 ms (aws.callTimeoutMs; 1 attempt)',
    );
  });
});

describe('Roles Anywhere answers (read outside the SDK) follow the same rules', () => {
  it.each([
    ['ThrottlingException', 400, true],
    ['TooManyRequestsException', 429, true],
    ['Unknown', 429, true],
    ['InternalServerException', 500, true],
    ['ServiceUnavailableException', 503, true],
    ['AccessDeniedException', 403, false],
    ['ValidationException', 400, false],
  ] as const)('%s (HTTP %i) retried: %s', (code, status, retried) => {
    expect(isRetryableAnswer({ code, status })).toBe(retried);
  });
});

describe('errors as the real SDK clients throw them', () => {
  it('an HTML 500 page (as moto sends) and a dropped connection, from EC2, STS and Organizations', async () => {
    let mode: 'html' | 'drop' = 'html';
    const server = createServer((req, res) => {
      req.resume();
      if (mode === 'drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<html><body><h1>Internal Server Error<p>boom</body></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = {
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    };
    const calls = [
      {
        service: 'ec2',
        operation: 'DescribeRegions',
        send: () => new EC2Client(config).send(new DescribeRegionsCommand({})),
      },
      {
        service: 'sts',
        operation: 'GetCallerIdentity',
        send: () => new STSClient(config).send(new GetCallerIdentityCommand({})),
      },
      {
        service: 'organizations',
        operation: 'ListRoots',
        send: () => new OrganizationsClient(config).send(new ListRootsCommand({})),
      },
    ] as const;
    try {
      for (const call of calls) {
        mode = 'html';
        const html = await call.send().then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(retryKind(html)).toBe('transient');
        const page = classifyAwsError(html, { service: call.service, operation: call.operation });
        expect(page).toMatchObject({ code: 'UPSTREAM_ERROR', retryable: true, service: call.service });
        expect(page.message).toMatch(/answered HTTP 500 with a body that is not an AWS response/);
        expect(page.message).not.toMatch(/XML|JSON|mismatched|Deserialization/);

        mode = 'drop';
        const drop = await call.send().then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(retryKind(drop)).toBe('transient');
        expect(classifyAwsError(drop, { service: call.service, operation: call.operation })).toMatchObject({
          code: 'UPSTREAM_ERROR',
          retryable: true,
          awsErrorCode: 'ECONNRESET',
        });
      }
    } finally {
      server.close();
    }
  });
});

describe('isAbort', () => {
  it('tells a deadline or a caller gone from a dropped connection the SDK names TimeoutError', () => {
    expect(isAbort(new CallCancelledError('client gone'))).toBe(true);
    expect(isAbort(new CallTimeoutError(10))).toBe(true);
    expect(isAbort(Object.assign(new Error('deadline'), { name: 'TimeoutError' }))).toBe(true);
    expect(isAbort(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe(true);
    expect(isAbort(networkError('ECONNRESET', 'socket hang up', 'TimeoutError'))).toBe(false);
  });
});
