// Organization-wide fan-out through the AWS data layer against the simulated AWS: 50 accounts × 3
// Regions in parallel stay under the global in-flight limit, every healthy (account, Region) is
// answered exactly, and the broken ones fail alone with the right classification. The broken ones
// are chosen among the ACTIVE accounts; the generator's few SUSPENDED / PENDING_CLOSURE accounts are
// broken too (AWS refuses their sessions) and must fail as ROLE_NOT_ASSUMABLE like a missing role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instancePages, vpcPages, subnetPages } from '../helpers/ec2-pages.js';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { createSharedHttpHandler } from '../../src/aws/client-pool.js';
import type { Page, Target } from '../../src/aws/contract.js';
import { AwsCallError } from '../../src/aws/errors.js';
import { simAwsStack } from '../helpers/aws-stack.js';

const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2'];
const GLOBAL_LIMIT = 10;
const handler = createSharedHttpHandler({ maxSockets: 64 });
let sim: RunningSim;

beforeAll(async () => {
  sim = await startSim({
    seed: 5,
    accounts: 50,
    regions: REGIONS,
    instancesPerRegion: 8,
    knobs: { pageCap: 3, latency: { ec2: { fixedMs: 1, jitterMs: 4 } } },
  });
});
afterAll(async () => {
  handler.destroy();
  await sim.close();
});

async function all<T>(pages: AsyncIterable<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages) items.push(...page.items);
  return items;
}

