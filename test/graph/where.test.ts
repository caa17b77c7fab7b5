import { describe, it, expect } from 'vitest';
import { siblingFilters, wildcardMatches } from '../../src/graph/where.js';
import { INSTANCE, SUBNET, VPC } from '../../src/graph/kinds/index.js';
import { FakeAwsData, OU_A, OU_A_CHILD, OU_B, accountIdOf } from './fake-aws-data.js';
import { at, dataOf, harness } from './harness.js';

describe('where → EC2 Filters', () => {
  it('maps every instance criterion to its EC2 filter', () => {
    expect(
      INSTANCE.filters({
        instanceIds: ['i-0123456789abcdef0'],
        states: ['RUNNING', 'SHUTTING_DOWN'],
        types: ['t3.*'],
        vpcIds: ['vpc-01234567'],
        subnetIds: ['subnet-01234567'],
        availabilityZones: ['us-east-1a'],
        tags: [{ key: 'env', values: ['prod', 'stag*'] }, { key: 'owner' }],
        accountIds: ['100000000000'],
        regions: ['us-east-1'],
      }),
    ).toEqual([
      { Name: 'instance-id', Values: ['i-0123456789abcdef0'] },
      { Name: 'instance-state-name', Values: ['running', 'shutting-down'] },
      { Name: 'instance-type', Values: ['t3.*'] },
      { Name: 'vpc-id', Values: ['vpc-01234567'] },
      { Name: 'subnet-id', Values: ['subnet-01234567'] },
      { Name: 'availability-zone', Values: ['us-east-1a'] },
      { Name: 'tag:env', Values: ['prod', 'stag*'] },
      { Name: 'tag-key', Values: ['owner'] },
    ]);
  });

  it('maps VPC and subnet criteria', () => {
    expect(
      VPC.filters({
        vpcIds: ['vpc-1'],
        isDefault: false,
        cidrBlocks: ['10.0.0.0/16'],
        tags: [{ key: 'Name', values: ['core'] }],
      }),
    ).toEqual([
      { Name: 'vpc-id', Values: ['vpc-1'] },
      { Name: 'cidr-block-association.cidr-block', Values: ['10.0.0.0/16'] },
      { Name: 'tag:Name', Values: ['core'] },
      { Name: 'is-default', Values: ['false'] },
    ]);
    expect(
      SUBNET.filters({ vpcIds: ['vpc-1'], subnetIds: ['subnet-1'], availabilityZones: ['eu-west-1b'] }),
    ).toEqual([
      { Name: 'subnet-id', Values: ['subnet-1'] },
      { Name: 'vpc-id', Values: ['vpc-1'] },
      { Name: 'availability-zone', Values: ['eu-west-1b'] },
    ]);
  });

  it('answers an empty criterion list as "matches nothing" (null)', () => {
    expect(INSTANCE.filters({ states: [] })).toBeNull();
    expect(INSTANCE.filters({ tags: [{ key: 'env', values: [] }] })).toBeNull();
    expect(INSTANCE.filters(undefined)).toEqual([]);
  });

  it("keeps a nested list's parent out of its sibling filters, or matches nothing when the where excludes the parent", () => {
    const filters = [
      { Name: 'vpc-id', Values: ['vpc-0a*'] },
      { Name: 'instance-type', Values: ['t3.micro'] },
    ];
    expect(siblingFilters(filters, 'vpc-id', 'vpc-0abc')).toEqual([
      { Name: 'instance-type', Values: ['t3.micro'] },
    ]);
    expect(siblingFilters(filters, 'vpc-id', 'vpc-0bcd')).toBeNull();
    expect(wildcardMatches('i-0?b*', 'i-0abcdef')).toBe(true);
    expect(wildcardMatches('i-0?c*', 'i-0abcdef')).toBe(false);
    expect(wildcardMatches('a\\*', 'a*')).toBe(true);
    expect(wildcardMatches('a\\*', 'ab')).toBe(false);
  });
});

