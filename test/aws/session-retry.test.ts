// withSessionRetry: a call refused as expired or invalid drops the session and is retried exactly once
// with a new one — unit tests with a fake broker, then real SDK clients against the simulated AWS.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import type { SessionBroker } from '../../src/credentials/session-broker.js';
import type { ClientPool } from '../../src/aws/client-pool.js';
import { isSessionRefused, withSessionRetry } from '../../src/aws/session-retry.js';
import type { SessionSource } from '../../src/aws/session-retry.js';
import { simAwsStack } from '../helpers/aws-stack.js';
import { manualClock } from '../helpers/clock.js';

const ACCOUNT = '111111111111';

function awsError(name: string): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: 400 } });
}

function fakeBroker() {
  let serial = 0;
  let current: AwsCredentialIdentity = { accessKeyId: 'ASIA0', secretAccessKey: 's' };
  const invalidated: string[] = [];
  const broker: SessionSource = {
    credentialsFor: async () => current,
    invalidate: (_accountId, credentials) => {
      if (credentials?.accessKeyId !== current.accessKeyId) return false;
      invalidated.push(current.accessKeyId);
      current = { accessKeyId: `ASIA${++serial}`, secretAccessKey: 's' };
      return true;
    },
  };
  return { broker, invalidated };
}

