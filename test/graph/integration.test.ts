// The graph end to end: GraphQL operations through Apollo Server, the real data layer, session broker,
// client pool and AWS SDK clients, against the simulated AWS. Every test asserts the data AND the AWS
// calls the sim's request log saw (the "Done when" list).
import { afterAll, describe, expect, it } from 'vitest';
import { startSim } from '../../src/sim/index.js';
import { accountIdAt } from '../../src/sim/generator.js';
import type { RequestLogEntry } from '../../src/sim/request-log.js';
import { decodeToken, selectionFingerprint } from '../../src/sim/services/ec2/paging.js';
import type { RunningSim, SimOptions } from '../../src/sim/index.js';
import { createSharedHttpHandler } from '../../src/aws/client-pool.js';
import type { AwsOptions } from '../../src/config/aws.js';
import type { GraphConfigInput } from '../../src/config/graph.js';
import { simAwsStack } from '../helpers/aws-stack.js';
import { manualClock } from '../helpers/clock.js';
import type { Harness } from './harness.js';
import { at, dataOf, harness } from './harness.js';

const handler = createSharedHttpHandler({ maxSockets: 64 });
const sims: RunningSim[] = [];

afterAll(async () => {
  handler.destroy();
  await Promise.all(sims.map((s) => s.close()));
});

async function sim(options: SimOptions): Promise<RunningSim> {
  const running = await startSim(options);
  sims.push(running);
  return running;
}

/** createGraph over the real data layer pointed at `sim`. */
function gateway(
  sim: RunningSim,
  graphConfig: GraphConfigInput = {},
  dataOptions: AwsOptions = {},
  sleep?: (ms: number) => Promise<void>,
): Harness {
  const { data } = simAwsStack(sim, {
    httpHandler: handler,
    data: dataOptions,
    ...(sleep ? { dataDeps: { sleep, random: () => 0.5 } } : {}),
  });
  return harness(data, graphConfig);
}

/** The accounts a fan-out reads by default: the ACTIVE ones (AWS refuses AssumeRole into the others). */
function activeAccounts(s: RunningSim): string[] {
  return s.world.accounts.filter((a) => a.state === 'ACTIVE').map((a) => a.id);
}

/** "account|region|instanceId" of every instance the sim holds for these targets (ACTIVE accounts). */
function truthInstances(
  s: RunningSim,
  regions: readonly string[],
  skip: (accountId: string, region: string) => boolean = () => false,
): string[] {
  return s.world.accounts
    .filter((a) => a.state === 'ACTIVE')
    .flatMap((a) =>
      regions
        .filter((r) => !skip(a.id, r))
        .flatMap((r) => s.world.regionData(a.id, r).instances.map((i) => `${a.id}|${r}|${i.instanceId}`)),
    );
}

/**
 * Instances a logged DescribeInstances (without filters) answered: the sim's page from the offset its
 * NextToken carries (decoded with the sim's own, in-process token key).
 */
function instancesAnswered(s: RunningSim, entry: RequestLogEntry): number {
  const token = entry.params['NextToken'];
  const scope = {
    operation: 'DescribeInstances',
    accountId: entry.accountId,
    region: entry.region,
    selection: selectionFingerprint([], []),
  };
  const offset = typeof token === 'string' ? decodeToken(token, scope) : 0;
  if (offset === undefined) throw new Error(`not a token of this sim: ${String(token)}`);
  const total = s.world.regionData(entry.accountId, entry.region).instances.length;
  const cap = s.knobs.pageCap ?? Infinity;
  return Math.max(0, Math.min(Number(entry.params['MaxResults'] ?? Infinity), cap, total - offset));
}

interface InstanceNode {
  instanceId: string;
  account: { accountId: string };
  region: { name: string };
}

const key = (n: InstanceNode) => `${n.account.accountId}|${n.region.name}|${n.instanceId}`;

