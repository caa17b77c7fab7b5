// The AWS data layer with the real SDK clients, session broker and client pool against the simulated
// AWS: exact data, and exactly the AWS calls the request log says were made.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { instancePages, vpcPages, subnetPages } from '../helpers/ec2-pages.js';
import { INSTANCE, VPC, SUBNET } from '../../src/graph/kinds/index.js';
import { startSim } from '../../src/sim/index.js';
import { seededRandom } from '../sim/seeded-random.js';
import type { RunningSim } from '../../src/sim/index.js';
import { accountIdAt } from '../../src/sim/generator.js';
import { createSharedHttpHandler } from '../../src/aws/client-pool.js';
import type { AwsOptions } from '../../src/config/aws.js';
import type { Page, Target } from '../../src/aws/contract.js';
import { AwsCallError } from '../../src/aws/errors.js';
import { simAwsStack } from '../helpers/aws-stack.js';
import type { SimAwsStack, SimAwsStackOptions } from '../helpers/aws-stack.js';
import { manualClock } from '../helpers/clock.js';

const SEED = 21;
const BIG = accountIdAt(SEED, 1); // 1,200 instances per Region
const simClock = manualClock();
const dataClock = manualClock(1_800_000_000_000);
const handler = createSharedHttpHandler({ maxSockets: 64 });
let sim: RunningSim;

/** The backoff sleep of the tests: moves the sim's clock (its throttle buckets refill) instead of waiting. */
const simSleep = async (ms: number) => {
  simClock.advance(ms);
};

function layer(
  options: AwsOptions = {},
  extra: SimAwsStackOptions['dataDeps'] & { organizationsVia?: string } = {},
): SimAwsStack {
  const { organizationsVia, ...deps } = extra;
  return simAwsStack(sim, {
    httpHandler: handler,
    organizationsVia,
    data: options,
    dataDeps: { clock: dataClock, sleep: simSleep, random: () => 0.5, ...deps },
  });
}

async function all<T>(pages: AsyncIterable<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages) items.push(...page.items);
  return items;
}

async function failure(promise: Promise<unknown>): Promise<AwsCallError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AwsCallError) return err;
    throw err;
  }
  throw new Error('expected an AwsCallError');
}

const ec2Count = (query: { operation?: string; accountId?: string; region?: string } = {}) =>
  sim.log.count({ service: 'ec2', ...query });
// AWS refuses sessions in SUSPENDED and PENDING_CLOSURE accounts (the generator makes a few): the tests
// that need a session pick their accounts among the ACTIVE ones.
const activeAccounts = () => sim.world.accounts.filter((a) => a.state === 'ACTIVE');
const member = (i: number) => activeAccounts()[i]!.id;
const truth = (target: Target) => sim.world.regionData(target.accountId, target.region);
const sorted = (ids: (string | undefined)[]) => [...ids].map((id) => id ?? '?').sort();

beforeAll(async () => {
  sim = await startSim({
    seed: SEED,
    accounts: 45,
    regions: ['us-east-1', 'eu-west-1'],
    instancesPerRegion: 12,
    overrides: { [BIG]: { instancesPerRegion: 1200, vpcsPerRegion: 6, subnetsPerVpc: 3 } },
    clock: simClock,
    // Short pages are drawn from the sim's random source: seeded, so a page count never varies by run.
    random: seededRandom(SEED),
  });
});
afterAll(async () => {
  handler.destroy();
  await sim.close();
});
beforeEach(() => {
  sim.knobs.scenarios.clear();
  sim.knobs.faults = { errorRate: 0, dropRate: 0 };
  sim.knobs.latency = {};
  sim.knobs.throttling = false;
  sim.knobs.shortPages = false;
  delete sim.knobs.pageCap;
  sim.log.reset();
});
afterEach(async () => {
  // Calls cut short by a timeout or an abort are still being answered by the sim: let them finish.
  await vi.waitFor(() => expect(sim.log.inFlight).toBe(0), { timeout: 5_000 });
});

