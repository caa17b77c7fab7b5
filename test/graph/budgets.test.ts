// Query budgets (issue 7 §5) against the simulated AWS with the real SDK clients: the operation's
// shape and its worst-case AWS calls are refused before any STS or EC2 call (the request log proves
// it), and an answer growing past maxResponseItems is stopped before it fills the heap.
import type { GraphQLFormattedError } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim, SimOptions } from '../../src/sim/index.js';
import { createSharedHttpHandler } from '../../src/aws/client-pool.js';
import type { GraphConfigInput } from '../../src/config/graph.js';
import { GraphConfigError, parseGraphConfig } from '../../src/config/graph.js';
import type { GraphContext } from '../../src/graph/index.js';
import { simAwsStack } from '../helpers/aws-stack.js';
import { thrownBy } from '../helpers/rejection.js';
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

function gateway(s: RunningSim, config: GraphConfigInput = {}): Harness {
  return harness(simAwsStack(s, { httpHandler: handler }).data, config);
}

const REGIONS = ['eu-west-1', 'us-east-1'];

/** The organization: 5 accounts (all ACTIVE) × 2 Regions. */
const smallOrganization = () => sim({ seed: 11, accounts: 5, regions: REGIONS, instancesPerRegion: 12 });

/** 200 aliases of `instances`, each with its own filter. */
const ALIAS_QUERY = `{ ${Array.from(
  { length: 200 },
  (_, i) => `a${i}: instances(where: { types: ["t3.size${i}"] }) { totalCount }`,
).join(' ')} }`;

/** vpc → subnets → instances → vpc … `levels` times: a few dozen calls, an exponentially growing answer. */
function nestedQuery(levels: number): string {
  const level = (n: number): string =>
    n === 0
      ? 'vpcId'
      : `vpcId subnets { nodes { subnetId instances { nodes { instanceId vpc { ${level(n - 1)} } } } } }`;
  return `{ vpcs { nodes { ${level(levels)} } } }`;
}

function onlyError(errors: readonly GraphQLFormattedError[] | undefined): GraphQLFormattedError {
  expect(errors).toHaveLength(1);
  return (errors ?? [])[0] as GraphQLFormattedError;
}

function stsAndEc2Calls(s: RunningSim): number {
  return s.log.count({ service: 'sts' }) + s.log.count({ service: 'ec2' });
}

/** The estimate of `query`, read from the refusal a limit of one call gives it. */
async function estimateOf(s: RunningSim, query: string, config: GraphConfigInput = {}) {
  const result = await gateway(s, {
    ...config,
    limits: { maxAwsCalls: 1, maxAliases: 1000, maxRootFields: 1000, ...config.limits },
  }).run(query);
  const error = onlyError(result.errors);
  expect(error.extensions?.['code']).toBe('QUERY_TOO_EXPENSIVE');
  return error.extensions?.['estimatedCalls'] as number;
}

