// Throttling and slow-account scenarios of the sim, per service: STS and Organizations have their own
// buckets and error codes (EC2's are covered in core.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ListRootsCommand } from '@aws-sdk/client-organizations';
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { ORGANIZATIONS_BUCKET, STS_BUCKET } from '../../src/sim/throttle.js';
import { manualClock } from '../helpers/clock.js';
import type { ManualClock } from '../helpers/clock.js';
import { assumeReadRole, ec2Client, organizationsClient, stsClient } from '../helpers/sim-clients.js';

let sim: RunningSim;
let clock: ManualClock;

beforeEach(async () => {
  clock = manualClock();
  sim = await startSim({
    seed: 4,
    accounts: 3,
    regions: ['us-east-1'],
    instancesPerRegion: 1,
    clock,
    knobs: { throttling: true },
  });
});
afterEach(async () => {
  await sim.close();
});

async function settle<T>(n: number, call: () => Promise<T>): Promise<{ ok: number; errors: string[] }> {
  const results = await Promise.allSettled(Array.from({ length: n }, call));
  return {
    ok: results.filter((r) => r.status === 'fulfilled').length,
    errors: results
      .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      .map((r) => (r.reason as { name: string }).name),
  };
}

describe('throttling', () => {
  it('answers Organizations over its low rate with TooManyRequestsException', async () => {
    const org = organizationsClient(sim);
    const { ok, errors } = await settle(ORGANIZATIONS_BUCKET.burst + 4, () =>
      org.send(new ListRootsCommand({})),
    );
    expect(ok).toBe(ORGANIZATIONS_BUCKET.burst);
    expect(errors).toEqual(Array(4).fill('TooManyRequestsException'));
    expect(
      sim.log.count({ service: 'organizations', errorCode: 'TooManyRequestsException', status: 400 }),
    ).toBe(4);
  });

  it('answers STS over its per-account, per-Region rate with Throttling, and refills with time', async () => {
    const sts = stsClient(sim);
    const first = await settle(STS_BUCKET.burst + 3, () => sts.send(new GetCallerIdentityCommand({})));
    expect(first.ok).toBe(STS_BUCKET.burst);
    expect(first.errors).toEqual(Array(3).fill('Throttling'));
    // another Region has its own bucket
    await expect(
      stsClient(sim, undefined, 'eu-west-1').send(new GetCallerIdentityCommand({})),
    ).resolves.toBeDefined();
    clock.advance(10);
    const later = await settle(7, () => sts.send(new GetCallerIdentityCommand({})));
    expect(later.ok).toBe(Math.floor((10 / 1000) * STS_BUCKET.refillPerSecond));
  });
});

describe('slow account scenario', () => {
  it('delays every call made with that account’s credentials', async () => {
    sim.knobs.throttling = false;
    const slow = sim.world.accounts[1]!.id;
    const fast = sim.world.accounts[2]!.id;
    sim.knobs.scenarios.set(slow, { extraLatencyMs: 80 });
    await ec2Client(sim, await assumeReadRole(sim, slow)).send(new DescribeRegionsCommand({}));
    await ec2Client(sim, await assumeReadRole(sim, fast)).send(new DescribeRegionsCommand({}));
    const [slowCall] = sim.log.entries({ operation: 'DescribeRegions', accountId: slow });
    expect(slowCall!.durationMs).toBeGreaterThanOrEqual(79);
    expect(sim.log.count({ operation: 'DescribeRegions', accountId: fast, status: 200 })).toBe(1);
  });
});
