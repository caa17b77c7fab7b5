// Precise refusals: every kind of argument AWS would refuse, or that can never match, is a
// BAD_USER_INPUT error naming the argument, showing the bad value (shortened, safely printable) and
// saying what is expected — and it costs no AWS call at all: the sim's request log stays empty. Runs the
// real data layer, session broker and AWS SDK clients against the simulated AWS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { createSharedHttpHandler } from '../../src/aws/client-pool.js';
import type { GraphConfigInput } from '../../src/config/graph.js';
import { encodeGlobalId } from '../../src/graph/global-id.js';
import { MAX_WHERE_VALUES } from '../../src/graph/argument-checks.js';
import { simAwsStack } from '../helpers/aws-stack.js';
import type { Harness } from './harness.js';
import { at, dataOf, harness } from './harness.js';

const handler = createSharedHttpHandler({ maxSockets: 16 });
let sim: RunningSim;
let account: string;

beforeAll(async () => {
  sim = await startSim({ seed: 7, accounts: 3, regions: ['us-east-1', 'eu-west-1'], instancesPerRegion: 3 });
  account = sim.world.accounts.find((a) => a.state === 'ACTIVE')?.id as string;
});

afterAll(async () => {
  handler.destroy();
  await sim.close();
});

function gateway(config: GraphConfigInput = {}): Harness {
  return harness(simAwsStack(sim, { httpHandler: handler }).data, config);
}

const n = (count: number, make: (i: number) => string) => Array.from({ length: count }, (_, i) => make(i));
/** 199 exact instance types and one wildcard: 200 values EC2 cannot take with a parent id, nor split. */
const UNSPLITTABLE_TYPES = ['t3.*', ...n(199, (i) => `m5.size${i}`)];

interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  config?: GraphConfigInput;
  /** Text the message must hold: the argument and the bad value as shown. */
  says: string[];
}