describe('AWS-call budget', () => {
  it('refuses the 200-alias query with QUERY_TOO_EXPENSIVE and zero STS or EC2 calls (default limits)', async () => {
    const s = await smallOrganization();
    const result = await gateway(s, { regions: REGIONS }).run(ALIAS_QUERY);
    expect(result.data).toBeUndefined();
    const error = onlyError(result.errors);
    expect(error.extensions).toEqual({ code: 'QUERY_TOO_EXPENSIVE', aliases: 200, limit: 30 });
    expect(error.message).toContain('graph.limits.maxAliases');
    expect(stsAndEc2Calls(s)).toBe(0);
  });

  it('refuses it on its estimated calls too when aliases are allowed: 200 lists × 10 targets + 5 AssumeRole', async () => {
    const s = await smallOrganization();
    const result = await gateway(s, {
      regions: REGIONS,
      limits: { maxAliases: 1000, maxRootFields: 1000 },
    }).run(ALIAS_QUERY);
    expect(result.data).toBeUndefined();
    const error = onlyError(result.errors);
    expect(error.extensions).toEqual({ code: 'QUERY_TOO_EXPENSIVE', estimatedCalls: 2005, limit: 1000 });
    expect(error.message).toContain('graph.limits.maxAwsCalls');
    expect(error.message).toContain('where: { accountIds, regions }');
    expect(error.message).toContain("'a0' (10 EC2 calls)");
    expect(stsAndEc2Calls(s)).toBe(0);
    // The estimate may read the account list (Organizations), nothing else.
    expect(s.log.count({ service: 'organizations', operation: 'ListAccounts' })).toBeGreaterThan(0);
  });

  it('estimates a fan-out exactly: targets × split parts + one AssumeRole per account, narrowed by where', async () => {
    const s = await smallOrganization();
    const config = { regions: REGIONS };
    const [first] = s.world.accounts;
    // 5 accounts × 2 Regions, 1 call each, and 5 sessions.
    expect(await estimateOf(s, '{ instances { totalCount } }', config)).toBe(15);
    // 450 exact instance ids: 3 calls of at most 200 values per target.
    const ids = Array.from({ length: 450 }, (_, i) => `"i-${(i + 1).toString(16).padStart(17, '0')}"`);
    expect(
      await estimateOf(s, `{ instances(where: { instanceIds: [${ids.join(',')}] }) { totalCount } }`, config),
    ).toBe(35);
    // One account, one Region: one call and one session.
    expect(
      await estimateOf(
        s,
        `{ vpcs(where: { accountIds: ["${first?.id}"], regions: ["us-east-1"] }) { totalCount } }`,
        config,
      ),
    ).toBe(2);
    // Lists of accounts' own lists: the accounts listed (first: 2) × 2 Regions + 2 sessions.
    expect(await estimateOf(s, '{ accounts(first: 2) { nodes { instances { totalCount } } } }', config)).toBe(
      6,
    );
    // node(id) of a VPC: one by-id call in one account, and its subnets one more.
    const vpc = s.world.regionData(first?.id as string, 'us-east-1').vpcs[0]?.vpcId as string;
    const vpcId = Buffer.from(`Vpc:${first?.id}:us-east-1:${vpc}`).toString('base64url');
    expect(
      await estimateOf(s, `{ node(id: "${vpcId}") { ... on Vpc { subnets { totalCount } } } }`, config),
    ).toBe(3);
    // A where that matches nothing costs nothing: no refusal at all.
    s.log.reset();
    const empty = await gateway(s, { ...config, limits: { maxAwsCalls: 1 } }).run(
      '{ instances(where: { states: [] }) { totalCount } }',
    );
    expect(empty.errors).toBeUndefined();
    expect(stsAndEc2Calls(s)).toBe(0);
  });

  it('counts nested lists and by-id lookups once per target of their parents (they are batched)', async () => {
    const s = await smallOrganization();
    // vpcs, their subnets, the subnets' instances, each instance's vpc: 4 calls per target + 5 sessions.
    const query = '{ vpcs { nodes { subnets { nodes { instances { nodes { vpc { vpcId } } } } } } } }';
    expect(await estimateOf(s, query, { regions: REGIONS })).toBe(4 * 10 + 5);
    // The query itself, allowed, makes no more calls than estimated.
    s.log.reset();
    const result = await gateway(s, { regions: REGIONS }).run(query);
    expect(result.errors).toBeUndefined();
    expect(stsAndEc2Calls(s)).toBeLessThanOrEqual(45);
    expect(s.log.count({ service: 'ec2', operation: 'DescribeVpcs' })).toBeGreaterThanOrEqual(10);
    // A relation to a resource kind is a by-id lookup without a rule of its own (instances' groups).
    const groups = '{ instances { nodes { securityGroups { description } } } }';
    expect(await estimateOf(s, groups, { regions: REGIONS })).toBe(2 * 10 + 5);
  });

  it('assumes limits.assumedRegionsPerAccount Regions per account when graph.regions is not configured', async () => {
    const s = await smallOrganization();
    // 5 accounts × 17 Regions + 5 AssumeRole + 5 DescribeRegions.
    expect(await estimateOf(s, '{ instances { totalCount } }')).toBe(5 * 17 + 5 + 5);
    expect(
      await estimateOf(s, '{ instances { totalCount } }', { limits: { assumedRegionsPerAccount: 4 } }),
    ).toBe(5 * 4 + 5 + 5);
    // A where naming Regions needs no assumption.
    expect(await estimateOf(s, '{ instances(where: { regions: ["us-east-1"] }) { totalCount } }')).toBe(
      5 + 5 + 5,
    );
  });

  it('answers a query within the budget exactly, with the calls the sim logged', async () => {
    const s = await smallOrganization();
    const result = await gateway(s, { regions: REGIONS, limits: { maxAwsCalls: 15 } }).run(
      '{ instances { totalCount } }',
    );
    const truth = s.world.accounts.flatMap((a) =>
      REGIONS.flatMap((r) => s.world.regionData(a.id, r).instances),
    );
    expect(at(dataOf(result), 'instances', 'totalCount')).toBe(truth.length);
    expect(s.log.count({ service: 'ec2', operation: 'DescribeInstances' })).toBe(10);
    expect(s.log.count({ service: 'sts', operation: 'AssumeRole' })).toBe(5);
  });
});

