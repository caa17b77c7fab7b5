import { describe, it, expect } from 'vitest';
import { FakeAwsData, accountIdOf } from './fake-aws-data.js';
import { at, dataOf, harness } from './harness.js';

const A0 = accountIdOf(0);

describe('selection economy', () => {
  it('answers accounts with ListAccounts only — no DescribeOrganization, STS or EC2', async () => {
    const fake = new FakeAwsData({ accounts: 45 });
    const result = await harness(fake).run('{ organization { accounts { nodes { accountId name } } } }');
    expect(at<unknown[]>(dataOf(result), 'organization', 'accounts', 'nodes')).toHaveLength(45);
    expect(fake.ops()).toEqual(['ListAccounts']);
  });

  it('reads DescribeOrganization only when an organization field needs it', async () => {
    const fake = new FakeAwsData();
    const result = await harness(fake).run(
      '{ organization { organizationId managementAccountId featureSet } }',
    );
    expect(dataOf(result)['organization']).toEqual({
      organizationId: 'o-abcdefghij',
      managementAccountId: '100000000000',
      featureSet: 'ALL',
    });
    expect(fake.ops()).toEqual(['DescribeOrganization']);
  });

  it('makes no AWS call for region(name) by itself', async () => {
    const fake = new FakeAwsData();
    const result = await harness(fake).run(
      `{ account(id: "${A0}") { accountId region(name: "us-east-1") { name account { accountId } } } }`,
    );
    expect(at(dataOf(result), 'account', 'region', 'name')).toBe('us-east-1');
    // Only the account's existence in scope is checked (one DescribeAccount); nothing for the Region.
    expect(fake.ops()).toEqual(['DescribeAccount']);
  });

  it('answers Region lists without DescribeRegions when Regions are configured', async () => {
    const fake = new FakeAwsData({ accounts: 2 });
    const result = await harness(fake, { regions: ['us-east-1'] }).run('{ instances { totalCount } }');
    expect(at(dataOf(result), 'instances', 'totalCount')).toBe(8);
    expect(fake.count('DescribeRegions')).toBe(0);
    expect(
      fake.calls.filter((c) => c.op === 'DescribeInstances').map((c) => `${c.accountId}|${c.region}`),
    ).toEqual([`${accountIdOf(0)}|us-east-1`, `${accountIdOf(1)}|us-east-1`]);
  });

  it("batches every instance's vpc and subnet into one DescribeVpcs and one DescribeSubnets per target", async () => {
    const fake = new FakeAwsData({
      accounts: 1,
      regions: ['us-east-1'],
      shape: () => ({ instances: 300, vpcs: 5, subnetsPerVpc: 2 }),
    });
    const result = await harness(fake).run(
      `{ account(id: "${A0}") { region(name: "us-east-1") { instances { totalCount nodes { instanceId vpc { cidrBlock } subnet { availabilityZone } } } } } }`,
    );
    const nodes = at<{ vpc: { cidrBlock: string }; subnet: { availabilityZone: string } }[]>(
      dataOf(result),
      'account',
      'region',
      'instances',
      'nodes',
    );
    expect(nodes).toHaveLength(300);
    expect(
      nodes.every(
        (n) => n.vpc.cidrBlock.startsWith('10.') && n.subnet.availabilityZone.startsWith('us-east-1'),
      ),
    ).toBe(true);
    expect(fake.count('DescribeInstances')).toBe(1);
    expect(fake.count('DescribeVpcs')).toBe(1);
    expect(fake.count('DescribeSubnets')).toBe(1);
    expect(fake.calls.find((c) => c.op === 'DescribeVpcs')?.ids).toHaveLength(5);
    expect(fake.calls.find((c) => c.op === 'DescribeSubnets')?.ids).toHaveLength(10);
  });

  it('batches by-id lookups per (account, Region) across an organization-wide fan-out', async () => {
    const fake = new FakeAwsData({ accounts: 3, regions: ['eu-west-1', 'us-east-1'] });
    const result = await harness(fake).run('{ instances { nodes { instanceId vpc { vpcId } } } }');
    expect(at<unknown[]>(dataOf(result), 'instances', 'nodes')).toHaveLength(3 * 2 * 4);
    const vpcCalls = fake.calls.filter((c) => c.op === 'DescribeVpcs');
    expect(vpcCalls).toHaveLength(6);
    expect(new Set(vpcCalls.map((c) => `${c.accountId}|${c.region}`)).size).toBe(6);
  });

  it('serves every VPC of a Region its subnets from one filtered DescribeSubnets', async () => {
    const fake = new FakeAwsData({ accounts: 1, regions: ['us-east-1'], vpcs: 4, subnetsPerVpc: 3 });
    const result = await harness(fake).run(
      `{ account(id: "${A0}") { region(name: "us-east-1") { vpcs { nodes { vpcId subnets { totalCount nodes { vpcId } } } } } } }`,
    );
    const vpcs = at<{ vpcId: string; subnets: { totalCount: number; nodes: { vpcId: string }[] } }[]>(
      dataOf(result),
      'account',
      'region',
      'vpcs',
      'nodes',
    );
    expect(vpcs).toHaveLength(4);
    for (const vpc of vpcs) {
      expect(vpc.subnets.totalCount).toBe(3);
      expect(vpc.subnets.nodes.every((s) => s.vpcId === vpc.vpcId)).toBe(true);
    }
    const subnetCalls = fake.calls.filter((c) => c.op === 'DescribeSubnets');
    expect(subnetCalls).toHaveLength(1);
    expect(subnetCalls[0]?.filters).toEqual([{ Name: 'vpc-id', Values: vpcs.map((v) => v.vpcId) }]);
  });

  it('reads a list once for every field of the request that needs the same list', async () => {
    const fake = new FakeAwsData({ accounts: 1, regions: ['us-east-1'] });
    const result = await harness(fake).run(
      `{ account(id: "${A0}") { region(name: "us-east-1") { a: instances { totalCount } b: instances { nodes { instanceId } } } } }`,
    );
    expect(at(dataOf(result), 'account', 'region', 'a', 'totalCount')).toBe(4);
    expect(at<unknown[]>(dataOf(result), 'account', 'region', 'b', 'nodes')).toHaveLength(4);
    expect(fake.count('DescribeInstances')).toBe(1);
  });

  it('serves sibling fields reading the same list, paged or not, from one read', async () => {
    const fake = new FakeAwsData({ accounts: 1, regions: ['us-east-1'], instances: 40 });
    const h = harness(fake);
    const result = await h.run(
      '{ a: instances(first: 5) { nodes { instanceId } pageInfo { endCursor } } b: instances { totalCount } c: instances(first: 10) { nodes { instanceId } } }',
    );
    const all = fake.dataOf(A0, 'us-east-1').instances.map((i) => i.instance.InstanceId);
    const ids = (path: string) =>
      at<{ instanceId: string }[]>(dataOf(result), path, 'nodes').map((n) => n.instanceId);
    expect(ids('a')).toEqual(all.slice(0, 5));
    expect(at(dataOf(result), 'b', 'totalCount')).toBe(40);
    expect(ids('c')).toEqual(all.slice(0, 10));
    // One call, with the largest page any of them asked for.
    expect(fake.calls.filter((c) => c.op === 'DescribeInstances').map((c) => c.maxResults)).toEqual([1000]);
    // a's cursor points into that page: the next page starts right after a's 5 instances.
    const next = await h.run(
      'query ($after: String) { a: instances(first: 5, after: $after) { nodes { instanceId } } }',
      { after: at<string>(dataOf(result), 'a', 'pageInfo', 'endCursor') },
    );
    expect(at<{ instanceId: string }[]>(dataOf(next), 'a', 'nodes').map((n) => n.instanceId)).toEqual(
      all.slice(5, 10),
    );
  });

  it('passes the abort signal to every data call, and fresh: true only with @fresh', async () => {
    const fake = new FakeAwsData({ accounts: 2 });
    const h = harness(fake);
    await h.run('{ instances { nodes { instanceId vpc { vpcId } } } accounts { totalCount } }');
    expect(fake.calls.length).toBeGreaterThan(5);
    expect(
      fake.calls
        .filter((c) => c.op !== 'AssumeRole')
        .every((c) => c.options?.signal instanceof AbortSignal && c.options.fresh === undefined),
    ).toBe(true);
    fake.resetCalls();
    await h.run(
      'query Fresh @fresh { instances { nodes { instanceId vpc { vpcId } } } accounts { totalCount } }',
    );
    expect(fake.calls.length).toBeGreaterThan(5);
    expect(
      fake.calls.every((c) => c.options?.fresh === true && c.options.signal instanceof AbortSignal),
    ).toBe(true);
  });

  it('starts every request with fresh loaders (nothing is shared between requests)', async () => {
    const fake = new FakeAwsData({ accounts: 1 });
    const h = harness(fake);
    await h.run('{ accounts { totalCount } }');
    await h.run('{ accounts { totalCount } }');
    expect(fake.count('ListAccounts')).toBe(2);
  });
});
