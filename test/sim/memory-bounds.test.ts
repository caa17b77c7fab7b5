// The sim's memory stays bounded on long runs: the request log keeps a ring of recent entries while its
// counts stay exact, and expired role sessions are swept when new ones are issued.
import { describe, expect, it } from 'vitest';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { RequestLog, DEFAULT_LOG_CAPACITY } from '../../src/sim/request-log.js';
import type { RequestLogEntry } from '../../src/sim/request-log.js';
import {
  CredentialStore,
  EXPIRED_SESSION_GRACE_MS,
  SWEEP_INTERVAL_MS,
} from '../../src/sim/credential-store.js';
import type { SimRole } from '../../src/sim/model.js';
import { startSim } from '../../src/sim/index.js';
import { manualClock } from '../helpers/clock.js';
import { awsError, centralCredentials, stsClient } from '../helpers/sim-clients.js';

function entry(operation: string, status = 200, errorCode?: string): Omit<RequestLogEntry, 'seq'> {
  return {
    time: 0,
    service: 'ec2',
    operation,
    accountId: '111111111111',
    region: 'us-east-1',
    accessKeyId: 'ASIA',
    params: {},
    status,
    ...(errorCode !== undefined ? { errorCode } : {}),
    durationMs: 1,
  };
}

describe('RequestLog', () => {
  it('keeps the last `capacity` entries in order while counts, counters and total stay exact', () => {
    const log = new RequestLog({ capacity: 3 });
    for (let i = 0; i < 7; i++) log.record(entry(i % 2 === 0 ? 'DescribeVpcs' : 'DescribeSubnets'));
    log.record(entry('DescribeInstances', 503, 'RequestLimitExceeded'));
    expect(log.entries().map((e) => e.seq)).toEqual([6, 7, 8]);
    expect(log.entries({ operation: 'DescribeVpcs' }).map((e) => e.seq)).toEqual([7]);
    expect(log.total).toBe(8);
    expect(log.dropped).toBe(5);
    expect(log.count()).toBe(8);
    expect(log.count({ operation: 'DescribeVpcs' })).toBe(4);
    expect(log.count({ errorCode: 'RequestLimitExceeded', status: 503 })).toBe(1);
    expect(log.counters()).toEqual({
      'ec2:DescribeVpcs': 4,
      'ec2:DescribeSubnets': 3,
      'ec2:DescribeInstances': 1,
    });
    log.reset();
    expect([log.total, log.count(), log.entries().length, log.dropped]).toEqual([0, 0, 0, 0]);
    log.record(entry('DescribeVpcs'));
    expect(log.entries().map((e) => e.seq)).toEqual([9]);
  });

  it('defaults to 100,000 entries and refuses a capacity below 1', () => {
    expect(new RequestLog().capacity).toBe(DEFAULT_LOG_CAPACITY);
    expect(DEFAULT_LOG_CAPACITY).toBe(100_000);
    expect(() => new RequestLog({ capacity: 0 })).toThrow(/capacity/);
  });

  it('caps the running sim’s log (logCapacity) and reports exact totals over the admin path', async () => {
    const sim = await startSim({
      seed: 3,
      accounts: 2,
      regions: ['us-east-1'],
      instancesPerRegion: 0,
      logCapacity: 2,
    });
    try {
      const sts = stsClient(sim);
      for (let i = 0; i < 5; i++) await sts.send(new GetCallerIdentityCommand({}));
      expect(sim.log.entries()).toHaveLength(2);
      expect(sim.log.count({ operation: 'GetCallerIdentity' })).toBe(5);
      const counters = (await (await fetch(`${sim.endpoint}/__sim/counters`)).json()) as Record<
        string,
        unknown
      >;
      expect(counters).toMatchObject({
        counters: { 'sts:GetCallerIdentity': 5 },
        total: 5,
        logCapacity: 2,
        dropped: 3,
      });
    } finally {
      await sim.close();
    }
  });
});

describe('CredentialStore sweeping', () => {
  const role: SimRole = {
    accountId: '111111111111',
    name: 'Reader',
    path: '/',
    arn: 'arn:aws:iam::111111111111:role/Reader',
    roleId: 'AROAEXAMPLE',
    trustedPrincipals: [],
    trustsRolesAnywhere: false,
    maxSessionDuration: 3600,
    permissions: [],
  };

  it('drops sessions expired for over an hour when a new one is issued, at most once a sim minute', () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const store = new CredentialStore(clock);
    const old = store.issueRoleSession(role, 'old', clock() + 900_000);
    expect(store.size).toBe(1);
    // Expired, but within the grace hour: kept (a call still gets "expired", not "unknown key").
    clock.advance(900_000 + EXPIRED_SESSION_GRACE_MS - 1);
    store.issueRoleSession(role, 'second', clock() + 900_000);
    expect(store.lookup(old.accessKeyId)).toBeDefined();
    // Past the grace hour, but the last sweep was less than a minute ago: not yet.
    clock.advance(2);
    store.issueRoleSession(role, 'third', clock() + 900_000);
    expect(store.lookup(old.accessKeyId)).toBeDefined();
    clock.advance(SWEEP_INTERVAL_MS);
    const fresh = store.issueRoleSession(role, 'fourth', clock() + 900_000);
    expect(store.lookup(old.accessKeyId)).toBeUndefined();
    expect(store.lookup(fresh.accessKeyId)).toBeDefined();
    expect(store.size).toBe(3);
  });

  it('without a clock never sweeps on its own', () => {
    const store = new CredentialStore();
    const a = store.issueRoleSession(role, 'a', 0);
    store.issueRoleSession(role, 'b', 10 * EXPIRED_SESSION_GRACE_MS);
    expect(store.lookup(a.accessKeyId)).toBeDefined();
    store.sweep(5 * EXPIRED_SESSION_GRACE_MS);
    expect(store.lookup(a.accessKeyId)).toBeUndefined();
  });

  it('in a running sim: an old session is refused as expired, then, once swept, as unknown', async () => {
    const clock = manualClock();
    const sim = await startSim({
      seed: 3,
      accounts: 2,
      regions: ['us-east-1'],
      instancesPerRegion: 0,
      clock,
    });
    // Clients sign on the sim's clock as it moves (as the SDK would after correcting the skew).
    const sts = (credentials: AwsCredentialIdentity) =>
      new STSClient({
        endpoint: sim.endpoint,
        region: 'us-east-1',
        credentials,
        maxAttempts: 1,
        systemClockOffset: clock() - Date.now(),
      });
    const assume = async (): Promise<AwsCredentialIdentity> => {
      const out = await sts(centralCredentials(sim)).send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${sim.world.accounts[1]!.id}:role/${sim.world.readRoleName}`,
          RoleSessionName: 'sweep',
          ExternalId: sim.world.externalId,
          DurationSeconds: 900,
        }),
      );
      const c = out.Credentials!;
      return {
        accessKeyId: c.AccessKeyId!,
        secretAccessKey: c.SecretAccessKey!,
        sessionToken: c.SessionToken!,
      };
    };
    try {
      const old = await assume();
      clock.advance(901_000);
      expect(await awsError(sts(old).send(new GetCallerIdentityCommand({})))).toMatchObject({
        name: 'ExpiredToken',
        status: 403,
      });
      clock.advance(EXPIRED_SESSION_GRACE_MS + SWEEP_INTERVAL_MS);
      await assume(); // issuing sweeps
      expect(await awsError(sts(old).send(new GetCallerIdentityCommand({})))).toMatchObject({
        name: 'InvalidClientTokenId',
        status: 403,
      });
    } finally {
      await sim.close();
    }
  });
});