describe('EC2 lists', () => {
  it('follows NextToken through small pages, asking for the largest page, and returns exactly the ground truth', async () => {
    sim.knobs.pageCap = 7;
    const { data } = layer();
    const target = { accountId: BIG, region: 'eu-west-1' };
    const items = await all(instancePages(data, target));
    const expected = truth(target).instances;
    expect(items).toHaveLength(1200);
    expect(items.map((i) => i.instance.InstanceId)).toEqual(expected.map((i) => i.instanceId));
    expect(items.map((i) => [i.reservationId, i.ownerId])).toEqual(
      expected.map((i) => [i.reservationId, i.ownerId]),
    );
    const calls = sim.log.entries({
      service: 'ec2',
      operation: 'DescribeInstances',
      accountId: BIG,
      region: 'eu-west-1',
    });
    expect(calls).toHaveLength(Math.ceil(1200 / 7));
    expect(calls.every((c) => c.params['MaxResults'] === '1000')).toBe(true);
    expect(calls[0]?.params['NextToken']).toBeUndefined();
    expect(calls.slice(1).every((c) => typeof c.params['NextToken'] === 'string')).toBe(true);

    expect(sorted((await all(vpcPages(data, target))).map((v) => v.VpcId))).toEqual(
      sorted(truth(target).vpcs.map((v) => v.vpcId)),
    );
    expect(sorted((await all(subnetPages(data, target))).map((s) => s.SubnetId))).toEqual(
      sorted(truth(target).subnets.map((s) => s.subnetId)),
    );
    expect(ec2Count({ operation: 'DescribeSubnets' })).toBe(Math.ceil(truth(target).subnets.length / 7));
  });

  it("clamps the request's page size to 5..1000 and resumes from a token", async () => {
    const { data } = layer();
    const target = { accountId: member(2), region: 'us-east-1' };
    const first = await instancePages(data, target, { maxResults: 3 }).next();
    if (first.done) throw new Error('no page');
    expect(first.value.items).toHaveLength(5);
    expect(first.value.nextToken).toBeDefined();
    const rest = await all(instancePages(data, target, { maxResults: 3, nextToken: first.value.nextToken }));
    expect([...first.value.items, ...rest].map((i) => i.instance.InstanceId)).toEqual(
      truth(target).instances.map((i) => i.instanceId),
    );
    expect(
      sim.log.entries({ service: 'ec2', operation: 'DescribeInstances' }).map((e) => e.params['MaxResults']),
    ).toEqual(['5', '5', '5']);
    await all(instancePages(data, target, { maxResults: 5000 }));
    expect(
      sim.log.entries({ service: 'ec2', operation: 'DescribeInstances' }).at(-1)?.params['MaxResults'],
    ).toBe('1000');
  });

  it('pushes filters down to AWS as Filter parameters', async () => {
    const { data } = layer();
    const target = { accountId: BIG, region: 'us-east-1' };
    const vpcId = truth(target).vpcs[1]!.vpcId;
    const env = truth(target)
      .instances.flatMap((i) => i.tags)
      .find((t) => t.key === 'env')!.value;
    const items = await all(
      instancePages(data, target, {
        filters: [
          { Name: 'instance-state-name', Values: ['running', 'stopped'] },
          { Name: 'tag:env', Values: [env] },
          { Name: 'vpc-id', Values: [vpcId] },
        ],
      }),
    );
    const expected = truth(target).instances.filter(
      (i) =>
        ['running', 'stopped'].includes(i.state.name) &&
        i.tags.some((t) => t.key === 'env' && t.value === env) &&
        i.vpcId === vpcId,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(sorted(items.map((i) => i.instance.InstanceId))).toEqual(
      sorted(expected.map((i) => i.instanceId)),
    );
    const [call] = sim.log.entries({ service: 'ec2', operation: 'DescribeInstances' });
    expect(call?.params).toMatchObject({
      'Filter.1.Name': 'instance-state-name',
      'Filter.1.Value.1': 'running',
      'Filter.1.Value.2': 'stopped',
      'Filter.2.Name': 'tag:env',
      'Filter.2.Value.1': env,
      'Filter.3.Name': 'vpc-id',
      'Filter.3.Value.1': vpcId,
      MaxResults: '1000',
    });
  });

  it('answers Regions (enabled only, with opt-in status) and availability zones', async () => {
    const { data } = layer();
    const account = member(3);
    const regions = await data.ec2.describeRegions(account);
    const enabled = sim.world.accountById.get(account)!.enabledRegions;
    expect(sorted(regions.value.map((r) => r.RegionName))).toEqual(sorted([...enabled]));
    expect(
      regions.value.every((r) => r.OptInStatus === 'opt-in-not-required' || r.OptInStatus === 'opted-in'),
    ).toBe(true);
    expect(sim.log.entries({ service: 'ec2', operation: 'DescribeRegions' })).toMatchObject([
      { accountId: account, region: 'us-east-1' },
    ]);
    const zones = await data.ec2.describeAvailabilityZones({ accountId: account, region: 'eu-west-1' });
    expect(sorted(zones.value.map((z) => z.ZoneName))).toEqual(
      sorted(sim.world.availabilityZones('eu-west-1').map((z) => z.zoneName)),
    );
  });
});

describe('EC2 by-id lookups', () => {
  it('splits above 1,000 ids, sends no MaxResults, and drops unknown and malformed ids', async () => {
    const { data } = layer();
    const target = { accountId: BIG, region: 'us-east-1' };
    const known = truth(target).instances.map((i) => i.instanceId);
    const unknown = ['i-0000000000000dead', 'i-0000000000000beef', 'i-000000000000000f0'];
    const malformed = ['i-XYZ', 'not-an-id'];
    const result = await data.ec2.byIds(INSTANCE.aws, target, [
      ...known,
      ...malformed,
      ...unknown,
      known[0]!,
    ]);
    expect(result.value.size).toBe(1200);
    expect(sorted([...result.value.keys()])).toEqual(sorted(known));
    expect(result.value.get(known[5]!)?.instance.InstanceId).toBe(known[5]);
    expect(result.value.get(known[5]!)?.reservationId).toBe(truth(target).instances[5]!.reservationId);

    const calls = sim.log.entries({ service: 'ec2', operation: 'DescribeInstances' });
    // 1,203 well-formed ids: 1,000 + 203; the 203 include the unknown three, so that call is repeated without them.
    expect(calls.map((c) => Object.keys(c.params).filter((k) => k.startsWith('InstanceId.')).length)).toEqual(
      [1000, 203, 200],
    );
    expect(calls.map((c) => c.errorCode)).toEqual([undefined, 'InvalidInstanceID.NotFound', undefined]);
    expect(calls.every((c) => c.params['MaxResults'] === undefined)).toBe(true);
  });

  it('tolerates unknown VPC and subnet ids, and answers an all-unknown list without error', async () => {
    const { data } = layer();
    const target = { accountId: member(4), region: 'eu-west-1' };
    const vpc = truth(target).vpcs[0]!.vpcId;
    const subnet = truth(target).subnets[0]!.subnetId;
    expect([...(await data.ec2.byIds(VPC.aws, target, [vpc, 'vpc-0123456789abcdef0'])).value.keys()]).toEqual(
      [vpc],
    );
    expect([...(await data.ec2.byIds(SUBNET.aws, target, ['subnet-01234567', subnet])).value.keys()]).toEqual(
      [subnet],
    );
    expect((await data.ec2.byIds(INSTANCE.aws, target, ['i-0123456789abcdef0'])).value.size).toBe(0);
    expect((await data.ec2.byIds(INSTANCE.aws, target, ['garbage'])).value.size).toBe(0);
    expect(ec2Count({ operation: 'DescribeVpcs' })).toBe(2);
    expect(ec2Count({ operation: 'DescribeInstances' })).toBe(1); // the malformed id never reached AWS
  });
});

describe('response cache', () => {
  it('serves lists from the cache within the TTL with their fetchedAt, refreshes after it, and on fresh', async () => {
    const { data } = layer({ cache: { ttlSeconds: 30 } });
    const target = { accountId: member(5), region: 'us-east-1' };
    const first = await data.ec2.describeAvailabilityZones(target);
    dataClock.advance(29_000);
    const hit = await data.ec2.describeAvailabilityZones(target);
    expect(hit.fetchedAt).toEqual(first.fetchedAt);
    expect(ec2Count({ operation: 'DescribeAvailabilityZones' })).toBe(1);
    const fresh = await data.ec2.describeAvailabilityZones(target, { fresh: true });
    expect(fresh.fetchedAt.getTime()).toBe(first.fetchedAt.getTime() + 29_000);
    expect(ec2Count({ operation: 'DescribeAvailabilityZones' })).toBe(2);
    dataClock.advance(30_000);
    await data.ec2.describeAvailabilityZones(target);
    expect(ec2Count({ operation: 'DescribeAvailabilityZones' })).toBe(3);
    expect(data.stats().cache).toMatchObject({ hits: 1, misses: 2, refreshes: 1 });
  });

  it('caches EC2 pages per request (token and page size included) and by-id answers per id', async () => {
    sim.knobs.pageCap = 5;
    const { data } = layer();
    const target = { accountId: member(6), region: 'eu-west-1' };
    const once = await all(instancePages(data, target));
    const twice = await all(instancePages(data, target));
    expect(twice).toEqual(once);
    expect(ec2Count({ operation: 'DescribeInstances' })).toBe(3); // 12 instances in pages of 5, once
    await all(instancePages(data, target, { maxResults: 6 }));
    expect(ec2Count({ operation: 'DescribeInstances' })).toBe(6); // another page size is another request

    const ids = once.map((i) => i.instance.InstanceId!);
    await data.ec2.byIds(INSTANCE.aws, target, ids.slice(0, 8));
    const again = await data.ec2.byIds(INSTANCE.aws, target, ids.slice(2, 6));
    expect(again.value.size).toBe(4);
    expect(ec2Count({ operation: 'DescribeInstances' })).toBe(7);
  });

  it('makes one set of AWS calls for concurrent identical requests', async () => {
    sim.knobs.pageCap = 10;
    const { data } = layer();
    const results = await Promise.all(Array.from({ length: 8 }, () => data.organizations.listAccounts()));
    expect(sim.log.count({ service: 'organizations', operation: 'ListAccounts' })).toBe(5); // 45 accounts in pages of 10
    for (const r of results) expect(r.value.map((a) => a.Id)).toEqual(sim.world.accounts.map((a) => a.id));
    expect(data.stats().cache).toMatchObject({ misses: 1, joins: 7 });
  });

  it('with TTL 0 asks AWS every time', async () => {
    const { data } = layer({ cache: { ttlSeconds: 0 } });
    await data.organizations.listRoots();
    await data.organizations.listRoots();
    expect(sim.log.count({ service: 'organizations', operation: 'ListRoots' })).toBe(2);
  });

  it('never caches a failure', async () => {
    const { data } = layer({ retry: { maxAttempts: 1 } });
    const target = { accountId: member(7), region: 'us-east-1' };
    await data.sessions.ensureSession(target.accountId);
    sim.knobs.faults = { errorRate: 1, dropRate: 0 };
    await failure(data.ec2.describeAvailabilityZones(target));
    sim.knobs.faults = { errorRate: 0, dropRate: 0 };
    expect((await data.ec2.describeAvailabilityZones(target)).value.length).toBeGreaterThan(0);
    expect(ec2Count({ operation: 'DescribeAvailabilityZones' })).toBe(2);
  });
});

describe('Organizations', () => {
  it('follows NextToken through short and empty pages with MaxResults 20', async () => {
    sim.knobs.shortPages = true;
    const { data } = layer();
    const accounts = await data.organizations.listAccounts();
    expect(accounts.value.map((a) => a.Id)).toEqual(sim.world.accounts.map((a) => a.id));
    const calls = sim.log.entries({ service: 'organizations', operation: 'ListAccounts' });
    expect(calls.length).toBeGreaterThan(3);
    expect(calls.every((c) => c.params['MaxResults'] === 20)).toBe(true);
  });

  it('answers the hierarchy: organization, roots, units, accounts per parent, parents', async () => {
    sim.knobs.pageCap = 2;
    const { data } = layer();
    const organization = await data.organizations.describeOrganization();
    expect(organization.value.Id).toBe(sim.world.organization.id);
    const roots = await data.organizations.listRoots();
    expect(roots.value.map((r) => r.Id)).toEqual([sim.world.organization.root.id]);
    const rootId = sim.world.organization.root.id;
    const units = await data.organizations.listOrganizationalUnitsForParent(rootId);
    expect(sorted(units.value.map((u) => u.Id))).toEqual(
      sorted(sim.world.organizationalUnits.filter((u) => u.parentId === rootId).map((u) => u.id)),
    );
    const underRoot = await data.organizations.listAccountsForParent(rootId);
    expect(sorted(underRoot.value.map((a) => a.Id))).toEqual(
      sorted(sim.world.accounts.filter((a) => a.parentId === rootId).map((a) => a.id)),
    );
    const someUnit = units.value[0]!;
    expect((await data.organizations.describeOrganizationalUnit(someUnit.Id!)).value.Name).toBe(
      someUnit.Name,
    );
    const account = sim.world.accounts[10]!;
    expect((await data.organizations.listParents(account.id)).value.map((p) => p.Id)).toEqual([
      account.parentId,
    ]);
  });
});

describe('fan-out limits and throttling', () => {
  it('never has more calls in flight than the global limit, over 45 accounts × 2 Regions in parallel, and gets everything', async () => {
    sim.knobs.latency = { ec2: { fixedMs: 2, jitterMs: 3 } };
    const { data } = layer({ concurrency: { global: 8, perTarget: 2 } });
    const accounts = activeAccounts()
      .map((a) => a.id)
      .filter((id) => id !== BIG);
    const targets = accounts.flatMap((accountId) =>
      ['us-east-1', 'eu-west-1'].map((region) => ({ accountId, region })),
    );
    const results = await Promise.all(
      targets.map(async (t) => ({
        t,
        items: await all(instancePages(data, t)),
        vpcs: await all(vpcPages(data, t)),
      })),
    );
    for (const { t, items, vpcs } of results) {
      expect(items.map((i) => i.instance.InstanceId)).toEqual(truth(t).instances.map((i) => i.instanceId));
      expect(vpcs).toHaveLength(truth(t).vpcs.length);
    }
    expect(sim.log.peakInFlight).toBeLessThanOrEqual(8);
    expect(sim.log.peakInFlight).toBeGreaterThan(1);
    expect(data.stats().peakInFlight).toBe(8);
    expect(data.stats().calls['ec2:DescribeInstances']).toBe(targets.length);
    // One AssumeRole per account, each accepted.
    const assumed = sim.log.entries({ service: 'sts', operation: 'AssumeRole' });
    expect(assumed.every((e) => e.status === 200)).toBe(true);
    expect(sorted(assumed.map((e) => String(e.params['RoleArn']).split(':')[4]))).toEqual(sorted(accounts));
  });

  it('checks access to many accounts at once under the same global limit', async () => {
    sim.knobs.latency = { sts: { fixedMs: 3, jitterMs: 3 } };
    const { data } = layer({ concurrency: { global: 3 } });
    const accounts = activeAccounts()
      .slice(20, 40)
      .map((a) => a.id);
    await Promise.all(accounts.map((a) => data.sessions.ensureSession(a)));
    expect(sim.log.count({ service: 'sts', operation: 'AssumeRole', status: 200 })).toBe(20);
    expect(sim.log.peakInFlight).toBeLessThanOrEqual(3);
    expect(data.stats().peakInFlight).toBe(3);
  });

  it('retries throttled calls with backoff, slows that API down, and still returns exact results', async () => {
    simClock.advance(60_000); // every bucket full again
    sim.knobs.throttling = true;
    const { data } = layer({ retry: { maxAttempts: 8 } });
    const target = { accountId: BIG, region: 'eu-west-1' };
    const [instances, subnets] = await Promise.all([
      all(instancePages(data, target, { maxResults: 5 })),
      all(subnetPages(data, target, { maxResults: 5 })),
    ]);
    expect(instances.map((i) => i.instance.InstanceId)).toEqual(
      truth(target).instances.map((i) => i.instanceId),
    );
    expect(subnets).toHaveLength(truth(target).subnets.length);
    const throttledAnswers = sim.log.count({ service: 'ec2', errorCode: 'RequestLimitExceeded' });
    expect(throttledAnswers).toBeGreaterThan(0);
    const stats = data.stats();
    expect(stats).toMatchObject({
      throttled: throttledAnswers,
      retries: throttledAnswers,
      throttledOut: 0,
      sdkRetries: 0,
    });
    expect(stats.slowedGates).toBeGreaterThan(0);
    // Every page of 5 fetched exactly once (the throttled attempts are the RequestLimitExceeded ones).
    expect(
      sim.log.count({ service: 'ec2', operation: 'DescribeInstances', accountId: BIG, status: 200 }),
    ).toBe(1200 / 5);
  });

  it('reports THROTTLED (retryable) when throttling outlasts the retries', async () => {
    simClock.advance(60_000);
    sim.knobs.throttling = true;
    const frozen = async () => {}; // the sim's clock stands still: its bucket never refills
    const { data } = layer({ retry: { maxAttempts: 3 } }, { sleep: frozen });
    const target = { accountId: BIG, region: 'us-east-1' };
    const err = await failure(all(instancePages(data, target, { maxResults: 5 })));
    expect(err.facts()).toMatchObject({
      code: 'THROTTLED',
      retryable: true,
      accountId: BIG,
      region: 'us-east-1',
      service: 'ec2',
      operation: 'DescribeInstances',
      awsErrorCode: 'RequestLimitExceeded',
    });
    expect(err.requestId).toBeTruthy();
    // Throttling is retried beyond maxAttempts (3) until the call has waited out the throttle budget
    // (20 s of backoff and pacing, jitter fixed by random 0.5): 10 attempts, each a throttled request.
    expect(err.message).toContain('after 10 attempts');
    expect(sim.log.count({ service: 'ec2', operation: 'DescribeInstances', status: 200 })).toBe(100);
    expect(sim.log.count({ service: 'ec2', errorCode: 'RequestLimitExceeded' })).toBe(10);
  });
});

describe('classification of failures', () => {
  it('a missing role: ROLE_NOT_ASSUMABLE with the broker message, and no EC2 call', async () => {
    const account = member(8);
    sim.knobs.scenarios.set(account, { roleMissing: true });
    const { data } = layer();
    const err = await failure(all(instancePages(data, { accountId: account, region: 'eu-west-1' })));
    expect(err.facts()).toMatchObject({
      code: 'ROLE_NOT_ASSUMABLE',
      retryable: false,
      accountId: account,
      service: 'sts',
      operation: 'AssumeRole',
      awsErrorCode: 'AccessDenied',
    });
    // The whole account failed, not the Region the call was for.
    expect(err.facts().region).toBeUndefined();
    expect(err.requestId).toBeTruthy();
    expect(err.message).toContain(`arn:aws:iam::${account}:role/${sim.world.readRoleName}`);
    expect(ec2Count({ accountId: account })).toBe(0);
    const access = await failure(data.sessions.ensureSession(account));
    expect(access).toMatchObject({ code: 'ROLE_NOT_ASSUMABLE', accountId: account });
    await expect(data.sessions.ensureSession(member(9))).resolves.toBeUndefined();
    expect(await data.sessions.roleArnFor(account)).toBe(
      `arn:aws:iam::${account}:role/${sim.world.readRoleName}`,
    );
  });

  it('a disabled Region: REGION_NOT_ENABLED after STS confirmed the session, which is kept', async () => {
    const account = member(10);
    sim.knobs.scenarios.set(account, { disabledRegions: ['eu-west-1'] });
    const { data } = layer();
    const err = await failure(
      data.ec2.describeAvailabilityZones({ accountId: account, region: 'eu-west-1' }),
    );
    expect(err.facts()).toMatchObject({
      code: 'REGION_NOT_ENABLED',
      retryable: false,
      accountId: account,
      region: 'eu-west-1',
      service: 'ec2',
      operation: 'DescribeAvailabilityZones',
      awsErrorCode: 'AuthFailure',
    });
    expect(err.requestId).toBeTruthy();
    // One refused call, one GetCallerIdentity with the same session (accepted), no second AssumeRole.
    expect(ec2Count({ accountId: account, region: 'eu-west-1' })).toBe(1);
    expect(sim.log.count({ service: 'sts', operation: 'AssumeRole' })).toBe(1);
    expect(sim.log.entries({ service: 'sts', operation: 'GetCallerIdentity' })).toMatchObject([
      { accountId: account, status: 200 },
    ]);
    // Known now: the next call there does not throw the account's session away again.
    const again = await failure(
      data.ec2.byIds(INSTANCE.aws, { accountId: account, region: 'eu-west-1' }, ['i-0123456789abcdef0']),
    );
    expect(again).toMatchObject({ code: 'REGION_NOT_ENABLED', operation: 'DescribeInstances' });
    expect(ec2Count({ accountId: account, region: 'eu-west-1' })).toBe(2);
    expect(sim.log.count({ service: 'sts', operation: 'AssumeRole' })).toBe(1);
    expect(sim.log.count({ service: 'sts', operation: 'GetCallerIdentity' })).toBe(1);
    // The other Region of the account is fine.
    expect(
      (await data.ec2.describeAvailabilityZones({ accountId: account, region: 'us-east-1' })).value.length,
    ).toBeGreaterThan(0);
  });

  it('a call slower than its time limit: UPSTREAM_TIMEOUT (retryable), not retried', async () => {
    const { data } = layer({ callTimeoutMs: 50 });
    const account = member(11);
    await data.sessions.ensureSession(account);
    sim.knobs.latency = { ec2: { fixedMs: 400, jitterMs: 0 } };
    const err = await failure(
      data.ec2.describeAvailabilityZones({ accountId: account, region: 'us-east-1' }),
    );
    expect(err.facts()).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      retryable: true,
      accountId: account,
      region: 'us-east-1',
      service: 'ec2',
      operation: 'DescribeAvailabilityZones',
    });
    expect(err.message).toContain('within 50 ms');
    expect(data.stats().calls).toEqual({ 'ec2:DescribeAvailabilityZones': 1 });
    // The sim logs a request when it has answered it, also when the client had gone.
    await vi.waitFor(() => expect(ec2Count({ accountId: account })).toBe(1), { timeout: 5_000 });
  });

  it('a 5xx fault: retried, then UPSTREAM_ERROR (retryable) with the AWS code and request id', async () => {
    const { data } = layer({ retry: { maxAttempts: 3 } });
    const account = member(12);
    await data.sessions.ensureSession(account);
    sim.knobs.faults = { errorRate: 1, dropRate: 0 };
    const err = await failure(
      data.ec2.describeAvailabilityZones({ accountId: account, region: 'us-east-1' }),
    );
    expect(err).toMatchObject({
      code: 'UPSTREAM_ERROR',
      retryable: true,
      accountId: account,
      service: 'ec2',
    });
    expect(['InternalError', 'Unavailable']).toContain(err.awsErrorCode);
    expect(err.requestId).toBeTruthy();
    expect(ec2Count({ accountId: account })).toBe(3);
    expect(data.stats()).toMatchObject({ retries: 2, errors: { UPSTREAM_ERROR: 1 } });
  });

  it('Organizations refused to a member account: ACCESS_DENIED', async () => {
    const { data } = layer({}, { organizationsVia: member(13) });
    const err = await failure(data.organizations.listAccounts());
    expect(err.facts()).toMatchObject({
      code: 'ACCESS_DENIED',
      retryable: false,
      service: 'organizations',
      operation: 'ListAccounts',
    });
    expect(['AccessDeniedException', 'AWSOrganizationsNotInUseException']).toContain(err.awsErrorCode);
  });
});