describe('where through the graph', () => {
  it('pushes state, tag, type and vpc criteria down as Filters on every DescribeInstances', async () => {
    const fake = new FakeAwsData({ accounts: 2, regions: ['us-east-1'], instances: 12 });
    const vpcId = fake.dataOf(accountIdOf(0), 'us-east-1').vpcs[0]?.VpcId as string;
    const result = await harness(fake).run(
      `query ($vpc: String!) { instances(where: { states: [RUNNING], tags: [{ key: "env", values: ["prod"] }], types: ["t3.*"], vpcIds: [$vpc] }) {
        nodes { instanceId state instanceType vpcId tag(key: "env") } } }`,
      { vpc: vpcId },
    );
    const nodes = at<{ state: string; instanceType: string; vpcId: string; tag: string }[]>(
      dataOf(result),
      'instances',
      'nodes',
    );
    expect(nodes.length).toBeGreaterThan(0);
    expect(
      nodes.every(
        (n) =>
          n.state === 'RUNNING' && n.instanceType === 't3.micro' && n.vpcId === vpcId && n.tag === 'prod',
      ),
    ).toBe(true);
    const calls = fake.calls.filter((c) => c.op === 'DescribeInstances');
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.filters).toEqual([
        { Name: 'instance-state-name', Values: ['running'] },
        { Name: 'instance-type', Values: ['t3.*'] },
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'tag:env', Values: ['prod'] },
      ]);
    }
  });

  it('narrows the fan-out targets by accountIds and regions without touching the others', async () => {
    const fake = new FakeAwsData({ accounts: 4, regions: ['eu-west-1', 'us-east-1'] });
    const result = await harness(fake).run(
      `{ vpcs(where: { accountIds: ["${accountIdOf(1)}", "${accountIdOf(3)}"], regions: ["us-east-1"] }) { totalCount nodes { account { accountId } region { name } } } }`,
    );
    const nodes = at<{ account: { accountId: string }; region: { name: string } }[]>(
      dataOf(result),
      'vpcs',
      'nodes',
    );
    expect(new Set(nodes.map((n) => `${n.account.accountId}|${n.region.name}`))).toEqual(
      new Set([`${accountIdOf(1)}|us-east-1`, `${accountIdOf(3)}|us-east-1`]),
    );
    expect(
      fake.calls.filter((c) => c.op === 'DescribeVpcs').map((c) => `${c.accountId}|${c.region}`),
    ).toEqual([`${accountIdOf(1)}|us-east-1`, `${accountIdOf(3)}|us-east-1`]);
    expect(fake.calls.filter((c) => c.op === 'DescribeRegions').map((c) => c.accountId)).toEqual([
      accountIdOf(1),
      accountIdOf(3),
    ]);
  });

  it('narrows by unitIds recursively through the organization tree', async () => {
    const fake = new FakeAwsData({ accounts: 8, units: true, regions: ['us-east-1'] });
    const result = await harness(fake).run(
      `{ subnets(where: { unitIds: ["${OU_A}"] }) { nodes { account { accountId } } } }`,
    );
    const accounts = new Set(
      at<{ account: { accountId: string } }[]>(dataOf(result), 'subnets', 'nodes').map(
        (n) => n.account.accountId,
      ),
    );
    // Even accounts sit in OU A (index % 4 === 0) or its child unit (index % 4 === 2).
    expect(accounts).toEqual(new Set([0, 2, 4, 6].map(accountIdOf)));
    expect(fake.calls.some((c) => c.op === 'ListOrganizationalUnitsForParent' && c.parentId === OU_A)).toBe(
      true,
    );
    expect(fake.calls.some((c) => c.op === 'ListAccountsForParent' && c.parentId === OU_A_CHILD)).toBe(true);
    expect(
      fake.calls.filter((c) => c.op === 'DescribeSubnets').every((c) => accounts.has(c.accountId as string)),
    ).toBe(true);
    expect(fake.calls.some((c) => c.parentId === OU_B)).toBe(false);
  });

  it('answers an empty list criterion with no AWS call at all', async () => {
    const fake = new FakeAwsData();
    const result = await harness(fake).run(
      '{ instances(where: { states: [] }) { totalCount nodes { instanceId } } }',
    );
    expect(at(dataOf(result), 'instances')).toEqual({ totalCount: 0, nodes: [] });
    expect(fake.calls).toEqual([]);
  });

  it('filters accounts by state and name within the scope', async () => {
    const fake = new FakeAwsData({ accounts: 4 });
    (fake.accounts[2] as { state?: string }).state = 'SUSPENDED';
    const result = await harness(fake).run(
      '{ accounts(where: { states: [ACTIVE], nameContains: "ACCOUNT" }) { nodes { accountId state } } }',
    );
    expect(at(dataOf(result), 'accounts', 'nodes')).toEqual([
      { accountId: accountIdOf(1), state: 'ACTIVE' },
      { accountId: accountIdOf(3), state: 'ACTIVE' },
    ]);
  });
});

describe('configured scope', () => {
  it('applies include and exclude lists of accounts and units', async () => {
    const fake = new FakeAwsData({ accounts: 8, units: true, regions: ['us-east-1'] });
    const h = harness(fake, {
      include: { unitIds: [OU_A] },
      exclude: { accountIds: [accountIdOf(4)], unitIds: [OU_A_CHILD] },
    });
    const result = await h.run(
      '{ accounts { nodes { accountId } } instances { nodes { account { accountId } } } }',
    );
    expect(at(dataOf(result), 'accounts', 'nodes')).toEqual([{ accountId: accountIdOf(0) }]);
    const instanceAccounts = new Set(
      at<{ account: { accountId: string } }[]>(dataOf(result), 'instances', 'nodes').map(
        (n) => n.account.accountId,
      ),
    );
    expect(instanceAccounts).toEqual(new Set([accountIdOf(0)]));
    expect(new Set(fake.calls.filter((c) => c.op === 'DescribeInstances').map((c) => c.accountId))).toEqual(
      new Set([accountIdOf(0)]),
    );
  });

  it('reads a static account list with no Organizations call', async () => {
    const fake = new FakeAwsData({ accounts: 3, regions: ['us-east-1'] });
    const h = harness(fake, {
      accounts: { source: 'static', accounts: [{ id: accountIdOf(2), name: 'two' }, { id: accountIdOf(1) }] },
    });
    const result = await h.run(
      '{ organization { organizationId } accounts { nodes { accountId name parent { unitId } } } vpcs { nodes { ownerId } } }',
    );
    expect(dataOf(result)['organization']).toBeNull();
    expect(at(dataOf(result), 'accounts', 'nodes')).toEqual([
      { accountId: accountIdOf(2), name: 'two', parent: null },
      { accountId: accountIdOf(1), name: null, parent: null },
    ]);
    expect(at<{ ownerId: string }[]>(dataOf(result), 'vpcs', 'nodes').map((v) => v.ownerId)).toEqual([
      accountIdOf(2),
      accountIdOf(2),
      accountIdOf(1),
      accountIdOf(1),
    ]);
    expect(fake.calls.filter((c) => !c.op.startsWith('Describe'))).toEqual([]);
  });
});