describe('shape limits', () => {
  it('refuses the 8-level nested query on its depth before any call (default limits)', async () => {
    const s = await smallOrganization();
    const result = await gateway(s, { regions: REGIONS }).run(nestedQuery(8));
    const error = onlyError(result.errors);
    expect(error.extensions).toEqual({ code: 'QUERY_TOO_EXPENSIVE', depth: 43, limit: 20 });
    expect(error.message).toContain('graph.limits.maxDepth');
    expect(s.log.count()).toBe(0);
  });

  it('counts depth and aliases through fragments, and root fields', async () => {
    const s = await smallOrganization();
    const h = gateway(s, { regions: REGIONS, limits: { maxDepth: 3, maxAliases: 1, maxRootFields: 2 } });
    const deep = await h.run(
      'query { ...Q } fragment Q on Query { organization { accounts { nodes { name } } } }',
    );
    expect(onlyError(deep.errors).extensions).toEqual({ code: 'QUERY_TOO_EXPENSIVE', depth: 4, limit: 3 });
    const aliased = await h.run('{ a: organization { ...O } } fragment O on Organization { b: arn }');
    expect(onlyError(aliased.errors).extensions).toEqual({
      code: 'QUERY_TOO_EXPENSIVE',
      aliases: 2,
      limit: 1,
    });
    const wide = await h.run(
      '{ organization { arn } ... on Query { accounts { totalCount } instances { totalCount } } }',
    );
    expect(onlyError(wide.errors).extensions).toEqual({
      code: 'QUERY_TOO_EXPENSIVE',
      rootFields: 3,
      limit: 2,
    });
    expect(s.log.count()).toBe(0);
  });
});