const CASES: Case[] = [
  {
    name: 'an empty security group name',
    query: '{ securityGroups(where: { groupNames: [""] }) { totalCount } }',
    says: ['Argument where.groupNames[0] of securityGroups', 'a security group name', '(got "")'],
  },
  {
    name: 'a security group name with a control character',
    query: 'query ($g: [String!]) { securityGroups(where: { groupNames: $g }) { totalCount } }',
    variables: { g: ['web\u0007'] },
    says: ['Argument where.groupNames[0] of securityGroups', '(got "web\\u0007")'],
  },
  {
    name: 'a malformed security group id',
    query: '{ securityGroups(where: { groupIds: ["sg-zz"] }) { totalCount } }',
    says: ['Argument where.groupIds[0] of securityGroups', 'a security group id', '(got "sg-zz")'],
  },
  {
    name: 'a where Region that is not a Region name',
    query: '{ instances(where: { regions: ["mars-1"] }) { totalCount } }',
    says: ['Argument where.regions[0] of instances', 'an AWS Region name', '(got "mars-1")'],
  },
  {
    name: 'a where Region outside the configured graph.regions',
    config: { regions: ['us-east-1'] },
    query: '{ vpcs(where: { regions: ["eu-west-1"] }) { totalCount } }',
    says: ['Argument where.regions[0] of vpcs', 'graph.regions: us-east-1', '(got "eu-west-1")'],
  },
  {
    name: 'a Region name containing NUL (escaped in the message)',
    query: 'query ($r: [String!]) { subnets(where: { regions: $r }) { totalCount } }',
    variables: { r: ['us-east-1\u0000'] },
    says: ['Argument where.regions[0] of subnets', '(got "us-east-1\\u0000")'],
  },
  {
    name: 'a malformed account id in where',
    query: '{ instances(where: { accountIds: ["bad"] }) { totalCount } }',
    says: ['Argument where.accountIds[0] of instances', 'a 12-digit account id', '(got "bad")'],
  },
  {
    name: 'a malformed unit id in where',
    query: '{ accounts(where: { unitIds: ["ou-x"] }) { totalCount } }',
    says: ['Argument where.unitIds[0] of accounts', 'organizational unit id', '(got "ou-x")'],
  },
  {
    name: 'unit ids with a static account list',
    config: { accounts: { source: 'static', accounts: [{ id: '111111111111' }] } },
    query: '{ instances(where: { unitIds: ["ou-ab12-cdefgh34"] }) { totalCount } }',
    says: ['Argument where.unitIds[0] of instances', 'static account list', '(got "ou-ab12-cdefgh34")'],
  },
  {
    name: 'a malformed instance id in where',
    query: '{ instances(where: { instanceIds: ["i-zzz"] }) { totalCount } }',
    says: ['Argument where.instanceIds[0] of instances', 'an instance id', '(got "i-zzz")'],
  },
  {
    name: 'a VPC id of a length EC2 never issues (12 hex digits)',
    query: '{ vpcs(where: { vpcIds: ["vpc-0123456789ab"] }) { totalCount } }',
    says: ['Argument where.vpcIds[0] of vpcs', '8 or 17 hex digits', '(got "vpc-0123456789ab")'],
  },
  {
    name: 'a subnet id pattern no subnet id can match',
    query: '{ subnets(where: { subnetIds: ["subnet-zz*"] }) { totalCount } }',
    says: ['Argument where.subnetIds[0] of subnets', '(got "subnet-zz*")'],
  },
  {
    name: '5,000 malformed VPC ids (more than a where list may hold)',
    query: 'query ($ids: [String!]) { vpcs(where: { vpcIds: $ids }) { totalCount } }',
    variables: { ids: n(5_000, (i) => `vpc-bad${i}`) },
    says: ['Argument where.vpcIds of vpcs lists 5000 values', `at most ${MAX_WHERE_VALUES}`],
  },
  {
    name: 'an instance type EC2 cannot have',
    query: '{ instances(where: { types: ["T3 MICRO"] }) { totalCount } }',
    says: ['Argument where.types[0] of instances', 'an instance type', '(got "T3 MICRO")'],
  },
  {
    name: 'an availability zone that is not a zone name',
    query: '{ subnets(where: { availabilityZones: ["moon-base"] }) { totalCount } }',
    says: ['Argument where.availabilityZones[0] of subnets', 'availability zone', '(got "moon-base")'],
  },
  {
    name: 'a CIDR block that is not one',
    query: '{ vpcs(where: { cidrBlocks: ["10.0.0.0/33"] }) { totalCount } }',
    says: ['Argument where.cidrBlocks[0] of vpcs', 'IPv4 CIDR block', '(got "10.0.0.0/33")'],
  },
  {
    name: 'an empty tag key',
    query: '{ instances(where: { tags: [{ key: "" }] }) { totalCount } }',
    says: ['Argument where.tags[0].key of instances', 'a tag key', '(got "")'],
  },
  {
    name: 'a tag value with a control character',
    query:
      'query ($v: [String!]) { instances(where: { tags: [{ key: "env", values: $v }] }) { totalCount } }',
    variables: { v: ['prod', 'a\u0007b'] },
    says: ['Argument where.tags[0].values[1] of instances', '(got "a\\u0007b")'],
  },
  {
    name: 'an account name fragment longer than any account name',
    query: 'query ($s: String) { accounts(where: { nameContains: $s }) { totalCount } }',
    variables: { s: 'x'.repeat(51) },
    says: ['Argument where.nameContains of accounts', 'at most 50'],
  },
  {
    name: 'a value thousands of characters long (shown cut, with its length)',
    query: 'query ($r: [String!]) { instances(where: { regions: $r }) { totalCount } }',
    variables: { r: ['a'.repeat(5_000)] },
    says: ['Argument where.regions[0] of instances', `(got "${'a'.repeat(59)}…" (5000 characters))`],
  },
  {
    name: 'account(id) that is not an account id',
    query: '{ account(id: "12") { accountId } }',
    says: ['Argument id of account', 'a 12-digit account id', '(got "12")'],
  },
  {
    name: 'region(name) that is not a Region name',
    query: '{ account(id: "ACCOUNT") { region(name: "mars-1") { name } } }',
    says: ['Argument name of account.region', '(got "mars-1")'],
  },
  {
    name: 'region(name) outside the configured graph.regions',
    config: { regions: ['us-east-1'] },
    query: '{ account(id: "ACCOUNT") { region(name: "eu-west-1") { name } } }',
    says: ['Argument name of account.region', 'graph.regions: us-east-1', '(got "eu-west-1")'],
  },
  {
    name: 'Region.instance(id) that is not an instance id',
    query:
      '{ account(id: "ACCOUNT") { region(name: "us-east-1") { instance(id: "i-123") { instanceId } } } }',
    says: ['Argument id of account.region.instance', '(got "i-123")'],
  },
  {
    name: 'Region.vpc(id) given a subnet id',
    query:
      '{ account(id: "ACCOUNT") { r: region(name: "us-east-1") { vpc(id: "subnet-01234567") { vpcId } } } }',
    says: ['Argument id of account.r.vpc', 'a VPC id', '(got "subnet-01234567")'],
  },
  {
    name: 'node(id) that this API did not issue',
    query: '{ node(id: "bm90LWFuLWlk") { id } }',
    says: ['Argument id of node', 'an id issued by this API', '(got "bm90LWFuLWlk")'],
  },
  {
    name: 'node(id) of a VPC with a malformed VPC id inside',
    query: `{ node(id: "${encodeGlobalId('Vpc', '123456789012', 'us-east-1', 'vpc-xyz')}") { id } }`,
    says: ['Argument id of node', 'malformed Vpc id'],
  },
  {
    name: 'node(id) of a VPC in a Region outside graph.regions',
    config: { regions: ['us-east-1'] },
    query: `{ node(id: "${encodeGlobalId('Vpc', '123456789012', 'ap-south-1', 'vpc-01234567')}") { id } }`,
    says: ['Argument id of node', 'graph.regions: us-east-1', 'names ap-south-1'],
  },
  {
    name: 'a cursor that is not shaped like one',
    query: '{ instances(first: 1, after: "page-2") { totalCount } }',
    says: ['Argument after of instances', 'a cursor this API issued', '(got "page-2")'],
  },
  {
    name: 'first below zero',
    query: '{ vpcs(first: -1) { totalCount } }',
    says: ['Argument first of vpcs', '(got -1)'],
  },
  {
    name: 'first beyond graph.maxFirst',
    config: { maxFirst: 10 },
    query: '{ accounts(first: 11) { totalCount } }',
    says: ['Argument first of accounts', 'from 0 to 10', '(got 11)'],
  },
  {
    name: 'a mutation (orgraph is read-only)',
    query: 'mutation { deleteEverything }',
    says: ['orgraph is read-only', 'mutation'],
  },
  {
    name: 'a subscription (orgraph is read-only)',
    query: 'subscription { instances { totalCount } }',
    says: ['orgraph is read-only', 'subscription'],
  },
  {
    name: "a nested VPC's instances whose where EC2 cannot take with the parent ids",
    query: 'query ($t: [String!]) { vpcs { nodes { instances(where: { types: $t }) { totalCount } } } }',
    variables: { t: UNSPLITTABLE_TYPES },
    says: ['Argument where.types of vpcs.nodes.instances cannot be sent to EC2', 'this where has 200'],
  },
  {
    name: "a nested subnet's instances (in a fragment) with the same where",
    query: `query ($t: [String!]) { account(id: "ACCOUNT") { region(name: "us-east-1") { subnets { nodes { ...I } } } } }
      fragment I on Subnet { instances(where: { types: $t }) { totalCount } }`,
    variables: { t: UNSPLITTABLE_TYPES },
    says: ['Argument where.types of account.region.subnets.nodes.instances cannot be sent to EC2'],
  },
  {
    name: "a malformed id in a nested VPC's subnets",
    query: '{ vpcs { nodes { subnets(where: { subnetIds: ["subnet-1"] }) { totalCount } } } }',
    says: ['Argument where.subnetIds[0] of vpcs.nodes.subnets', '(got "subnet-1")'],
  },
];

