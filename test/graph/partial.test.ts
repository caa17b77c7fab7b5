import { describe, it, expect } from 'vitest';
import { FakeAwsData, accountIdOf } from './fake-aws-data.js';
import { at, dataOf, harness } from './harness.js';

const NO_ROLE = accountIdOf(1);
const DISABLED = { accountId: accountIdOf(2), region: 'us-east-1' };

function brokenOrganization(): FakeAwsData {
  const fake = new FakeAwsData({ accounts: 4, regions: ['eu-west-1', 'us-east-1'], instances: 3 });
  fake.roleNotAssumable.add(NO_ROLE);
  fake.failingTargets.set(`${DISABLED.accountId}|${DISABLED.region}`, 'REGION_NOT_ENABLED');
  return fake;
}

const INSTANCES = `{ instances { totalCount nodes { instanceId account { accountId } region { name } }
  failures { code message accountId region service operation awsErrorCode requestId retryable } } }`;

describe('partial results', () => {
  it("returns every healthy target's items plus one failure and one error per failed target", async () => {
    const fake = brokenOrganization();
    const result = await harness(fake).run(INSTANCES);
    const nodes = at<{ account: { accountId: string }; region: { name: string } }[]>(
      dataOf(result),
      'instances',
      'nodes',
    );
    const expected = [accountIdOf(0), accountIdOf(2), accountIdOf(3)].flatMap((a) =>
      ['eu-west-1', 'us-east-1']
        .filter((r) => !(a === DISABLED.accountId && r === DISABLED.region))
        .map((r) => `${a}|${r}`),
    );
    expect([...new Set(nodes.map((n) => `${n.account.accountId}|${n.region.name}`))]).toEqual(expected);
    expect(nodes).toHaveLength(expected.length * 3);

    expect(at(dataOf(result), 'instances', 'failures')).toEqual([
      {
        code: 'ROLE_NOT_ASSUMABLE',
        message: `Cannot assume arn:aws:iam::${NO_ROLE}:role/CMDBReadRole`,
        accountId: NO_ROLE,
        region: null,
        service: 'sts',
        operation: 'AssumeRole',
        awsErrorCode: 'AccessDenied',
        requestId: 'req-assume',
        retryable: false,
      },
      {
        code: 'REGION_NOT_ENABLED',
        message: `DescribeInstances failed in ${DISABLED.accountId} ${DISABLED.region}`,
        accountId: DISABLED.accountId,
        region: DISABLED.region,
        service: 'ec2',
        operation: 'DescribeInstances',
        awsErrorCode: 'AuthFailure',
        requestId: 'req-ec2',
        retryable: false,
      },
    ]);
    expect(result.errors).toEqual([
      {
        message: `Cannot assume arn:aws:iam::${NO_ROLE}:role/CMDBReadRole`,
        locations: [{ line: 1, column: 3 }],
        path: ['instances'],
        extensions: {
          code: 'ROLE_NOT_ASSUMABLE',
          accountId: NO_ROLE,
          service: 'sts',
          operation: 'AssumeRole',
          awsErrorCode: 'AccessDenied',
          requestId: 'req-assume',
          retryable: false,
        },
      },
      {
        message: `DescribeInstances failed in ${DISABLED.accountId} ${DISABLED.region}`,
        locations: [{ line: 1, column: 3 }],
        path: ['instances'],
        extensions: {
          code: 'REGION_NOT_ENABLED',
          accountId: DISABLED.accountId,
          region: DISABLED.region,
          service: 'ec2',
          operation: 'DescribeInstances',
          awsErrorCode: 'AuthFailure',
          requestId: 'req-ec2',
          retryable: false,
        },
      },
    ]);
  });

  it('reports one failure per (account, Region) when Regions are configured', async () => {
    const fake = brokenOrganization();
    const result = await harness(fake, { regions: ['us-east-1', 'eu-west-1'] }).run(
      '{ organization { vpcs { failures { code accountId region } } } }',
    );
    expect(at(dataOf(result), 'organization', 'vpcs', 'failures')).toEqual([
      { code: 'ROLE_NOT_ASSUMABLE', accountId: NO_ROLE, region: 'eu-west-1' },
      { code: 'ROLE_NOT_ASSUMABLE', accountId: NO_ROLE, region: 'us-east-1' },
      { code: 'REGION_NOT_ENABLED', accountId: DISABLED.accountId, region: 'us-east-1' },
    ]);
    expect(result.errors?.map((e) => [e.path, e.extensions?.['code'], e.extensions?.['region']])).toEqual([
      [['organization', 'vpcs'], 'ROLE_NOT_ASSUMABLE', 'eu-west-1'],
      [['organization', 'vpcs'], 'ROLE_NOT_ASSUMABLE', 'us-east-1'],
      [['organization', 'vpcs'], 'REGION_NOT_ENABLED', 'us-east-1'],
    ]);
  });

  it('reports each failure once while paging through a fan-out', async () => {
    const fake = brokenOrganization();
    const h = harness(fake);
    const query =
      'query ($after: String) { instances(first: 4, after: $after) { nodes { instanceId } pageInfo { hasNextPage endCursor } failures { code accountId region } } }';
    const failures: unknown[] = [];
    const errors: unknown[] = [];
    let items = 0;
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const result = await h.run(query, { after });
      const connection = at<{
        nodes: unknown[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
        failures: unknown[];
      }>(dataOf(result), 'instances');
      items += connection.nodes.length;
      failures.push(...connection.failures);
      errors.push(...(result.errors ?? []));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(items).toBe(5 * 3);
    expect(failures).toEqual([
      { code: 'ROLE_NOT_ASSUMABLE', accountId: NO_ROLE, region: null },
      { code: 'REGION_NOT_ENABLED', accountId: DISABLED.accountId, region: DISABLED.region },
    ]);
    expect(errors).toHaveLength(2);
  });

  it('reports failures of the last targets even when the page ends just before them', async () => {
    const fake = new FakeAwsData({ accounts: 2, regions: ['us-east-1'], instances: 3 });
    fake.roleNotAssumable.add(accountIdOf(1));
    const h = harness(fake);
    const query =
      'query ($after: String) { instances(first: 3, after: $after) { nodes { instanceId } pageInfo { hasNextPage endCursor } failures { accountId } } }';
    const full = await h.run(query);
    // The page ends with account 0's last instance; account 1 is not read for it, so a next page is
    // announced, and that (empty) page reports account 1's failure.
    expect(at(dataOf(full), 'instances', 'pageInfo', 'hasNextPage')).toBe(true);
    expect(at(dataOf(full), 'instances', 'failures')).toEqual([]);
    expect(full.errors).toBeUndefined();
    const last = await h.run(query, { after: at(dataOf(full), 'instances', 'pageInfo', 'endCursor') });
    expect(at(dataOf(last), 'instances', 'nodes')).toEqual([]);
    expect(at(dataOf(last), 'instances', 'pageInfo', 'hasNextPage')).toBe(false);
    expect(at(dataOf(last), 'instances', 'failures')).toEqual([{ accountId: accountIdOf(1) }]);
    expect(last.errors).toHaveLength(1);
  });

  it('nulls a single-account subtree whose role cannot be assumed, with its error', async () => {
    const fake = brokenOrganization();
    const result = await harness(fake).run(
      `{ account(id: "${NO_ROLE}") { accountId region(name: "us-east-1") { name instances { totalCount } availabilityZones { name } } } }`,
    );
    expect(dataOf(result)['account']).toEqual({
      accountId: NO_ROLE,
      region: { name: 'us-east-1', instances: null, availabilityZones: null },
    });
    const errors = result.errors?.map((e) => [
      e.path?.join('.'),
      e.extensions?.['code'],
      e.extensions?.['accountId'],
    ]);
    expect(errors?.sort()).toEqual([
      ['account.region.availabilityZones', 'ROLE_NOT_ASSUMABLE', NO_ROLE],
      ['account.region.instances', 'ROLE_NOT_ASSUMABLE', NO_ROLE],
    ]);
  });

  it("nulls an instance's vpc when its by-id lookup fails, keeping the instance", async () => {
    const fake = new FakeAwsData({ accounts: 1, regions: ['us-east-1'], instances: 2 });
    const h = harness(fake);
    const target = `${accountIdOf(0)}|us-east-1`;
    // Fail only the by-id lookup: the list is read first, then the failure switched on.
    const original = fake.ec2.byIds;
    fake.ec2.byIds = async (list, t, ids, options) => {
      if (list.operation === 'DescribeVpcs') fake.failingTargets.set(target, 'THROTTLED');
      return original(list, t, ids, options);
    };
    const result = await h.run('{ instances { nodes { instanceId vpc { vpcId } } } }');
    const nodes = at<{ instanceId: string; vpc: unknown }[]>(dataOf(result), 'instances', 'nodes');
    expect(nodes.map((n) => n.vpc)).toEqual([null, null]);
    expect(result.errors?.map((e) => [e.path, e.extensions?.['code'], e.extensions?.['retryable']])).toEqual([
      [['instances', 'nodes', 0, 'vpc'], 'THROTTLED', true],
      [['instances', 'nodes', 1, 'vpc'], 'THROTTLED', true],
    ]);
    expect(fake.count('DescribeVpcs')).toBe(1);
  });

  it('offers the same facts as data through Account.access', async () => {
    const fake = brokenOrganization();
    const result = await harness(fake).run(
      '{ accounts { nodes { accountId access { status roleArn failure { code accountId awsErrorCode } } } } }',
    );
    const nodes = at<{ accountId: string; access: { status: string; roleArn: string; failure: unknown } }[]>(
      dataOf(result),
      'accounts',
      'nodes',
    );
    expect(nodes.map((n) => n.access.status)).toEqual(['OK', 'ROLE_NOT_ASSUMABLE', 'OK', 'OK']);
    expect(nodes[1]?.access).toEqual({
      status: 'ROLE_NOT_ASSUMABLE',
      roleArn: `arn:aws:iam::${NO_ROLE}:role/CMDBReadRole`,
      failure: { code: 'ROLE_NOT_ASSUMABLE', accountId: NO_ROLE, awsErrorCode: 'AccessDenied' },
    });
    expect(result.errors).toBeUndefined();
    // One check per account, though status and failure were both selected.
    expect(fake.count('AssumeRole')).toBe(4);
  });
});