describe('cancellation', () => {
  it('an aborted signal stops queued work: no AWS call after the abort', async () => {
    const { data } = layer({ concurrency: { global: 2, perTarget: 1 } });
    const accounts = [14, 15, 16, 17, 18].map(member);
    await Promise.all(accounts.map((a) => data.sessions.ensureSession(a)));
    sim.knobs.latency = { ec2: { fixedMs: 300, jitterMs: 0 } };
    const controller = new AbortController();
    const pending = accounts.flatMap((accountId) =>
      ['us-east-1', 'eu-west-1'].map((region) =>
        failure(data.ec2.describeAvailabilityZones({ accountId, region }, { signal: controller.signal })),
      ),
    );
    await vi.waitFor(() => expect(sim.log.inFlight).toBe(2), { timeout: 5_000 });
    expect(data.stats().queued).toBe(8);
    controller.abort(new Error('client went away'));
    const errors = await Promise.all(pending);
    expect(errors.every((e) => e.code === 'UPSTREAM_TIMEOUT' && e.message.includes('client went away'))).toBe(
      true,
    );
    expect(data.stats()).toMatchObject({
      queued: 0,
      inFlight: 0,
      calls: { 'ec2:DescribeAvailabilityZones': 2 },
    });
    await vi.waitFor(() => expect(ec2Count()).toBe(2), { timeout: 5_000 });
  });

  it('a signal already aborted makes no call at all', async () => {
    const { data } = layer();
    const err = await failure(
      all(
        instancePages(
          data,
          { accountId: member(19), region: 'us-east-1' },
          {},
          { signal: AbortSignal.abort() },
        ),
      ),
    );
    expect(err.code).toBe('UPSTREAM_TIMEOUT');
    expect(sim.log.count()).toBe(0);
  });
});

describe('stats', () => {
  it('counts calls by operation as the sim saw them', async () => {
    sim.knobs.pageCap = 4;
    const { data } = layer();
    const target = { accountId: member(20), region: 'eu-west-1' };
    await all(instancePages(data, target));
    await data.organizations.listAccounts();
    const stats = data.stats();
    expect(stats.calls).toEqual({
      'ec2:DescribeInstances': ec2Count({ operation: 'DescribeInstances' }),
      'organizations:ListAccounts': sim.log.count({ service: 'organizations', operation: 'ListAccounts' }),
    });
    expect(stats.totalCalls).toBe(3 + 12);
    expect(stats.sdkRetries).toBe(0);
  });
});
