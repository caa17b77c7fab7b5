import { describe, it, expect } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { SessionBroker } from '../../src/credentials/session-broker.js';
import type { SessionBrokerOptions } from '../../src/credentials/session-broker.js';
import type { AssumeRoleParams } from '../../src/credentials/sts.js';
import {
  AssumeRoleFailedError,
  RoleNotAuthorizedError,
  SessionDurationTooLongError,
  StsThrottledError,
} from '../../src/credentials/session-errors.js';
import { createLogger } from '../../src/log.js';
import { manualClock } from '../helpers/clock.js';
import type { ManualClock } from '../helpers/clock.js';
import { rejectionOf } from '../helpers/rejection.js';

const ACCOUNT = '111111111111';
const OTHER = '222222222222';

/** An AWS SDK-shaped service error. */
function awsError(name: string, message: string, status: number): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: `req-${name}` },
  });
}

/** A fake STS: records every AssumeRole, issues credentials on the test clock, fails as told per account. */
function fakeSts(clock: ManualClock, lifetimeSeconds = 3600) {
  const calls: AssumeRoleParams[] = [];
  const issued: AwsCredentialIdentity[] = [];
  const failures = new Map<string, () => Error>();
  let serial = 0;
  let gate: Promise<void> | undefined;
  const assumeRole = async (params: AssumeRoleParams): Promise<AwsCredentialIdentity> => {
    calls.push(params);
    if (gate) await gate;
    const account = params.RoleArn.split(':')[4] ?? '';
    const failure = failures.get(account);
    if (failure) throw failure();
    serial++;
    const credentials = {
      accessKeyId: `ASIAFAKE${String(serial).padStart(12, '0')}`,
      secretAccessKey: randomBytes(30).toString('base64'), // 40 characters, as AWS's
      sessionToken: 'IQoJb3JpZ2luX2VjE' + randomBytes(96).toString('base64'),
      expiration: new Date(clock() + lifetimeSeconds * 1000),
    };
    issued.push(credentials);
    return credentials;
  };
  return {
    assumeRole,
    calls,
    issued,
    failures,
    /** Holds every AssumeRole until the returned function is called. */
    hold(): () => void {
      let release!: () => void;
      gate = new Promise<void>((resolve) => (release = resolve));
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

function setup(options: Partial<SessionBrokerOptions> = {}, lifetimeSeconds = 3600) {
  const clock = manualClock(Date.UTC(2026, 10, 23, 12, 0, 0));
  const sts = fakeSts(clock, lifetimeSeconds);
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', sink: (line) => lines.push(line), clock });
  const broker = new SessionBroker({ assumeRole: sts.assumeRole, clock, logger, ...options });
  return { clock, sts, broker, lines };
}

describe('SessionBroker', () => {
  it('coalesces 1,000 concurrent calls for one account into one AssumeRole', async () => {
    const { broker, sts } = setup();
    const results = await Promise.all(Array.from({ length: 1000 }, () => broker.credentialsFor(ACCOUNT)));
    expect(sts.calls).toHaveLength(1);
    expect(new Set(results.map((c) => c.accessKeyId)).size).toBe(1);
    expect(broker.metrics()).toMatchObject({ miss: 1, join: 999, hit: 0, failure: 0, sessions: 1 });
    await broker.credentialsFor(ACCOUNT);
    expect(broker.metrics().hit).toBe(1);
    expect(sts.calls).toHaveLength(1);
  });

  it('asks STS with the role ARN from the template, the ExternalId, the session name and the duration', async () => {
    const { broker, sts } = setup({
      role: { partition: 'aws-cn', path: '/cmdb/', roleName: 'Reader' },
      externalId: 'ext-123',
      durationSeconds: 7200,
      refreshWindowSeconds: 60,
    });
    await broker.credentialsFor(ACCOUNT);
    expect(sts.calls).toEqual([
      {
        RoleArn: `arn:aws-cn:iam::${ACCOUNT}:role/cmdb/Reader`,
        RoleSessionName: 'orgraph',
        DurationSeconds: 7200,
        ExternalId: 'ext-123',
      },
    ]);
  });

  it('defaults to CMDBReadRole, session name orgraph, 3600 seconds and no ExternalId', async () => {
    const { broker, sts } = setup();
    await broker.credentialsFor(ACCOUNT);
    expect(sts.calls).toEqual([
      {
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/CMDBReadRole`,
        RoleSessionName: 'orgraph',
        DurationSeconds: 3600,
      },
    ]);
  });

  it('caps the duration at one hour under role chaining and logs one line saying so', () => {
    const { broker, lines } = setup({ durationSeconds: 7200, roleChaining: true });
    expect(broker.durationSeconds).toBe(3600);
    const capped = lines.filter((l) => l.includes('role chaining'));
    expect(capped).toHaveLength(1);
    expect(JSON.parse(capped[0] ?? '{}')).toMatchObject({
      level: 'warn',
      requestedDurationSeconds: 7200,
      durationSeconds: 3600,
    });
  });

  it('keeps a longer duration when the central principal is not a role session', () => {
    const { broker, lines } = setup({ durationSeconds: 7200 });
    expect(broker.durationSeconds).toBe(7200);
    expect(lines.some((l) => l.includes('role chaining'))).toBe(false);
  });

  it('rejects a role session name outside 2–64 characters of [\\w+=,.@-] at construction', () => {
    const clock = manualClock();
    const assumeRole = fakeSts(clock).assumeRole;
    expect(() => new SessionBroker({ assumeRole, roleSessionName: 'x' })).toThrow(
      /roleSessionName must be 2–64 characters.*got 'x'/,
    );
    expect(() => new SessionBroker({ assumeRole, roleSessionName: 'has space' })).toThrow(/roleSessionName/);
    expect(() => new SessionBroker({ assumeRole, roleSessionName: 'a'.repeat(65) })).toThrow(
      /roleSessionName/,
    );
    expect(new SessionBroker({ assumeRole, roleSessionName: 'ok+=,.@-_9' }).roleSessionName).toBe(
      'ok+=,.@-_9',
    );
  });

  it('rejects an account id that is not 12 digits without calling STS', async () => {
    const { broker, sts } = setup();
    await expect(broker.credentialsFor('12345')).rejects.toThrow(/12 digits \(got '12345'\)/);
    expect(sts.calls).toHaveLength(0);
  });

  it('refreshes before the window so no caller receives credentials expiring within it', async () => {
    const { broker, sts, clock } = setup({ refreshWindowSeconds: 300 }, 900);
    for (let t = 0; t <= 3600; t += 10) {
      const now = clock();
      const c = await broker.credentialsFor(ACCOUNT);
      expect(c.expiration!.getTime() - now).toBeGreaterThan(300_000);
      clock.advance(10_000);
    }
    // A 900 s session is fresh for 600 s: assumed at t = 0, 600, ..., 3600.
    expect(sts.calls).toHaveLength(7);
    expect(broker.metrics()).toMatchObject({ miss: 1, refresh: 6 });
  });

  it('lets callers during a refresh join it instead of handing out the stale session', async () => {
    const { broker, sts, clock } = setup({ refreshWindowSeconds: 300 }, 900);
    const first = await broker.credentialsFor(ACCOUNT);
    clock.advance(650_000); // inside the window, not yet expired
    const release = sts.hold();
    const during = Array.from({ length: 5 }, () => broker.credentialsFor(ACCOUNT));
    release();
    const got = await Promise.all(during);
    expect(sts.calls).toHaveLength(2);
    expect(
      got.every((c) => c.accessKeyId !== first.accessKeyId && c.accessKeyId === got[0]?.accessKeyId),
    ).toBe(true);
    expect(broker.metrics()).toMatchObject({ refresh: 1, join: 4 });
  });

  it('keeps one session per account, separate between accounts', async () => {
    const { broker, sts } = setup();
    const [a, b] = await Promise.all([broker.credentialsFor(ACCOUNT), broker.credentialsFor(OTHER)]);
    expect(a.accessKeyId).not.toBe(b.accessKeyId);
    expect(sts.calls.map((c) => c.RoleArn)).toEqual([
      `arn:aws:iam::${ACCOUNT}:role/CMDBReadRole`,
      `arn:aws:iam::${OTHER}:role/CMDBReadRole`,
    ]);
  });

  it('remembers AccessDenied for the negative-cache time and returns the same error without calling STS', async () => {
    const { broker, sts, clock } = setup({ negativeCacheSeconds: 60 });
    sts.failures.set(ACCOUNT, () =>
      awsError(
        'AccessDenied',
        `User: arn:aws:iam::999999999999:user/orgraph is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCOUNT}:role/CMDBReadRole`,
        403,
      ),
    );
    const first = await rejectionOf(broker.credentialsFor(ACCOUNT));
    expect(first).toBeInstanceOf(RoleNotAuthorizedError);
    expect(first.message).toContain(
      `Not authorized to assume arn:aws:iam::${ACCOUNT}:role/CMDBReadRole in account ${ACCOUNT}`,
    );
    expect(first.message).toContain('(role missing, trust policy, or ExternalId mismatch');
    expect(first).toMatchObject({
      accountId: ACCOUNT,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/CMDBReadRole`,
      code: 'ROLE_NOT_ASSUMABLE',
      awsErrorCode: 'AccessDenied',
      requestId: 'req-AccessDenied',
      retryable: false,
    });
    clock.advance(59_000);
    const second = await rejectionOf(broker.credentialsFor(ACCOUNT));
    expect(second).toBe(first);
    expect(sts.calls).toHaveLength(1);
    expect(broker.metrics()).toMatchObject({ failure: 1, negativeHit: 1 });
    clock.advance(1_000);
    sts.failures.delete(ACCOUNT);
    const creds = await broker.credentialsFor(ACCOUNT);
    expect(creds.accessKeyId).toMatch(/^ASIA/);
    expect(sts.calls).toHaveLength(2);
  });

  it('does not let one denied account affect another', async () => {
    const { broker, sts } = setup();
    sts.failures.set(ACCOUNT, () => awsError('AccessDenied', 'denied', 403));
    await expect(broker.credentialsFor(ACCOUNT)).rejects.toBeInstanceOf(RoleNotAuthorizedError);
    await expect(broker.credentialsFor(OTHER)).resolves.toMatchObject({
      accessKeyId: expect.stringMatching(/^ASIA/),
    });
  });

  it('classifies a too-long duration as its own error and remembers it too', async () => {
    const { broker, sts } = setup({ durationSeconds: 7200 });
    sts.failures.set(ACCOUNT, () =>
      awsError(
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
        400,
      ),
    );
    const err = await rejectionOf(broker.credentialsFor(ACCOUNT));
    expect(err).toBeInstanceOf(SessionDurationTooLongError);
    expect(err.message).toMatch(
      new RegExp(
        `Cannot assume arn:aws:iam::${ACCOUNT}:role/CMDBReadRole in account ${ACCOUNT}: DurationSeconds 7200`,
      ),
    );
    await expect(broker.credentialsFor(ACCOUNT)).rejects.toBe(err);
    expect(sts.calls).toHaveLength(1);
  });

  it('does not cache throttling, server errors or network failures: the next caller tries again', async () => {
    const { broker, sts } = setup();
    const errors = [
      () => awsError('Throttling', 'Rate exceeded', 400),
      () => awsError('InternalFailure', 'internal', 500),
      () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    ];
    const kinds: Error[] = [];
    for (const make of errors) {
      sts.failures.set(ACCOUNT, make);
      kinds.push(await rejectionOf(broker.credentialsFor(ACCOUNT)));
    }
    expect(kinds[0]).toBeInstanceOf(StsThrottledError);
    expect(kinds[1]).toBeInstanceOf(AssumeRoleFailedError);
    expect(kinds[1]).toMatchObject({
      retryable: true,
      code: 'UPSTREAM_ERROR',
      awsErrorCode: 'InternalFailure',
    });
    expect(kinds[2]).toMatchObject({ retryable: true, awsErrorCode: 'ECONNREFUSED' });
    expect(kinds[2]?.message).toContain(
      `AssumeRole of arn:aws:iam::${ACCOUNT}:role/CMDBReadRole in account ${ACCOUNT} failed`,
    );
    expect(sts.calls).toHaveLength(3);
    sts.failures.delete(ACCOUNT);
    await expect(broker.credentialsFor(ACCOUNT)).resolves.toMatchObject({
      accessKeyId: expect.stringMatching(/^ASIA/),
    });
    expect(sts.calls).toHaveLength(4);
    expect(broker.metrics()).toMatchObject({ failure: 3, negativeHit: 0 });
  });

  it('rejects every joined caller of a failed AssumeRole, then starts afresh', async () => {
    const { broker, sts } = setup();
    sts.failures.set(ACCOUNT, () => awsError('InternalFailure', 'internal', 500));
    const release = sts.hold();
    const joined = Array.from({ length: 10 }, () => broker.credentialsFor(ACCOUNT));
    release();
    const outcomes = await Promise.allSettled(joined);
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    expect(sts.calls).toHaveLength(1);
    sts.failures.delete(ACCOUNT);
    await broker.credentialsFor(ACCOUNT);
    expect(sts.calls).toHaveLength(2);
  });

  it('invalidate drops the session only while it is still the current one', async () => {
    const { broker, sts } = setup();
    const first = await broker.credentialsFor(ACCOUNT);
    expect(broker.invalidate(ACCOUNT, first)).toBe(true);
    const second = await broker.credentialsFor(ACCOUNT);
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    // A late report about the first session must not throw away the second.
    expect(broker.invalidate(ACCOUNT, first)).toBe(false);
    expect((await broker.credentialsFor(ACCOUNT)).accessKeyId).toBe(second.accessKeyId);
    expect(sts.calls).toHaveLength(2);
    expect(broker.metrics().invalidated).toBe(1);
    expect(broker.invalidate(OTHER, first)).toBe(false);
  });

  it('treats the central account as a member unless told to use the central credentials', async () => {
    const central = {
      accountId: ACCOUNT,
      credentials: async () => ({ accessKeyId: 'AKIACENTRAL', secretAccessKey: 'centralSecret' }),
    };
    const member = setup({ central });
    await member.broker.credentialsFor(ACCOUNT);
    expect(member.sts.calls).toHaveLength(1);

    const direct = setup({ central, useCentralCredentialsForCentralAccount: true });
    await expect(direct.broker.credentialsFor(ACCOUNT)).resolves.toMatchObject({
      accessKeyId: 'AKIACENTRAL',
    });
    await direct.broker.credentialsFor(OTHER);
    expect(direct.sts.calls.map((c) => c.RoleArn)).toEqual([`arn:aws:iam::${OTHER}:role/CMDBReadRole`]);
  });

  it('is bounded by an LRU of maxSessions accounts', async () => {
    const { broker, sts } = setup({ maxSessions: 2 });
    await broker.credentialsFor('100000000001');
    await broker.credentialsFor('100000000002');
    await broker.credentialsFor('100000000003');
    expect(broker.metrics().sessions).toBe(2);
    await broker.credentialsFor('100000000001'); // evicted: assumed again
    expect(sts.calls).toHaveLength(4);
  });

  it('hands the SDK a provider marked memoized that asks the broker each time', async () => {
    const { broker, sts } = setup();
    const provider = broker.providerFor(ACCOUNT);
    expect(provider.memoized).toBe(true);
    const a = await provider();
    const b = await provider();
    expect(a).toBe(b);
    expect(sts.calls).toHaveLength(1);
    expect(provider.invalidate(a)).toBe(true);
    expect((await provider()).accessKeyId).not.toBe(a.accessKeyId);
  });

  it('never writes a secret key or session token into a log line or an error message', async () => {
    const { broker, sts, lines, clock } = setup({ refreshWindowSeconds: 60 }, 900);
    for (let i = 0; i < 5; i++) {
      const c = await broker.credentialsFor(ACCOUNT);
      broker.invalidate(ACCOUNT, c);
      clock.advance(1000);
    }
    // An AWS message that (wrongly) quotes secrets must be scrubbed before it is repeated.
    const leaked = sts.issued[0]!;
    sts.failures.set(OTHER, () =>
      awsError('InternalFailure', `oops ${leaked.secretAccessKey} ${leaked.sessionToken}`, 500),
    );
    const err = await rejectionOf(broker.credentialsFor(OTHER));
    const texts = [...lines, err.message];
    expect(lines.length).toBeGreaterThan(5);
    for (const c of sts.issued) {
      for (const text of texts) {
        expect(text).not.toContain(c.secretAccessKey);
        expect(text).not.toContain(c.sessionToken);
      }
    }
  });
});
