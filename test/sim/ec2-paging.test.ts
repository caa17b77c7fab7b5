import { describe, it, expect } from 'vitest';
import {
  ACCOUNT_A,
  ACCOUNT_B,
  buildWorld,
  ec2Call,
  filters,
  idList,
  instanceId,
  instancesOf,
  items,
  makeContext,
  nextTokenOf,
  subnetId,
  vpcId,
} from './ec2-fixtures.js';
import type { Ec2Answer } from './ec2-fixtures.js';
import type { SimContext } from '../../src/sim/types.js';

type Paged = 'DescribeInstances' | 'DescribeVpcs' | 'DescribeSubnets';

const SET: Record<Paged, string> = {
  DescribeInstances: 'reservationSet',
  DescribeVpcs: 'vpcSet',
  DescribeSubnets: 'subnetSet',
};
const ID_PARAM: Record<Paged, string> = {
  DescribeInstances: 'InstanceId',
  DescribeVpcs: 'VpcId',
  DescribeSubnets: 'SubnetId',
};
const SOME_ID: Record<Paged, string> = {
  DescribeInstances: instanceId(1),
  DescribeVpcs: vpcId(1),
  DescribeSubnets: subnetId(1),
};

function idsOf(op: Paged, answer: Ec2Answer): string[] {
  if (op === 'DescribeInstances') return instancesOf(answer).map((i) => String(i.instance['instanceId']));
  const key = op === 'DescribeVpcs' ? 'vpcId' : 'subnetId';
  return items(answer, op, SET[op]).map((x) => String(x[key]));
}

/** Follows NextToken to the end; returns the ids page by page. */
async function pageThrough(
  ctx: SimContext,
  op: Paged,
  params: Record<string, string | number> = {},
  options: { accountId?: string; region?: string } = {},
): Promise<string[][]> {
  const pages: string[][] = [];
  let token: string | undefined;
  for (let i = 0; i < 100; i++) {
    const answer = await ec2Call(ctx, op, { ...params, ...(token ? { NextToken: token } : {}) }, options);
    expect(answer.status, answer.text).toBe(200);
    pages.push(idsOf(op, answer));
    token = nextTokenOf(answer, op);
    if (!token) return pages;
  }
  throw new Error('pagination did not end');
}

const truth = (op: Paged): string[] => {
  const data = buildWorld().regionData(ACCOUNT_A, 'us-east-1');
  if (op === 'DescribeInstances') return data.instances.map((i) => i.instanceId);
  if (op === 'DescribeVpcs') return data.vpcs.map((v) => v.vpcId);
  return data.subnets.map((s) => s.subnetId);
};

const OPS: Paged[] = ['DescribeInstances', 'DescribeVpcs', 'DescribeSubnets'];

describe('MaxResults', () => {
  it('refuses values below 5 and above 1000 with the wording of each operation', async () => {
    const ctx = makeContext();
    const expected: Record<Paged, [string, string]> = {
      DescribeInstances: [
        'Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5.',
        'Value ( 1001 ) for parameter maxResults is invalid. Expecting a value less than or equal to 1000.',
      ],
      DescribeVpcs: [
        'Value ( 4 ) for parameter MaxResults is invalid. Expecting a value greater than or equal to 5.',
        'Value ( 1001 ) for parameter MaxResults is invalid. Expecting a value smaller than or equal to 1000.',
      ],
      DescribeSubnets: [
        'Value ( 4 ) for parameter MaxResults is invalid. Expecting a value greater than or equal to 5.',
        'Value ( 1001 ) for parameter MaxResults is invalid. Expecting a value smaller than or equal to 1000.',
      ],
    };
    for (const op of OPS) {
      const low = await ec2Call(ctx, op, { MaxResults: 4 });
      expect(low.status).toBe(400);
      expect(low.error).toMatchObject({ code: 'InvalidParameterValue', message: expected[op][0] });
      const high = await ec2Call(ctx, op, { MaxResults: 1001 });
      expect(high.error).toMatchObject({ code: 'InvalidParameterValue', message: expected[op][1] });
      expect((await ec2Call(ctx, op, { MaxResults: 5 })).status).toBe(200);
      expect((await ec2Call(ctx, op, { MaxResults: 1000 })).status).toBe(200);
    }
  });

  it.each(OPS)('%s refuses an id list combined with MaxResults, even an out-of-range one', async (op) => {
    const ctx = makeContext();
    for (const max of [5, 2]) {
      const answer = await ec2Call(ctx, op, { ...idList(ID_PARAM[op], [SOME_ID[op]]), MaxResults: max });
      expect(answer.status).toBe(400);
      expect(answer.error?.code).toBe('InvalidParameterCombination');
    }
    const instances = await ec2Call(ctx, 'DescribeInstances', {
      ...idList('InstanceId', [instanceId(1)]),
      MaxResults: 5,
    });
    expect(instances.error?.message).toBe(
      'The parameter instancesSet cannot be used with the parameter maxResults',
    );
    const vpcs = await ec2Call(ctx, 'DescribeVpcs', { ...idList('VpcId', [vpcId(1)]), MaxResults: 5 });
    expect(vpcs.error?.message).toBe('The parameter VpcIds cannot be used with the parameter MaxResults');
  });
});