describe('graph against the simulated AWS', () => {
  it('answers accounts-only with exactly 3 ListAccounts calls for 45 accounts — no STS, no EC2', async () => {
    const s = await sim({ seed: 3, accounts: 45, regions: ['us-east-1'], instancesPerRegion: 1 });
    const result = await gateway(s).run(
      '{ organization { accounts { totalCount nodes { accountId name } } } }',
    );
    const nodes = at<{ accountId: string; name: string }[]>(
      dataOf(result),
      'organization',
      'accounts',
      'nodes',
    );
    expect(nodes.map((n) => n.accountId)).toEqual(s.world.accounts.map((a) => a.id));
    expect(nodes.map((n) => n.name)).toEqual(s.world.accounts.map((a) => a.name));
    expect(s.log.count({ service: 'organizations', operation: 'ListAccounts' })).toBe(3);
    expect(s.log.count({ service: 'organizations' })).toBe(3);
    expect(s.log.count({ service: 'sts' })).toBe(0);
    expect(s.log.count({ service: 'ec2' })).toBe(0);
  });

  it("resolves 60 accounts' and every unit's parent from one walk of the tree: no ListParents, no DescribeOrganizationalUnit", async () => {
    const s = await sim({ seed: 3, accounts: 60, regions: ['us-east-1'], instancesPerRegion: 1 });
    const units = s.world.organizationalUnits;
    const nameOf = (id: string) =>
      id === s.world.organization.root.id ? 'Root' : units.find((u) => u.id === id)?.name;
    const result = await gateway(s).run(
      '{ accounts { nodes { accountId parent { unitId name } } } organization { roots { units { nodes { unitId parent { unitId name } } } } } }',
    );
    expect(result.errors).toBeUndefined();
    expect(at(dataOf(result), 'accounts', 'nodes')).toEqual(
      s.world.accounts.map((a) => ({
        accountId: a.id,
        parent: { unitId: a.parentId, name: nameOf(a.parentId) },
      })),
    );
    const topUnits = at<{ unitId: string; parent: { unitId: string; name: string } }[]>(
      dataOf(result),
      'organization',
      'roots',
      0,
      'units',
      'nodes',
    );
    expect(topUnits.length).toBeGreaterThan(1);
    for (const unit of topUnits)
      expect(unit.parent).toEqual({ unitId: s.world.organization.root.id, name: 'Root' });
    // O(units), not O(accounts): one ListRoots, then per unit (the root included) its child units and
    // accounts, each a few pages of 20 at most.
    expect(s.log.count({ service: 'organizations', operation: 'ListParents' })).toBe(0);
    expect(s.log.count({ service: 'organizations', operation: 'DescribeOrganizationalUnit' })).toBe(0);
    expect(s.log.count({ service: 'organizations', operation: 'ListRoots' })).toBe(1);
    const perUnit = ['ListOrganizationalUnitsForParent', 'ListAccountsForParent'].map((operation) =>
      s.log.count({ service: 'organizations', operation }),
    );
    expect(perUnit[0]).toBe(units.length + 1);
    expect(perUnit[1]).toBeGreaterThanOrEqual(units.length + 1);
    expect(perUnit[1]).toBeLessThanOrEqual(units.length + 1 + Math.ceil(60 / 20));
  });

  it('reads no account that is not ACTIVE, still lists it, and says so in access without calling STS', async () => {
    const s = await sim({ seed: 7, accounts: 12, regions: ['us-east-1'], instancesPerRegion: 3 });
    const inactive = s.world.accounts.filter((a) => a.state !== 'ACTIVE');
    expect(inactive.map((a) => a.state).sort()).toEqual(['PENDING_CLOSURE', 'SUSPENDED']);
    const h = gateway(s, { regions: ['us-east-1'] });
    const result = await h.run(
      '{ accounts { nodes { accountId state access { status failure { code } } } } instances { totalCount } }',
    );
    expect(result.errors).toBeUndefined();
    const nodes = at<{ accountId: string; state: string; access: { status: string; failure: unknown } }[]>(
      dataOf(result),
      'accounts',
      'nodes',
    );
    expect(nodes.map((n) => n.accountId)).toEqual(s.world.accounts.map((a) => a.id));
    for (const n of nodes) {
      expect(n.access).toEqual(
        n.state === 'ACTIVE'
          ? { status: 'OK', failure: null }
          : { status: 'ACCOUNT_NOT_ACTIVE', failure: null },
      );
    }
    expect(at(dataOf(result), 'instances', 'totalCount')).toBe(truthInstances(s, ['us-east-1']).length);
    const roleArns = s.log
      .entries({ service: 'sts', operation: 'AssumeRole' })
      .map((e) => String(e.params['RoleArn']));
    expect(roleArns).toHaveLength(10);
    expect(roleArns.filter((arn) => inactive.some((a) => arn.includes(`::${a.id}:`)))).toEqual([]);
    expect(
      s.log.entries({ service: 'ec2' }).filter((e) => inactive.some((a) => a.id === e.accountId)),
    ).toEqual([]);
  });

  it('reads 300 instances with their vpc and subnet in 1 AssumeRole, 1 DescribeInstances, 1 DescribeVpcs, 1 DescribeSubnets — and no AssumeRole the second time', async () => {
    const target = accountIdAt(4, 1);
    const s = await sim({
      seed: 4,
      accounts: 2,
      regions: ['us-east-1'],
      instancesPerRegion: 1,
      overrides: { [target]: { instancesPerRegion: 300, vpcsPerRegion: 5, subnetsPerVpc: 2 } },
    });
    // The response cache off, so the second query reaches AWS again and only the session is reused.
    const h = gateway(s, {}, { cache: { ttlSeconds: 0 } });
    const query = `{ account(id: "${target}") { region(name: "us-east-1") { instances { totalCount nodes { instanceId vpcId subnetId vpc { vpcId cidrBlock } subnet { subnetId availabilityZone } } } } } }`;
    const truth = s.world.regionData(target, 'us-east-1');
    for (let round = 1; round <= 2; round++) {
      s.log.reset();
      const result = await h.run(query);
      const nodes = at<
        {
          instanceId: string;
          vpcId: string;
          subnetId: string;
          vpc: { vpcId: string; cidrBlock: string };
          subnet: { subnetId: string; availabilityZone: string };
        }[]
      >(dataOf(result), 'account', 'region', 'instances', 'nodes');
      expect(nodes.map((n) => n.instanceId)).toEqual(truth.instances.map((i) => i.instanceId));
      expect(nodes.filter((n) => n.vpc !== null).length).toBeGreaterThan(250);
      for (const n of nodes) {
        // A terminated instance is in no VPC and no subnet.
        if (n.vpcId === null) {
          expect([n.vpc, n.subnet]).toEqual([null, null]);
          continue;
        }
        expect(n.vpc.vpcId).toBe(n.vpcId);
        expect(n.vpc.cidrBlock).toBe(truth.vpcs.find((v) => v.vpcId === n.vpcId)?.cidrBlock);
        expect(n.subnet.availabilityZone).toBe(
          truth.subnets.find((x) => x.subnetId === n.subnetId)?.availabilityZone,
        );
      }
      expect(s.log.count({ service: 'sts', operation: 'AssumeRole' })).toBe(round === 1 ? 1 : 0);
      expect(s.log.count({ service: 'ec2', operation: 'DescribeInstances' })).toBe(1);
      expect(s.log.count({ service: 'ec2', operation: 'DescribeVpcs' })).toBe(1);
      expect(s.log.count({ service: 'ec2', operation: 'DescribeSubnets' })).toBe(1);
      expect(s.log.count({ service: 'ec2' })).toBe(3);
    }
  });

  it('returns exactly the organization-wide ground truth over 50 accounts × 3 Regions, with the broken parts as errors', async () => {
    const regions = ['eu-west-1', 'us-east-1', 'us-west-2'];
    const s = await sim({ seed: 5, accounts: 50, regions, instancesPerRegion: 4, knobs: { pageCap: 3 } });
    // Fan-outs read the ACTIVE accounts only; the broken ones are picked among them.
    const accounts = activeAccounts(s);
    const inactive = s.world.accounts.filter((a) => a.state !== 'ACTIVE').map((a) => a.id);
    expect(inactive.length).toBeGreaterThan(0);
    const [noRole1, noRole2, partlyDisabled] = [
      accounts[7] as string,
      accounts[31] as string,
      accounts[12] as string,
    ];
    s.knobs.scenarios.set(noRole1, { roleMissing: true });
    s.knobs.scenarios.set(noRole2, { roleMissing: true });
    s.knobs.scenarios.set(partlyDisabled, { disabledRegions: ['eu-west-1'] });
    const result = await gateway(s, { regions }).run(
      '{ instances { totalCount nodes { instanceId account { accountId } region { name } } failures { code accountId region } } }',
    );
    const broken = (a: string, r: string) =>
      a === noRole1 || a === noRole2 || (a === partlyDisabled && r === 'eu-west-1');
    const nodes = at<InstanceNode[]>(dataOf(result), 'instances', 'nodes');
    const truth = truthInstances(s, regions, broken);
    expect(truth.length).toBeGreaterThan(400);
    expect(nodes.map(key)).toEqual(truth);
    expect(at(dataOf(result), 'instances', 'totalCount')).toBe(truth.length);

    const expectedFailures = [
      ...regions.map((r) => ({ code: 'ROLE_NOT_ASSUMABLE', accountId: noRole1, region: r })),
      ...regions.map((r) => ({ code: 'ROLE_NOT_ASSUMABLE', accountId: noRole2, region: r })),
      { code: 'REGION_NOT_ENABLED', accountId: partlyDisabled, region: 'eu-west-1' },
    ];
    // In fan-out order: the accounts' order, then Region name.
    expectedFailures.sort(
      (a, b) =>
        accounts.indexOf(a.accountId) - accounts.indexOf(b.accountId) || a.region.localeCompare(b.region),
    );
    expect(at(dataOf(result), 'instances', 'failures')).toEqual(expectedFailures);
    expect(
      (result.errors ?? []).map((e) => ({
        path: e.path,
        code: e.extensions?.['code'],
        accountId: e.extensions?.['accountId'],
        region: e.extensions?.['region'],
      })),
    ).toEqual(expectedFailures.map((f) => ({ path: ['instances'], ...f })));
    for (const e of result.errors ?? []) expect(e.extensions).toHaveProperty('retryable', false);
    // No AssumeRole into, and no EC2 call in, an account that is not ACTIVE.
    const assumed = s.log
      .entries({ service: 'sts', operation: 'AssumeRole' })
      .map((e) => String(e.params['RoleArn']));
    expect(assumed.filter((arn) => inactive.some((id) => arn.includes(`::${id}:`)))).toEqual([]);
    expect(s.log.entries({ service: 'ec2' }).filter((e) => inactive.includes(e.accountId))).toEqual([]);
  });

  it('pushes a where on state, tag and vpc down as Filters in the request log', async () => {
    const s = await sim({ seed: 6, accounts: 2, regions: ['us-east-1'], instancesPerRegion: 60 });
    const account = s.world.accounts[1]?.id as string;
    const truth = s.world.regionData(account, 'us-east-1');
    const sample =
      truth.instances.find(
        (i) => i.state.name === 'running' && i.tags.some((t) => t.key === 'env') && i.vpcId,
      ) ?? truth.instances[0];
    const env = sample?.tags.find((t) => t.key === 'env')?.value as string;
    const vpcId = sample?.vpcId as string;
    const result = await gateway(s).run(
      `query ($vpc: String!, $env: String!) { account(id: "${account}") { region(name: "us-east-1") {
        instances(where: { states: [RUNNING], tags: [{ key: "env", values: [$env] }], vpcIds: [$vpc] }) { nodes { instanceId } } } } }`,
      { vpc: vpcId, env },
    );
    const expected = truth.instances.filter(
      (i) =>
        i.state.name === 'running' &&
        i.vpcId === vpcId &&
        i.tags.some((t) => t.key === 'env' && t.value === env),
    );
    expect(
      at<{ instanceId: string }[]>(dataOf(result), 'account', 'region', 'instances', 'nodes').map(
        (n) => n.instanceId,
      ),
    ).toEqual(expected.map((i) => i.instanceId));
    const calls = s.log.entries({ service: 'ec2', operation: 'DescribeInstances' });
    expect(calls).toHaveLength(1);
    const filters: Record<string, string[]> = {};
    const params = calls[0]?.params ?? {};
    for (const [name, value] of Object.entries(params)) {
      const m = /^Filter\.(\d+)\.Name$/.exec(name);
      if (m)
        filters[String(value)] = Object.keys(params)
          .filter((k) => k.startsWith(`Filter.${m[1]}.Value.`))
          .map((k) => String(params[k]));
    }
    expect(filters).toEqual({ 'instance-state-name': ['running'], 'tag:env': [env], 'vpc-id': [vpcId] });
  });

  it('splits a where of 450 instance ids into EC2 calls of at most 200 filter values', async () => {
    const s = await sim({ seed: 6, accounts: 1, regions: ['us-east-1'], instancesPerRegion: 600 });
    const account = s.world.accounts[0]?.id as string;
    const wanted = s.world
      .regionData(account, 'us-east-1')
      .instances.filter((_, i) => i % 4 !== 0)
      .slice(0, 450)
      .map((i) => i.instanceId);
    const result = await gateway(s, { regions: ['us-east-1'] }).run(
      'query ($ids: [String!]) { instances(where: { instanceIds: $ids, states: [RUNNING, STOPPED, PENDING, STOPPING, SHUTTING_DOWN, TERMINATED] }) { totalCount nodes { instanceId } } }',
      { ids: wanted },
    );
    expect(result.errors).toBeUndefined();
    expect(
      at<{ instanceId: string }[]>(dataOf(result), 'instances', 'nodes').map((n) => n.instanceId),
    ).toEqual(wanted);
    const calls = s.log.entries({ service: 'ec2', operation: 'DescribeInstances' });
    const filterValues = (e: RequestLogEntry) =>
      Object.keys(e.params).filter((k) => /^Filter\.\d+\.Value\.\d+$/.test(k)).length;
    // 450 ids and 6 states: 194 + 6, 194 + 6, 62 + 6.
    expect(calls.map(filterValues)).toEqual([200, 200, 68]);
    expect(calls.every((e) => e.status === 200)).toBe(true);
  });

  /** Pages `query` (instances(first: 100, after: $after)) to the end; the keys seen and the page count. */
  async function pageAll(h: Harness): Promise<{ seen: string[]; pages: number }> {
    const query =
      'query ($after: String) { instances(first: 100, after: $after) { nodes { instanceId account { accountId } region { name } } pageInfo { hasNextPage endCursor } failures { code } } }';
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (; pages < 80;) {
      const result = await h.run(query, { after });
      pages++;
      expect(result.errors).toBeUndefined();
      const connection = at<{ nodes: InstanceNode[]; pageInfo: { hasNextPage: boolean; endCursor: string } }>(
        dataOf(result),
        'instances',
      );
      seen.push(...connection.nodes.map(key));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    return { seen, pages };
  }

  it('pages through 5,000 instances with first: 100, yielding every instance exactly once and reading none twice', async () => {
    // 12 accounts, 10 of them ACTIVE: 5,000 instances in the fan-out.
    const s = await sim({ seed: 7, accounts: 12, regions: ['us-east-1'], instancesPerRegion: 500 });
    const h = gateway(s, { regions: ['us-east-1'] });
    const { seen, pages } = await pageAll(h);
    const truth = truthInstances(s, ['us-east-1']);
    expect(truth).toHaveLength(5000);
    expect(seen).toEqual(truth);
    const calls = s.log.entries({ service: 'ec2', operation: 'DescribeInstances' });
    // No instance read twice: what AWS answered adds up to the instances there are.
    expect(calls.reduce((n, e) => n + instancesAnswered(s, e), 0)).toBe(5000);
    expect(calls.every((e) => e.params['MaxResults'] === '100')).toBe(true);
    expect(pages).toBe(50);
    expect(calls.length).toBeLessThanOrEqual(pages + activeAccounts(s).length);
  });

  it('pages through 5,000 instances in AWS pages of at most 70, yielding every instance exactly once', async () => {
    const s = await sim({
      seed: 7,
      accounts: 12,
      regions: ['us-east-1'],
      instancesPerRegion: 500,
      knobs: { pageCap: 70 },
    });
    const h = gateway(s, { regions: ['us-east-1'] });
    const { seen, pages } = await pageAll(h);
    const truth = truthInstances(s, ['us-east-1']);
    expect(truth).toHaveLength(5000);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(truth);
    const calls = s.log.entries({ service: 'ec2', operation: 'DescribeInstances' });
    // Pages asked AWS for what they needed, never the whole 1,000.
    const sizes = calls.map((e) => Number(e.params['MaxResults']));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(101 + 70);
    // A short AWS page is followed by one for the rest (100 = 70 + 30): no instance read twice.
    expect(calls.reduce((n, e) => n + instancesAnswered(s, e), 0)).toBe(5000);
    expect(calls.length).toBeLessThanOrEqual(2 * pages + activeAccounts(s).length);
  });

  it('stays under the in-flight limit and exact with EC2 throttling on', async () => {
    const clock = manualClock();
    const regions = ['eu-west-1', 'us-east-1'];
    // 250 instances in pages of 2: 125 DescribeInstances per (account, Region), beyond EC2's burst of 100.
    const s = await sim({
      seed: 8,
      accounts: 2,
      regions,
      instancesPerRegion: 250,
      clock,
      knobs: { throttling: true, pageCap: 2 },
    });
    // Backoff moves the sim's clock (its throttle buckets refill) instead of waiting.
    const h = gateway(
      s,
      { regions },
      { concurrency: { global: 6, perTarget: 2 }, retry: { maxAttempts: 20 } },
      async (ms) => clock.advance(ms),
    );
    const result = await h.run(
      '{ instances { nodes { instanceId account { accountId } region { name } vpc { vpcId } } failures { code } } vpcs { totalCount } }',
    );
    expect(result.errors).toBeUndefined();
    expect(at<InstanceNode[]>(dataOf(result), 'instances', 'nodes').map(key)).toEqual(
      truthInstances(s, regions),
    );
    expect(at(dataOf(result), 'vpcs', 'totalCount')).toBe(
      s.world.accounts.reduce(
        (n, a) => n + regions.reduce((m, r) => m + s.world.regionData(a.id, r).vpcs.length, 0),
        0,
      ),
    );
    expect(s.log.peakInFlight).toBeLessThanOrEqual(6);
    expect(s.log.count({ service: 'ec2', errorCode: 'RequestLimitExceeded' })).toBeGreaterThan(0);
  });
});
