import { describe, it, expect } from 'vitest';
import { FakeAwsData, OU_A, OU_A_CHILD, OU_B, ROOT_ID, accountIdOf } from './fake-aws-data.js';
import { at, dataOf, harness } from './harness.js';

const UNIT_NAMES: Record<string, string> = {
  [ROOT_ID]: 'Root',
  [OU_A]: 'Workloads',
  [OU_B]: 'Sandbox',
  [OU_A_CHILD]: 'Prod',
};

describe('parents from one walk of the organization tree', () => {
  it("answers every account's parent with its name from one walk: no ListParents, no DescribeOrganizationalUnit", async () => {
    const fake = new FakeAwsData({ accounts: 12, units: true });
    const result = await harness(fake).run(
      '{ accounts { nodes { accountId parent { unitId name type } } } }',
    );
    expect(at(dataOf(result), 'accounts', 'nodes')).toEqual(
      fake.accounts.map((a) => ({
        accountId: a.id,
        parent: { unitId: a.parentId, name: UNIT_NAMES[a.parentId], type: 'ORGANIZATIONAL_UNIT' },
      })),
    );
    expect(fake.count('ListParents')).toBe(0);
    expect(fake.count('DescribeOrganizationalUnit')).toBe(0);
    // One ListRoots, then each of the 4 units (root included) once for its units and once for its accounts.
    expect(fake.count('ListRoots')).toBe(1);
    expect(fake.count('ListOrganizationalUnitsForParent')).toBe(4);
    expect(fake.count('ListAccountsForParent')).toBe(4);
  });

  it("answers units' parents from the same walk", async () => {
    const fake = new FakeAwsData({ accounts: 4, units: true });
    const result = await harness(fake).run(
      '{ organization { roots { parent { unitId } units { nodes { unitId parent { unitId name } units { nodes { unitId parent { unitId name } } } } } } } }',
    );
    expect(at(dataOf(result), 'organization', 'roots')).toEqual([
      {
        parent: null,
        units: {
          nodes: [
            {
              unitId: OU_A,
              parent: { unitId: ROOT_ID, name: 'Root' },
              units: { nodes: [{ unitId: OU_A_CHILD, parent: { unitId: OU_A, name: 'Workloads' } }] },
            },
            { unitId: OU_B, parent: { unitId: ROOT_ID, name: 'Root' }, units: { nodes: [] } },
          ],
        },
      },
    ]);
    expect(fake.count('ListParents')).toBe(0);
    expect(fake.count('DescribeOrganizationalUnit')).toBe(0);
  });

  it('asks ListParents for a single parent instead of walking the tree', async () => {
    const fake = new FakeAwsData({ accounts: 4, units: true });
    const result = await harness(fake).run(`{ account(id: "${accountIdOf(2)}") { parent { unitId name } } }`);
    expect(at(dataOf(result), 'account', 'parent')).toEqual({ unitId: OU_A_CHILD, name: 'Prod' });
    // One account asked for by id: DescribeAccount, not the whole account list.
    expect(fake.ops().sort()).toEqual(['DescribeAccount', 'DescribeOrganizationalUnit', 'ListParents']);
  });
});

describe('account states and fan-outs', () => {
  function organization(): FakeAwsData {
    const fake = new FakeAwsData({ accounts: 4, regions: ['us-east-1'] });
    (fake.accounts[1] as { state?: string }).state = 'SUSPENDED';
    (fake.accounts[3] as { state?: string }).state = 'PENDING_CLOSURE';
    return fake;
  }
  const QUERY = `{ accounts { nodes { accountId state access { status failure { code } } } }
    instances { totalCount } suspended: account(id: "${accountIdOf(1)}") { instances { totalCount } } }`;

  it('reads only ACTIVE accounts by default, still lists the others, and answers their access without STS', async () => {
    const fake = organization();
    const result = await harness(fake).run(QUERY);
    expect(result.errors).toBeUndefined();
    expect(at(dataOf(result), 'accounts', 'nodes')).toEqual([
      { accountId: accountIdOf(0), state: 'ACTIVE', access: { status: 'OK', failure: null } },
      {
        accountId: accountIdOf(1),
        state: 'SUSPENDED',
        access: { status: 'ACCOUNT_NOT_ACTIVE', failure: null },
      },
      { accountId: accountIdOf(2), state: 'ACTIVE', access: { status: 'OK', failure: null } },
      {
        accountId: accountIdOf(3),
        state: 'PENDING_CLOSURE',
        access: { status: 'ACCOUNT_NOT_ACTIVE', failure: null },
      },
    ]);
    expect(at(dataOf(result), 'instances', 'totalCount')).toBe(2 * 4);
    expect(at(dataOf(result), 'suspended', 'instances', 'totalCount')).toBe(0);
    const touched = (op: string) =>
      [...new Set(fake.calls.filter((c) => c.op === op).map((c) => c.accountId))].sort();
    expect(touched('AssumeRole')).toEqual([accountIdOf(0), accountIdOf(2)]);
    expect(touched('DescribeRegions')).toEqual([accountIdOf(0), accountIdOf(2)]);
    expect(touched('DescribeInstances')).toEqual([accountIdOf(0), accountIdOf(2)]);
  });

  it('reads the states fanOutAccountStates names', async () => {
    const fake = organization();
    const result = await harness(fake, { fanOutAccountStates: ['ACTIVE', 'SUSPENDED'] }).run(QUERY);
    expect(at(dataOf(result), 'instances', 'totalCount')).toBe(3 * 4);
    expect(at(dataOf(result), 'suspended', 'instances', 'totalCount')).toBe(4);
    // Access still tells the truth about the account: AWS refuses AssumeRole into it.
    expect(at(dataOf(result), 'accounts', 'nodes', 1, 'access', 'status')).toBe('ACCOUNT_NOT_ACTIVE');
  });
});