describe('withSessionRetry (unit)', () => {
  it('returns the result without touching the session when the call succeeds', async () => {
    const { broker, invalidated } = fakeBroker();
    await expect(withSessionRetry(broker, ACCOUNT, async () => 42)).resolves.toBe(42);
    expect(invalidated).toEqual([]);
  });

  it.each([
    'ExpiredToken',
    'ExpiredTokenException',
    'RequestExpired',
    'InvalidClientTokenId',
    'UnrecognizedClientException',
    'AuthFailure',
  ])('drops the session and retries once after %s', async (code) => {
    const { broker, invalidated } = fakeBroker();
    let calls = 0;
    const result = await withSessionRetry(broker, ACCOUNT, async () => {
      calls++;
      if (calls === 1) throw awsError(code);
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(calls).toBe(2);
    expect(invalidated).toEqual(['ASIA0']);
  });

  it('rethrows the second refusal instead of looping (AuthFailure in a disabled Region)', async () => {
    const { broker, invalidated } = fakeBroker();
    let calls = 0;
    const second = awsError('AuthFailure');
    const err = await withSessionRetry(broker, ACCOUNT, async () => {
      calls++;
      throw calls === 1 ? awsError('AuthFailure') : second;
    }).catch((e: unknown) => e);
    expect(err).toBe(second);
    expect(calls).toBe(2);
    expect(invalidated).toHaveLength(1);
  });

  it('keeps a session STS accepts when EC2 answers AuthFailure: the Region refuses the account', async () => {
    const { broker, invalidated } = fakeBroker();
    const checked: string[] = [];
    const refusedWith: string[] = [];
    let calls = 0;
    const refusal = awsError('AuthFailure');
    const err = await withSessionRetry(
      broker,
      ACCOUNT,
      async () => {
        calls++;
        throw refusal;
      },
      {
        checkSession: async (credentials) => {
          checked.push(credentials.accessKeyId);
          return true;
        },
        onRegionRefused: (session) => refusedWith.push(session.accessKeyId),
      },
    ).catch((e: unknown) => e);
    expect(err).toBe(refusal);
    expect(calls).toBe(1);
    expect(checked).toEqual(['ASIA0']);
    expect(refusedWith).toEqual(['ASIA0']);
    expect(invalidated).toEqual([]);
  });

  it.each([
    ['refuses the session too', async () => false],
    ['cannot tell', async () => Promise.reject(new Error('network down'))],
  ])('drops the session and retries once when STS %s', async (_what, check) => {
    const { broker, invalidated } = fakeBroker();
    const refusedWith: string[] = [];
    let calls = 0;
    const result = await withSessionRetry(
      broker,
      ACCOUNT,
      async () => {
        if (++calls === 1) throw awsError('AuthFailure');
        return 'ok';
      },
      { checkSession: check, onRegionRefused: (s) => refusedWith.push(s.accessKeyId) },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(2);
    expect(invalidated).toEqual(['ASIA0']);
    expect(refusedWith).toEqual([]);
  });

  it('asks STS only about AuthFailure: an expired session is simply renewed', async () => {
    const { broker, invalidated } = fakeBroker();
    let checks = 0;
    let calls = 0;
    await withSessionRetry(
      broker,
      ACCOUNT,
      async () => {
        if (++calls === 1) throw awsError('RequestExpired');
        return 'ok';
      },
      {
        checkSession: async () => {
          checks++;
          return true;
        },
      },
    );
    expect(checks).toBe(0);
    expect(invalidated).toEqual(['ASIA0']);
  });

  it('does not retry other errors', async () => {
    const { broker, invalidated } = fakeBroker();
    let calls = 0;
    await expect(
      withSessionRetry(broker, ACCOUNT, async () => {
        calls++;
        throw awsError('UnauthorizedOperation');
      }),
    ).rejects.toThrow('UnauthorizedOperation happened');
    expect(calls).toBe(1);
    expect(invalidated).toEqual([]);
    expect(isSessionRefused(awsError('RequestLimitExceeded'))).toBe(false);
  });
});

describe('withSessionRetry against the simulated AWS', () => {
  // The sim runs on its own clock, ahead of the broker's, so it sees a session expire that the broker
  // still believes fresh — exactly the case the retry is for.
  const brokerClock = manualClock(Math.floor(Date.now() / 1000) * 1000);
  const simClock = manualClock(brokerClock());
  let sim: RunningSim;
  let broker: SessionBroker;
  let pool: ClientPool;
  let account: string;

  beforeAll(async () => {
    sim = await startSim({
      seed: 9,
      accounts: 3,
      regions: ['us-east-1'],
      instancesPerRegion: 1,
      clock: simClock,
    });
    ({ broker, pool } = simAwsStack(sim, { clock: brokerClock, broker: { refreshWindowSeconds: 1 } }));
    account = sim.world.accounts[1]!.id;
  });
  afterAll(async () => {
    pool.close();
    await sim.close();
  });
  beforeEach(() => {
    sim.log.reset();
  });

  it('retries a call refused as expired exactly once, with a new AssumeRole', async () => {
    sim.knobs.credentialLifetimeSeconds = 5;
    await withSessionRetry(broker, account, () =>
      pool.ec2(account, 'us-east-1').send(new DescribeRegionsCommand({})),
    );
    expect(sim.log.count({ service: 'sts', operation: 'AssumeRole' })).toBe(1);

    simClock.advance(6_000); // expired for the sim, still fresh for the broker
    sim.log.reset();
    const out = await withSessionRetry(broker, account, () =>
      pool.ec2(account, 'us-east-1').send(new DescribeRegionsCommand({})),
    );
    expect(out.Regions?.length).toBeGreaterThan(0);
    const calls = sim.log.entries({ service: 'ec2', operation: 'DescribeRegions' });
    expect(calls.map((c) => [c.status, c.errorCode])).toEqual([
      [400, 'RequestExpired'],
      [200, undefined],
    ]);
    expect(calls[0]?.accessKeyId).not.toBe(calls[1]?.accessKeyId);
    expect(sim.log.count({ service: 'sts', operation: 'AssumeRole' })).toBe(1);
    expect(broker.metrics().invalidated).toBe(1);
    delete sim.knobs.credentialLifetimeSeconds;
  });

  it('gives AuthFailure from a Region the account has not enabled one fresh-session retry, then rethrows it', async () => {
    const disabled = sim.world.allRegions.find(
      (r) => !sim.world.accountById.get(account)!.enabledRegions.has(r),
    );
    expect(disabled).toBeDefined();
    const err = await withSessionRetry(broker, account, () =>
      pool.ec2(account, disabled!).send(new DescribeRegionsCommand({})),
    ).catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ name: 'AuthFailure' });
    const calls = sim.log.entries({ service: 'ec2', region: disabled! });
    expect(calls.map((c) => c.errorCode)).toEqual(['AuthFailure', 'AuthFailure']);
    expect(sim.log.count({ service: 'sts', operation: 'AssumeRole' })).toBe(1);
  });
});
