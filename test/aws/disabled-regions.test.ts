// EC2 answers AuthFailure both for a session it does not accept and in a Region the account has not
// enabled. A cheap GetCallerIdentity with the same session tells them apart, so a disabled Region
// costs no AssumeRole and the account's good session is kept.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { vpcPages, subnetPages } from '../helpers/ec2-pages.js';
import { VPC } from '../../src/graph/kinds/index.js';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import type { Page } from '../../src/aws/contract.js';
import { AwsCallError } from '../../src/aws/errors.js';
import { createStsClient, stsAssumeRole } from '../../src/credentials/sts.js';
import type { AssumeRoleFn } from '../../src/credentials/sts.js';
import { simAwsStack } from '../helpers/aws-stack.js';
import { centralCredentials } from '../helpers/sim-clients.js';

const DISABLED = ['eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1'];
let sim: RunningSim;

beforeAll(async () => {
  sim = await startSim({ seed: 4, accounts: 4, regions: ['us-east-1', 'eu-west-1'], instancesPerRegion: 2 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.knobs.scenarios.clear();
  sim.log.reset();
});

/** Accounts whose role can be assumed (AWS refuses sessions in suspended or closing accounts). */
const active = () => sim.world.accounts.filter((a) => a.state === 'ACTIVE');

async function drain(pages: AsyncIterable<Page<unknown>>): Promise<string> {
  try {
    for await (const page of pages) void page;
    return 'ok';
  } catch (err) {
    if (err instanceof AwsCallError) return `${err.code} ${err.region ?? ''}`;
    throw err;
  }
}

describe('disabled Regions', () => {
  it('checks the session in homeRegion, not in an opt-in STS Region the member has not enabled', async () => {
    const central = sim.world.accountById.get(sim.world.centralAccountId)!;
    const member = active().find((a) => a.id !== central.id)!;
    // An opt-in Region the central account enabled (its STS may be used) that the member did not.
    const optIn = [...sim.world.optInRegions].find(
      (r) => central.enabledRegions.has(r) && !member.enabledRegions.has(r),
    );
    expect(optIn, 'the generated world has such an opt-in Region').toBeDefined();
    sim.knobs.scenarios.set(member.id, { disabledRegions: ['eu-west-1'] });
    const stack = simAwsStack(sim, { pool: { stsRegion: optIn! } });
    try {
      expect(await drain(vpcPages(stack.data, { accountId: member.id, region: 'eu-west-1' }))).toBe(
        'REGION_NOT_ENABLED eu-west-1',
      );
      const checks = sim.log.entries({ service: 'sts', operation: 'GetCallerIdentity' });
      expect(checks.map((c) => [c.region, c.status])).toEqual([['us-east-1', 200]]);
      expect(stack.broker.metrics()).toMatchObject({ invalidated: 0 });
      expect(sim.log.count({ service: 'sts', operation: 'AssumeRole' })).toBe(1);
    } finally {
      stack.close();
    }
  });

  it('costs one AssumeRole for an account with 4 disabled Regions: the session is checked, not dropped', async () => {
    const account = active()[1]!.id;
    sim.knobs.scenarios.set(account, { disabledRegions: DISABLED });
    const stack = simAwsStack(sim);
    try {
      const { data, broker } = stack;
      expect(await drain(vpcPages(data, { accountId: account, region: 'us-east-1' }))).toBe('ok');
      for (const region of DISABLED) {
        expect(await drain(vpcPages(data, { accountId: account, region }))).toBe(
          `REGION_NOT_ENABLED ${region}`,
        );
      }
      // Once more in each: known now, not even checked again.
      for (const region of DISABLED)
        expect(await drain(subnetPages(data, { accountId: account, region }))).toBe(
          `REGION_NOT_ENABLED ${region}`,
        );

      expect(sim.log.count({ service: 'sts', operation: 'AssumeRole' })).toBe(1);
      const checks = sim.log.entries({ service: 'sts', operation: 'GetCallerIdentity' });
      expect(checks.map((c) => [c.accountId, c.status])).toEqual(DISABLED.map(() => [account, 200]));
      // Every check used the session EC2 had refused, which is the one session of the account.
      const sessionKey = sim.log.entries({ service: 'ec2', region: 'us-east-1' })[0]?.accessKeyId;
      expect(new Set(checks.map((c) => c.accessKeyId))).toEqual(new Set([sessionKey]));
      for (const region of DISABLED) {
        expect(
          sim.log.entries({ service: 'ec2', region }).map((e) => [e.operation, e.errorCode, e.accessKeyId]),
        ).toEqual([
          ['DescribeVpcs', 'AuthFailure', sessionKey],
          ['DescribeSubnets', 'AuthFailure', sessionKey],
        ]);
      }
      expect(broker.metrics()).toMatchObject({ miss: 1, invalidated: 0 });
      expect(data.stats().calls['sts:GetCallerIdentity']).toBe(DISABLED.length);
    } finally {
      stack.close();
    }
  });

  it('still drops a session STS refuses too, and retries the call with a new one', async () => {
    const account = active()[2]!.id;
    // The first session the broker gets is one the sim does not know (as if revoked): EC2 answers
    // AuthFailure, STS answers InvalidClientTokenId.
    const real = stsAssumeRole(
      createStsClient({
        region: 'us-east-1',
        credentials: async () => centralCredentials(sim),
        endpoint: sim.endpoint,
        maxAttempts: 1,
      }),
    );
    let issued = 0;
    const assumeRole: AssumeRoleFn = async (params) => {
      const session = await real(params);
      return ++issued === 1 ? { ...session, accessKeyId: 'ASIAUNKNOWNSESSION00' } : session;
    };
    const stack = simAwsStack(sim, { broker: { assumeRole } });
    try {
      const { data, broker } = stack;
      const target = { accountId: account, region: 'us-east-1' };
      const vpcs = await data.ec2.byIds(VPC.aws, target, [
        sim.world.regionData(account, 'us-east-1').vpcs[0]!.vpcId,
      ]);
      expect(vpcs.value.size).toBe(1);
      expect(sim.log.entries({ service: 'ec2' }).map((e) => [e.accessKeyId, e.errorCode])).toEqual([
        ['ASIAUNKNOWNSESSION00', 'AuthFailure'],
        [expect.stringMatching(/^ASIA/), undefined],
      ]);
      expect(sim.log.entries({ service: 'sts', operation: 'GetCallerIdentity' })).toMatchObject([
        { accessKeyId: 'ASIAUNKNOWNSESSION00', errorCode: 'InvalidClientTokenId' },
      ]);
      expect(sim.log.count({ service: 'sts', operation: 'AssumeRole' })).toBe(2);
      expect(broker.metrics().invalidated).toBe(1);
    } finally {
      stack.close();
    }
  });
});