describe('organization-wide fan-out', () => {
  it('keeps the sim under the global in-flight limit over 50 accounts × 3 Regions, answering every healthy target exactly', async () => {
    const accounts = sim.world.accounts.map((a) => a.id);
    const active = sim.world.accounts.filter((a) => a.state === 'ACTIVE').map((a) => a.id);
    const inactive = accounts.filter((a) => !active.includes(a));
    expect(inactive.length).toBeGreaterThan(0);
    const [noRole1, noRole2, partlyDisabled] = [active[7]!, active[31]!, active[12]!];
    sim.knobs.scenarios.set(noRole1, { roleMissing: true });
    sim.knobs.scenarios.set(noRole2, { roleMissing: true });
    sim.knobs.scenarios.set(partlyDisabled, { disabledRegions: ['eu-west-1'] });

    const { data } = simAwsStack(sim, {
      httpHandler: handler,
      data: { concurrency: { global: GLOBAL_LIMIT, perTarget: 3 } },
    });

    const targets: Target[] = accounts.flatMap((accountId) =>
      REGIONS.map((region) => ({ accountId, region })),
    );
    const outcomes = await Promise.all(
      targets.map(async (target) => {
        try {
          const [instances, vpcs, subnets] = await Promise.all([
            all(instancePages(data, target)),
            all(vpcPages(data, target)),
            all(subnetPages(data, target)),
          ]);
          return { target, instances, vpcs, subnets };
        } catch (err) {
          if (err instanceof AwsCallError) return { target, error: err };
          throw err;
        }
      }),
    );

    expect(sim.log.peakInFlight).toBeLessThanOrEqual(GLOBAL_LIMIT);
    expect(data.stats().peakInFlight).toBe(GLOBAL_LIMIT);

    const failed = outcomes.filter((o) => 'error' in o);
    expect(failed.map((o) => [o.target.accountId, o.target.region, o.error?.code]).sort()).toEqual(
      [
        ...[noRole1, noRole2, ...inactive].flatMap((a) => REGIONS.map((r) => [a, r, 'ROLE_NOT_ASSUMABLE'])),
        [partlyDisabled, 'eu-west-1', 'REGION_NOT_ENABLED'],
      ].sort(),
    );
    // A role that cannot be assumed fails the whole account: no Region; a disabled Region names it.
    for (const o of failed) {
      expect(o.error).toMatchObject({ accountId: o.target.accountId });
      expect(o.error?.region).toBe(o.error?.code === 'ROLE_NOT_ASSUMABLE' ? undefined : o.target.region);
    }

    const healthy = outcomes.filter((o) => !('error' in o));
    expect(healthy).toHaveLength(targets.length - REGIONS.length * (2 + inactive.length) - 1);
    for (const o of healthy) {
      const truth = sim.world.regionData(o.target.accountId, o.target.region);
      expect(o.instances?.map((i) => i.instance.InstanceId)).toEqual(
        truth.instances.map((i) => i.instanceId),
      );
      expect(o.vpcs?.map((v) => v.VpcId).sort()).toEqual(truth.vpcs.map((v) => v.vpcId).sort());
      expect(o.subnets?.map((s) => s.SubnetId).sort()).toEqual(truth.subnets.map((s) => s.subnetId).sort());
    }
    // One session per reachable account — the disabled Region costs none: STS confirms the session is
    // valid (one GetCallerIdentity, shared by the concurrent refusals) and it is kept; the accounts
    // without the role and the inactive accounts were asked once each, and refused.
    const assumed = sim.log
      .entries({ service: 'sts', operation: 'AssumeRole', status: 200 })
      .map((e) => String(e.params['RoleArn']).split(':')[4]);
    expect(assumed.filter((a) => a !== partlyDisabled).sort()).toEqual(
      active.filter((a) => ![noRole1, noRole2, partlyDisabled].includes(a)).sort(),
    );
    expect(assumed.filter((a) => a === partlyDisabled)).toHaveLength(1);
    expect(sim.log.entries({ service: 'sts', operation: 'GetCallerIdentity' })).toMatchObject([
      { accountId: partlyDisabled, status: 200 },
    ]);
    const refused = sim.log
      .entries({ service: 'sts', operation: 'AssumeRole', errorCode: 'AccessDenied' })
      .map((e) => String(e.params['RoleArn']).split(':')[4]);
    expect(refused.sort()).toEqual([noRole1, noRole2, ...inactive].sort());
    for (const a of [noRole1, noRole2, ...inactive])
      expect(sim.log.count({ service: 'ec2', accountId: a })).toBe(0);
  });

  it('holds the per-target cap when several APIs run in one (account, Region) at once', async () => {
    sim.log.reset();
    const PER_TARGET = 2;
    const { data, close } = simAwsStack(sim, {
      httpHandler: handler,
      data: { concurrency: { global: 64, perTarget: PER_TARGET }, cache: { ttlSeconds: 0 } },
    });
    const active = sim.world.accounts.filter((a) => a.state === 'ACTIVE').map((a) => a.id);
    const targets: Target[] = [active[0]!, active[1]!].flatMap((accountId) =>
      REGIONS.slice(0, 2).map((region) => ({ accountId, region })),
    );
    // Per target: instances (three distinct filtered lists), VPCs, subnets and the AZs at once.
    const states = ['running', 'stopped', 'pending'];
    await Promise.all(
      targets.flatMap((target) => [
        ...states.map((state) =>
          all(instancePages(data, target, { filters: [{ Name: 'instance-state-name', Values: [state] }] })),
        ),
        all(vpcPages(data, target)),
        all(subnetPages(data, target)),
        data.ec2.describeAvailabilityZones(target),
      ]),
    );
    close();

    // The sim logs when each request arrived and how long it took: the requests in flight at once,
    // per (account, Region), never exceed the cap — while all targets together ran far more.
    const ec2 = sim.log.entries({ service: 'ec2' }).filter((e) => e.operation !== 'DescribeRegions');
    const peak = (entries: typeof ec2) => {
      const events = entries.flatMap((e) => [
        [e.time, 1],
        [e.time + e.durationMs, -1],
      ]);
      // At one instant an answer ends before the next request starts.
      events.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
      let now = 0;
      let max = 0;
      for (const [, delta] of events) max = Math.max(max, (now += delta!));
      return max;
    };
    for (const t of targets) {
      const mine = ec2.filter((e) => e.accountId === t.accountId && e.region === t.region);
      expect(mine.length).toBeGreaterThanOrEqual(6);
      expect(peak(mine), `${t.accountId}/${t.region}`).toBeLessThanOrEqual(PER_TARGET);
    }
    expect(sim.log.peakInFlight).toBeGreaterThan(PER_TARGET);
  });
});
