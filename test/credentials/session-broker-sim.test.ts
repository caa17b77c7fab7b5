// The session broker with the real STS client against the simulated AWS: one AssumeRole per account,
// classified refusals remembered for the negative-cache time, other failures retried, no secret leaked.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { SessionBroker } from '../../src/credentials/session-broker.js';
import type { SessionBrokerOptions } from '../../src/credentials/session-broker.js';
import {
  AssumeRoleFailedError,
  RoleNotAuthorizedError,
  SessionDurationTooLongError,
} from '../../src/credentials/session-errors.js';
import { createSharedHttpHandler } from '../../src/aws/client-pool.js';
import { createLogger } from '../../src/log.js';
import { centralCredentials, stsClient } from '../helpers/sim-clients.js';
import { simSessionBroker } from '../helpers/aws-stack.js';
import { manualClock } from '../helpers/clock.js';
import { rejectionOf } from '../helpers/rejection.js';

// Whole seconds, so that the sim's ISO expirations land exactly where the arithmetic says.
const clock = manualClock(Math.floor(Date.now() / 1000) * 1000);
let sim: RunningSim;
const handler = createSharedHttpHandler({ maxSockets: 16 });
const logLines: string[] = [];
const errorMessages: string[] = [];
const received: AwsCredentialIdentity[] = [];
const logger = createLogger({ level: 'debug', sink: (line) => logLines.push(line), clock });

function broker(options: Partial<SessionBrokerOptions> = {}): SessionBroker {
  return simSessionBroker(sim, handler, { clock, logger, ...options });
}

async function credentials(b: SessionBroker, accountId: string): Promise<AwsCredentialIdentity> {
  const c = await b.credentialsFor(accountId);
  received.push(c);
  return c;
}

const failure = (promise: Promise<unknown>) => rejectionOf(promise, errorMessages);

const assumeRoleCount = () => sim.log.count({ service: 'sts', operation: 'AssumeRole' });
// AWS refuses sessions in SUSPENDED and PENDING_CLOSURE accounts (the generator makes a few): pick
// the accounts among the ACTIVE ones.
const member = (i: number) => sim.world.accounts.filter((a) => a.state === 'ACTIVE')[i]!.id;
const roleArnOf = (accountId: string) => `arn:aws:iam::${accountId}:role/${sim.world.readRoleName}`;

beforeAll(async () => {
  sim = await startSim({ seed: 11, accounts: 8, regions: ['us-east-1'], instancesPerRegion: 1, clock });
});
afterAll(async () => {
  handler.destroy();
  await sim.close();
});
beforeEach(() => {
  sim.knobs.scenarios.clear();
  sim.knobs.faults = { errorRate: 0, dropRate: 0 };
  delete sim.knobs.credentialLifetimeSeconds;
  sim.log.reset();
});