describe('response budget', () => {
  it('stops the 8-level nested query allowed past its depth before the heap grows by 100 MB', async () => {
    const s = await smallOrganization();
    const h = gateway(s, { regions: REGIONS, limits: { maxDepth: 100 } });
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
    const result = await h.run(nestedQuery(8));
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    expect(result.data).toBeNull();
    const error = onlyError(result.errors);
    expect(error.extensions?.['code']).toBe('QUERY_TOO_EXPENSIVE');
    expect(error.extensions?.['limit']).toBe(10_000);
    expect(error.extensions?.['items']).toBeGreaterThan(10_000);
    expect(error.message).toContain('graph.limits.maxResponseItems');
    expect(peak - before).toBeLessThan(100 * 1024 * 1024);
    // Only the few dozen batched calls the issue saw: the answer, not AWS, was the problem.
    expect(stsAndEc2Calls(s)).toBeLessThan(60);
  });

  it('aborts the request’s AWS work with the budget error when it is exceeded', async () => {
    const s = await smallOrganization();
    const h = gateway(s, { regions: REGIONS, limits: { maxResponseItems: 5 } });
    let context: GraphContext | undefined;
    const createContext = h.graph.createContext;
    h.graph.createContext = (request) => (context = createContext(request));
    const result = await h.run('{ instances { nodes { instanceId } } vpcs { nodes { vpcId } } }');
    expect(result.data).toBeNull();
    expect(onlyError(result.errors).extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', limit: 5 });
    expect(context?.signal.aborted).toBe(true);
    expect((context?.signal.reason as { extensions?: { code?: string } }).extensions?.code).toBe(
      'QUERY_TOO_EXPENSIVE',
    );
  });

  it('answers a large nested query within the budget exactly', async () => {
    const s = await sim({ seed: 12, accounts: 5, regions: REGIONS, instancesPerRegion: 60 });
    const result = await gateway(s, { regions: REGIONS }).run(
      '{ vpcs { totalCount nodes { vpcId subnets { nodes { subnetId instances { nodes { instanceId vpc { vpcId } } } } } } } }',
    );
    expect(result.errors).toBeUndefined();
    type Vpc = {
      vpcId: string;
      subnets: {
        nodes: { subnetId: string; instances: { nodes: { instanceId: string; vpc: { vpcId: string } }[] } }[];
      };
    };
    const vpcs = at<Vpc[]>(dataOf(result), 'vpcs', 'nodes');
    const truth = s.world.accounts.flatMap((a) => REGIONS.map((r) => s.world.regionData(a.id, r)));
    expect(vpcs.map((v) => v.vpcId).sort()).toEqual(truth.flatMap((d) => d.vpcs.map((v) => v.vpcId)).sort());
    const instances = vpcs.flatMap((v) => v.subnets.nodes.flatMap((sn) => sn.instances.nodes));
    expect(instances.map((i) => i.instanceId).sort()).toEqual(
      truth
        .flatMap((d) => d.instances.filter((i) => i.subnetId !== undefined).map((i) => i.instanceId))
        .sort(),
    );
    for (const v of vpcs)
      for (const sn of v.subnets.nodes) for (const i of sn.instances.nodes) expect(i.vpc.vpcId).toBe(v.vpcId);
  });
});

describe('default limits', () => {
  it("answer the README's query on the README's sim (50 accounts, Regions from DescribeRegions)", async () => {
    const regions = ['us-east-1', 'eu-west-1'];
    const s = await sim({ seed: 1, accounts: 50, regions, instancesPerRegion: 40 });
    const result = await gateway(s).run(
      '{ instances(where: { states: [RUNNING] }) { totalCount nodes { instanceId name account { name } region { name } } failures { code accountId region } } }',
    );
    expect(result.errors).toBeUndefined();
    const running = s.world.accounts
      .filter((a) => a.state === 'ACTIVE')
      .flatMap((a) => regions.flatMap((r) => s.world.regionData(a.id, r).instances))
      .filter((i) => i.state.name === 'running');
    expect(running.length).toBeGreaterThan(1000);
    expect(at(dataOf(result), 'instances', 'totalCount')).toBe(running.length);
  });
});

describe('graph.limits configuration', () => {
  it('has documented defaults and names a bad option by its path', () => {
    expect(parseGraphConfig({}).limits).toEqual({
      maxAwsCalls: 1000,
      checkAwsCalls: 'before-any-call',
      assumedRegionsPerAccount: 17,
      maxResponseItems: 10_000,
      maxDepth: 20,
      maxAliases: 30,
      maxRootFields: 20,
    });
    const error = thrownBy(() => parseGraphConfig({ limits: { maxAwsCalls: 0, maxDepth: 'deep' } }));
    expect(error).toBeInstanceOf(GraphConfigError);
    expect(error.message).toContain('graph.limits.maxAwsCalls: must be at least 1');
    expect(error.message).toContain('graph.limits.maxDepth: must be a number');
  });
});