describe('bad input is refused before any AWS call', () => {
  it.each(CASES)('refuses $name', async ({ query, variables, config, says }) => {
    const h = gateway(config);
    sim.log.reset();
    const result = await h.run(query.replaceAll('ACCOUNT', account), variables);
    expect(result.errors).toHaveLength(1);
    const error = result.errors?.[0];
    expect(error?.extensions?.['code']).toBe('BAD_USER_INPUT');
    for (const text of says) expect(error?.message).toContain(text);
    // Shown values are cut: a refusal never echoes thousands of characters.
    expect(error?.message.length).toBeLessThan(400);
    // Refused before the operation ran: no partial data either.
    expect(result.data).toBeUndefined();
    expect(sim.log.total).toBe(0);
  });

  it('refuses a forged cursor in the field, still before any AWS call', async () => {
    const h = gateway();
    const first = await h.run('{ instances(first: 1) { pageInfo { endCursor } } }');
    const cursor = at<string>(dataOf(first), 'instances', 'pageInfo', 'endCursor');
    const [body, mac] = cursor.split('.') as [string, string];
    const position = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...position, o: 0 })).toString('base64url')}.${mac}`;
    sim.log.reset();
    const result = await h.run(`{ instances(first: 1, after: "${forged}") { totalCount } }`);
    expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('Invalid cursor');
    expect(result.errors?.[0]?.path).toEqual(['instances']);
    expect(sim.log.total).toBe(0);
  });

  it('answers the same fields with good values, calling AWS (the log does see calls)', async () => {
    const h = gateway({ regions: ['us-east-1'] });
    sim.log.reset();
    const nested = await h.run(
      'query ($t: [String!]) { vpcs { nodes { instances(where: { types: $t }) { totalCount } } } }',
      { t: UNSPLITTABLE_TYPES.slice(0, 199) },
    );
    expect(nested.errors).toBeUndefined();
    expect(sim.log.count({ service: 'ec2', operation: 'DescribeInstances' })).toBeGreaterThan(0);
    const truth = sim.world.accounts
      .filter((a) => a.state === 'ACTIVE')
      .flatMap((a) => sim.world.regionData(a.id, 'us-east-1').instances)
      .filter((i) => i.vpcId !== undefined && i.instanceType.startsWith('t3.'));
    const counts = at<{ instances: { totalCount: number } }[]>(dataOf(nested), 'vpcs', 'nodes');
    expect(truth.length).toBeGreaterThan(0);
    expect(counts.reduce((sum, v) => sum + v.instances.totalCount, 0)).toBe(truth.length);

    sim.log.reset();
    const region = await h.run(
      `{ instances(where: { regions: ["us-east-1"], accountIds: ["${account}"], vpcIds: ["vpc-*"] }) { totalCount } }`,
    );
    expect(region.errors).toBeUndefined();
    expect(sim.log.count({ service: 'ec2', operation: 'DescribeInstances', accountId: account })).toBe(1);
  });
});

describe('a Region name the graph cannot refuse up front (no graph.regions configured)', () => {
  it("reports a Region an account has not enabled — a typo'd name included — as REGION_NOT_ENABLED, never an empty answer", async () => {
    sim.log.reset();
    const result = await gateway().run(
      '{ instances(where: { regions: ["us-eest-1", "eu-west-1"] }) { totalCount nodes { instanceId region { name } } failures { code accountId region operation } } }',
    );
    const active = sim.world.accounts.filter((a) => a.state === 'ACTIVE').map((a) => a.id);
    const data = at<{
      nodes: { region: { name: string } }[];
      failures: { code: string; accountId: string; region: string; operation: string }[];
    }>(dataOf(result), 'instances');
    // The real Region is answered; the typo is one failure per account, with its name.
    expect(data.nodes).toHaveLength(active.length * 3);
    expect(new Set(data.nodes.map((n) => n.region.name))).toEqual(new Set(['eu-west-1']));
    expect(data.failures).toEqual(
      active.map((accountId) => ({
        code: 'REGION_NOT_ENABLED',
        accountId,
        region: 'us-eest-1',
        operation: 'DescribeRegions',
      })),
    );
    expect(result.errors?.map((e) => e.extensions?.['code'])).toEqual(active.map(() => 'REGION_NOT_ENABLED'));
    expect(result.errors?.[0]?.message).toContain('Region us-eest-1 is not enabled');
    // No EC2 call went to the Region that does not exist.
    expect(sim.log.count({ service: 'ec2', region: 'us-eest-1' })).toBe(0);
  });
});
