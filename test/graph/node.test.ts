import { describe, it, expect } from 'vitest';
import { decodeGlobalId, encodeGlobalId } from '../../src/graph/global-id.js';
import { FakeAwsData, OU_A, ROOT_ID, accountIdOf } from './fake-aws-data.js';
import { at, dataOf, harness } from './harness.js';

const NODE_QUERY = `query ($id: ID!) { node(id: $id) {
  __typename id
  ... on Organization { organizationId }
  ... on OrganizationalUnit { unitId unitName: name type }
  ... on Account { accountId accountName: name }
  ... on Region { name account { accountId } }
  ... on Vpc { vpcId cidrBlock }
  ... on Subnet { subnetId vpc { vpcId } }
  ... on Instance { instanceId instanceSubnetId: subnetId }
} }`;

describe('global ids', () => {
  it('encodes type and key parts as base64url and decodes them back', () => {
    const id = encodeGlobalId('Instance', '123456789012', 'us-east-1', 'i-0123456789abcdef0');
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeGlobalId(id)).toEqual({
      type: 'Instance',
      parts: ['123456789012', 'us-east-1', 'i-0123456789abcdef0'],
    });
  });

  it('refuses malformed ids with BAD_USER_INPUT that shows the value', () => {
    const bad = [
      'not base64!',
      encodeGlobalId('Account', '12345'),
      Buffer.from('Bucket:my-bucket').toString('base64url'),
      encodeGlobalId('Region', '123456789012'),
      encodeGlobalId('Vpc', '123456789012', 'us-east-1', 'subnet-01234567'),
    ];
    for (const id of bad) {
      let error: unknown;
      try {
        decodeGlobalId(id);
      } catch (e) {
        error = e;
      }
      expect((error as { extensions?: { code?: string } }).extensions?.code).toBe('BAD_USER_INPUT');
      expect((error as Error).message).toContain(JSON.stringify(id));
    }
  });
});

describe('Query.node', () => {
  it('fetches every Node type again by the id it reported', async () => {
    const fake = new FakeAwsData({ accounts: 2, units: true, regions: ['us-east-1'] });
    const h = harness(fake);
    const listing = dataOf(
      await h.run(`{
        organization { id roots { id units { nodes { id } } } }
        account(id: "${accountIdOf(1)}") { id region(name: "us-east-1") { id vpcs(first: 1) { nodes { id } } subnets(first: 1) { nodes { id } } instances(first: 1) { nodes { id } } } }
      }`),
    );
    const ids = {
      Organization: at<string>(listing, 'organization', 'id'),
      Root: at<string>(listing, 'organization', 'roots', 0, 'id'),
      Unit: at<string>(listing, 'organization', 'roots', 0, 'units', 'nodes', 0, 'id'),
      Account: at<string>(listing, 'account', 'id'),
      Region: at<string>(listing, 'account', 'region', 'id'),
      Vpc: at<string>(listing, 'account', 'region', 'vpcs', 'nodes', 0, 'id'),
      Subnet: at<string>(listing, 'account', 'region', 'subnets', 'nodes', 0, 'id'),
      Instance: at<string>(listing, 'account', 'region', 'instances', 'nodes', 0, 'id'),
    };
    const data = fake.dataOf(accountIdOf(1), 'us-east-1');
    const nodes = await Promise.all(
      Object.values(ids).map(async (id) =>
        at<Record<string, unknown>>(dataOf(await h.run(NODE_QUERY, { id })), 'node'),
      ),
    );
    expect(nodes).toEqual([
      { __typename: 'Organization', id: ids.Organization, organizationId: 'o-abcdefghij' },
      { __typename: 'OrganizationalUnit', id: ids.Root, unitId: ROOT_ID, unitName: 'Root', type: 'ROOT' },
      {
        __typename: 'OrganizationalUnit',
        id: ids.Unit,
        unitId: OU_A,
        unitName: 'Workloads',
        type: 'ORGANIZATIONAL_UNIT',
      },
      { __typename: 'Account', id: ids.Account, accountId: accountIdOf(1), accountName: 'account-1' },
      { __typename: 'Region', id: ids.Region, name: 'us-east-1', account: { accountId: accountIdOf(1) } },
      { __typename: 'Vpc', id: ids.Vpc, vpcId: data.vpcs[0]?.VpcId, cidrBlock: data.vpcs[0]?.CidrBlock },
      {
        __typename: 'Subnet',
        id: ids.Subnet,
        subnetId: data.subnets[0]?.SubnetId,
        vpc: { vpcId: data.subnets[0]?.VpcId },
      },
      {
        __typename: 'Instance',
        id: ids.Instance,
        instanceId: data.instances[0]?.instance.InstanceId,
        instanceSubnetId: data.instances[0]?.instance.SubnetId,
      },
    ]);
  });

  it('answers null for an object that does not exist or is out of scope', async () => {
    const fake = new FakeAwsData({ accounts: 3, regions: ['us-east-1'] });
    const h = harness(fake, { exclude: { accountIds: [accountIdOf(2)] } });
    const missing = [
      encodeGlobalId('Instance', accountIdOf(0), 'us-east-1', 'i-0ffffffffffffffff'),
      encodeGlobalId('Account', '999999999999'),
      encodeGlobalId('Account', accountIdOf(2)),
      encodeGlobalId(
        'Vpc',
        accountIdOf(2),
        'us-east-1',
        fake.dataOf(accountIdOf(2), 'us-east-1').vpcs[0]?.VpcId as string,
      ),
      encodeGlobalId('OrganizationalUnit', 'ou-ab12-zzzzzzzz'),
      encodeGlobalId('Organization', 'o-zzzzzzzzzz'),
    ];
    for (const id of missing) {
      const result = await h.run(NODE_QUERY, { id });
      expect(result.errors).toBeUndefined();
      expect(dataOf(result)['node']).toBeNull();
    }
    // The excluded account's VPC was never looked up.
    expect(fake.calls.some((c) => c.accountId === accountIdOf(2))).toBe(false);
  });

  it('refuses a malformed id with BAD_USER_INPUT before running the operation', async () => {
    const fake = new FakeAwsData();
    const id = encodeGlobalId('Account', 'abc');
    const result = await harness(fake).run(NODE_QUERY, { id });
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain(`Argument id of node must be an id issued by this API`);
    expect(result.errors?.[0]?.message).toContain(JSON.stringify(id));
    expect(fake.calls).toEqual([]);
  });

  it('batches node lookups of one target into one by-ids call', async () => {
    const fake = new FakeAwsData({ accounts: 1, regions: ['us-east-1'], instances: 5 });
    const ids = fake
      .dataOf(accountIdOf(0), 'us-east-1')
      .instances.map((i) =>
        encodeGlobalId('Instance', accountIdOf(0), 'us-east-1', i.instance.InstanceId as string),
      );
    const query = `{ ${ids.map((id, n) => `n${n}: node(id: "${id}") { id }`).join(' ')} }`;
    const result = await harness(fake).run(query);
    expect(Object.values(dataOf(result)).map((n) => (n as { id: string }).id)).toEqual(ids);
    expect(fake.calls.filter((c) => c.op === 'DescribeInstances').map((c) => c.ids?.length)).toEqual([5]);
  });
});