describe('paging through small pages', () => {
  it.each(OPS)('%s without MaxResults answers everything at once', async (op) => {
    const answer = await ec2Call(makeContext(), op);
    expect(idsOf(op, answer)).toEqual(truth(op));
    expect(nextTokenOf(answer, op)).toBeUndefined();
  });

  it.each(OPS)('%s with MaxResults=5 returns exactly the ground truth across pages', async (op) => {
    const pages = await pageThrough(makeContext(), op, { MaxResults: 5 });
    expect(pages.every((p) => p.length <= 5)).toBe(true);
    expect(pages.length).toBe(Math.ceil(truth(op).length / 5));
    expect(pages.flat()).toEqual(truth(op));
  });

  it('DescribeInstances pages count instances; a reservation spanning pages appears on both with its part', async () => {
    const ctx = makeContext();
    const first = await ec2Call(ctx, 'DescribeInstances', { MaxResults: 5 });
    const r = (n: number) => `r-${String(n).padStart(17, '0')}`;
    const shape = (a: Ec2Answer) =>
      items(a, 'DescribeInstances', 'reservationSet').map((res) => [
        res['reservationId'],
        (res['instancesSet'] as { item: unknown[] }).item.length,
      ]);
    expect(shape(first)).toEqual([
      [r(1), 3],
      [r(2), 1],
      [r(3), 1],
    ]);
    const second = await ec2Call(ctx, 'DescribeInstances', {
      MaxResults: 5,
      NextToken: nextTokenOf(first, 'DescribeInstances') ?? '',
    });
    expect(shape(second)).toEqual([
      [r(3), 3],
      [r(4), 2],
    ]);
    expect(instancesOf(second)[0]?.instance['instanceId']).toBe(instanceId(6));
    const third = await ec2Call(ctx, 'DescribeInstances', {
      MaxResults: 5,
      NextToken: nextTokenOf(second, 'DescribeInstances') ?? '',
    });
    expect(shape(third)).toEqual([[r(5), 2]]);
    expect(nextTokenOf(third, 'DescribeInstances')).toBeUndefined();
  });

  it('pages a filtered selection, and the token keeps the filters', async () => {
    const pages = await pageThrough(makeContext(), 'DescribeInstances', {
      MaxResults: 5,
      ...filters(['tag:env', 'prod']),
    });
    expect(pages.map((p) => p.length)).toEqual([5, 1]);
    expect(pages.flat()).toEqual([1, 2, 3, 4, 5, 6].map(instanceId));
  });

  it('lets MaxResults change between pages (the token is not bound to it)', async () => {
    const ctx = makeContext();
    const first = await ec2Call(ctx, 'DescribeVpcs', { MaxResults: 5 });
    const rest = await ec2Call(ctx, 'DescribeVpcs', {
      MaxResults: 1000,
      NextToken: nextTokenOf(first, 'DescribeVpcs') ?? '',
    });
    expect([...idsOf('DescribeVpcs', first), ...idsOf('DescribeVpcs', rest)]).toEqual(truth('DescribeVpcs'));
  });
});

describe('the pageCap knob', () => {
  it.each(OPS)('%s: without MaxResults, pages hold pageCap items', async (op) => {
    const pages = await pageThrough(makeContext(buildWorld(), { pageCap: 4 }), op);
    expect(pages.every((p) => p.length <= 4)).toBe(true);
    expect(pages.length).toBe(Math.ceil(truth(op).length / 4));
    expect(pages.flat()).toEqual(truth(op));
  });

  it('caps MaxResults: the page size is min(MaxResults, pageCap)', async () => {
    const capped = await pageThrough(makeContext(buildWorld(), { pageCap: 3 }), 'DescribeInstances', {
      MaxResults: 10,
    });
    expect(capped.map((p) => p.length)).toEqual([3, 3, 3, 3]);
    const uncapped = await pageThrough(makeContext(buildWorld(), { pageCap: 100 }), 'DescribeInstances', {
      MaxResults: 5,
    });
    expect(uncapped.map((p) => p.length)).toEqual([5, 5, 2]);
  });

  it('does not page an id list', async () => {
    const ids = [1, 2, 3, 4, 5, 6].map(instanceId);
    const answer = await ec2Call(
      makeContext(buildWorld(), { pageCap: 2 }),
      'DescribeInstances',
      idList('InstanceId', ids),
    );
    expect(instancesOf(answer).map((i) => i.instance['instanceId'])).toEqual(ids);
    expect(nextTokenOf(answer, 'DescribeInstances')).toBeUndefined();
  });
});