describe('SessionBroker against the simulated STS', () => {
  it('makes exactly one AssumeRole for 1,000 concurrent callers, and the session works', async () => {
    const b = broker();
    const account = member(1);
    const all = await Promise.all(Array.from({ length: 1000 }, () => credentials(b, account)));
    expect(assumeRoleCount()).toBe(1);
    expect(new Set(all.map((c) => c.accessKeyId)).size).toBe(1);
    expect(sim.log.entries({ service: 'sts', operation: 'AssumeRole' })[0]?.params).toMatchObject({
      RoleArn: roleArnOf(account),
      RoleSessionName: 'orgraph',
      DurationSeconds: '3600',
      ExternalId: sim.world.externalId,
    });
    const who = await stsClient(sim, all[0]).send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe(account);
    expect(who.Arn).toBe(`arn:aws:sts::${account}:assumed-role/${sim.world.readRoleName}/orgraph`);
    expect(b.metrics()).toMatchObject({ miss: 1, join: 999, failure: 0 });
  });

  it('calls the STS Region it is configured for (regional endpoint)', async () => {
    const b = new SessionBroker({
      sts: {
        region: 'ap-southeast-2',
        credentials: async () => centralCredentials(sim),
        endpoint: sim.endpoint,
        requestHandler: handler,
      },
      role: { roleName: sim.world.readRoleName },
      externalId: sim.world.externalId,
      clock,
    });
    await b.credentialsFor(member(1));
    expect(sim.log.entries({ service: 'sts', operation: 'AssumeRole' }).map((e) => e.region)).toEqual([
      'ap-southeast-2',
    ]);
  });

  it('gives a missing role, a wrong ExternalId and a too-long duration distinct errors naming account and role', async () => {
    const b = broker();
    const [missing, mismatch, shortRole] = [member(2), member(3), member(4)];
    sim.knobs.scenarios.set(missing, { roleMissing: true });
    sim.knobs.scenarios.set(mismatch, { externalIdMismatch: true });
    expect(sim.world.roles.get(roleArnOf(shortRole))?.maxSessionDuration).toBe(3600);
    const long = broker({ durationSeconds: 7200 });

    const e1 = await failure(b.credentialsFor(missing));
    const e2 = await failure(b.credentialsFor(mismatch));
    const e3 = await failure(long.credentialsFor(shortRole));
    expect(e1).toBeInstanceOf(RoleNotAuthorizedError);
    expect(e2).toBeInstanceOf(RoleNotAuthorizedError);
    expect(e3).toBeInstanceOf(SessionDurationTooLongError);
    expect(e1.message).toMatch(
      new RegExp(
        `^Not authorized to assume ${roleArnOf(missing)} in account ${missing} \\(role missing, trust policy, or ExternalId mismatch`,
      ),
    );
    expect(e2.message).toMatch(
      new RegExp(
        `^Not authorized to assume ${roleArnOf(mismatch)} in account ${mismatch} \\(role missing, trust policy, or ExternalId mismatch`,
      ),
    );
    expect(e3.message).toMatch(
      new RegExp(
        `^Cannot assume ${roleArnOf(shortRole)} in account ${shortRole}: DurationSeconds 7200 is longer than the role allows`,
      ),
    );
    expect(new Set([e1.message, e2.message, e3.message]).size).toBe(3);
    for (const [err, account] of [
      [e1, missing],
      [e2, mismatch],
      [e3, shortRole],
    ] as const) {
      expect(err).toMatchObject({
        accountId: account,
        roleArn: roleArnOf(account),
        code: 'ROLE_NOT_ASSUMABLE',
        retryable: false,
      });
    }
    expect(assumeRoleCount()).toBe(3);

    // Within the negative-cache time: the same errors, no STS call.
    clock.advance(30_000);
    expect(await failure(b.credentialsFor(missing))).toBe(e1);
    expect(await failure(b.credentialsFor(mismatch))).toBe(e2);
    expect(await failure(long.credentialsFor(shortRole))).toBe(e3);
    expect(assumeRoleCount()).toBe(3);

    // After it: STS is asked again (and the repaired account now works).
    clock.advance(30_000);
    sim.knobs.scenarios.delete(mismatch);
    await failure(b.credentialsFor(missing));
    await credentials(b, mismatch);
    await failure(long.credentialsFor(shortRole));
    expect(assumeRoleCount()).toBe(6);
    expect(b.metrics()).toMatchObject({ negativeHit: 2, failure: 3 });
  });

  it('does not cache a server error: the next caller calls STS again', async () => {
    const b = broker();
    sim.knobs.faults = { errorRate: 1, dropRate: 0 };
    const e1 = await failure(b.credentialsFor(member(5)));
    expect(e1).toBeInstanceOf(AssumeRoleFailedError);
    expect(e1).toMatchObject({ retryable: true, accountId: member(5), roleArn: roleArnOf(member(5)) });
    expect(e1.message).toContain(`AssumeRole of ${roleArnOf(member(5))} in account ${member(5)} failed`);
    await failure(b.credentialsFor(member(5)));
    expect(assumeRoleCount()).toBe(2);
    sim.knobs.faults = { errorRate: 0, dropRate: 0 };
    await credentials(b, member(5));
    expect(assumeRoleCount()).toBe(3);
    expect(b.metrics()).toMatchObject({ failure: 2, negativeHit: 0 });
  });

  it('does not cache an unreachable endpoint either', async () => {
    const closed = await startSim({ seed: 1, accounts: 1, regions: ['us-east-1'], instancesPerRegion: 1 });
    const endpoint = closed.endpoint;
    await closed.close();
    const b = new SessionBroker({
      sts: {
        region: 'us-east-1',
        credentials: async () => centralCredentials(sim),
        endpoint,
        maxAttempts: 1,
      },
      role: { roleName: sim.world.readRoleName },
      clock,
      logger,
    });
    const e1 = await failure(b.credentialsFor(member(1)));
    const e2 = await failure(b.credentialsFor(member(1)));
    expect(e1).toBeInstanceOf(AssumeRoleFailedError);
    expect(e1).toMatchObject({ retryable: true, awsErrorCode: 'ECONNREFUSED' });
    expect(e2).not.toBe(e1);
    expect(b.metrics()).toMatchObject({ failure: 2, miss: 2, negativeHit: 0 });
  });

  it('never wrote a secret key or session token into a log line or error message (checked last)', () => {
    expect(received.length).toBeGreaterThan(0);
    expect(logLines.length).toBeGreaterThan(0);
    expect(errorMessages.length).toBeGreaterThan(5);
    const sessions = [...new Map(received.map((c) => [c.accessKeyId, c])).values()];
    const secrets = [
      sim.central.secretAccessKey,
      ...sessions.flatMap((c) => [c.secretAccessKey, c.sessionToken ?? '']),
    ].filter((s) => s !== '');
    for (const text of [...logLines, ...errorMessages]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });
});