describe('NextToken validation', () => {
  const badTokenMessage = (op: Paged, token: string) =>
    op === 'DescribeInstances'
      ? 'Unable to parse pagination token'
      : `Value ( ${token} ) for parameter NextToken is invalid. The token is invalid.`;

  async function firstToken(
    ctx: SimContext,
    op: Paged,
    params: Record<string, string | number> = {},
    options = {},
  ): Promise<string> {
    const answer = await ec2Call(ctx, op, { MaxResults: 5, ...params }, options);
    const token = nextTokenOf(answer, op);
    expect(token).toBeDefined();
    return token as string;
  }

  it.each(OPS)('%s refuses a token it never issued', async (op) => {
    const answer = await ec2Call(makeContext(), op, { NextToken: 'garbage' });
    expect(answer.status).toBe(400);
    expect(answer.error).toMatchObject({
      code: 'InvalidParameterValue',
      message: badTokenMessage(op, 'garbage'),
    });
  });

  it.each(OPS)('%s refuses a tampered token', async (op) => {
    const ctx = makeContext();
    const token = await firstToken(ctx, op);
    for (const index of [0, Math.floor(token.length / 2), token.length - 1]) {
      const ch = token[index] === 'A' ? 'B' : 'A';
      const tampered = token.slice(0, index) + ch + token.slice(index + 1);
      const answer = await ec2Call(ctx, op, { MaxResults: 5, NextToken: tampered });
      expect(answer.error?.code).toBe('InvalidParameterValue');
    }
    // The untampered token still works.
    expect((await ec2Call(ctx, op, { MaxResults: 5, NextToken: token })).status).toBe(200);
  });

  it.each(OPS)('%s refuses a token replayed with different filters', async (op) => {
    const ctx = makeContext();
    const token = await firstToken(ctx, op, filters(['owner-id', ACCOUNT_A]));
    const other = await ec2Call(ctx, op, {
      MaxResults: 5,
      NextToken: token,
      ...filters(['owner-id', ACCOUNT_A, ACCOUNT_B]),
    });
    expect(other.error).toMatchObject({ code: 'InvalidParameterValue', message: badTokenMessage(op, token) });
    const none = await ec2Call(ctx, op, { MaxResults: 5, NextToken: token });
    expect(none.error?.code).toBe('InvalidParameterValue');
    // Same filters in another order are the same selection.
    const same = await ec2Call(ctx, op, {
      MaxResults: 5,
      NextToken: token,
      ...filters(['owner-id', ACCOUNT_A]),
    });
    expect(same.status).toBe(200);
  });

  it.each(OPS)('%s refuses a token from another account or Region', async (op) => {
    const ctx = makeContext();
    const token = await firstToken(ctx, op);
    expect(
      (await ec2Call(ctx, op, { MaxResults: 5, NextToken: token }, { accountId: ACCOUNT_B })).error?.code,
    ).toBe('InvalidParameterValue');
    expect(
      (await ec2Call(ctx, op, { MaxResults: 5, NextToken: token }, { region: 'eu-west-1' })).error?.code,
    ).toBe('InvalidParameterValue');
  });

  it('refuses a token issued by another operation', async () => {
    const ctx = makeContext();
    const vpcToken = await firstToken(ctx, 'DescribeVpcs');
    const subnets = await ec2Call(ctx, 'DescribeSubnets', { MaxResults: 5, NextToken: vpcToken });
    expect(subnets.error?.code).toBe('InvalidParameterValue');
    const instances = await ec2Call(ctx, 'DescribeInstances', { MaxResults: 5, NextToken: vpcToken });
    expect(instances.error).toMatchObject({
      code: 'InvalidParameterValue',
      message: 'Unable to parse pagination token',
    });
  });

  it('refuses an empty NextToken on DescribeVpcs (boto/boto3#2673) but not on DescribeInstances', async () => {
    const ctx = makeContext();
    const vpcs = await ec2Call(ctx, 'DescribeVpcs', { NextToken: '' });
    expect(vpcs.error).toMatchObject({
      code: 'InvalidParameterValue',
      message: 'Value (  ) for parameter NextToken is invalid. The token is invalid.',
    });
    expect((await ec2Call(ctx, 'DescribeInstances', { NextToken: '' })).status).toBe(200);
  });
});
