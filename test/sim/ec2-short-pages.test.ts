// EC2 paging as EC2 really does it (the shortPages knob): pages are cut from the unfiltered list and
// filtered afterwards, so filtered calls get short and empty pages while NextToken is still set; and
// the filter-value limit (FilterLimitExceeded). Unit tests drive ec2Service directly; the integration
// tests use the real SDK client and its paginator against a running sim.
import { describe, it, expect, afterEach } from 'vitest';
import {
  DescribeInstancesCommand,
  DescribeRegionsCommand,
  paginateDescribeInstances,
} from '@aws-sdk/client-ec2';
import {
  ACCOUNT_A,
  buildWorld,
  ec2Call,
  filters,
  instancesOf,
  makeContext,
  nextTokenOf,
} from './ec2-fixtures.js';
import type { SimContext } from '../../src/sim/types.js';
import { seededRandom } from './seeded-random.js';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { assumeReadRole, awsError, ec2Client } from '../helpers/sim-clients.js';

const PROD = filters(['tag:env', 'prod']);

/** Instances of ACCOUNT_A in us-east-1 with env=prod, in world order (instances 1..6 of 12). */
function prodTruth(): string[] {
  return buildWorld()
    .regionData(ACCOUNT_A, 'us-east-1')
    .instances.filter((i) => i.tags.some((t) => t.key === 'env' && t.value === 'prod'))
    .map((i) => i.instanceId);
}

/** Follows NextToken to the end; returns each page's instance ids and whether it carried a token. */
async function pages(
  ctx: SimContext,
  params: Record<string, string | number>,
): Promise<{ ids: string[]; token: boolean; nextToken?: string }[]> {
  const out: { ids: string[]; token: boolean; nextToken?: string }[] = [];
  let token: string | undefined;
  for (let i = 0; i < 200; i++) {
    const answer = await ec2Call(ctx, 'DescribeInstances', {
      ...params,
      ...(token ? { NextToken: token } : {}),
    });
    expect(answer.status, answer.text).toBe(200);
    token = nextTokenOf(answer, 'DescribeInstances');
    out.push({
      ids: instancesOf(answer).map((x) => String(x.instance['instanceId'])),
      token: token !== undefined,
      ...(token !== undefined ? { nextToken: token } : {}),
    });
    if (!token) return out;
  }
  throw new Error('pagination did not end');
}

const shortPagesContext = (random: () => number): SimContext => {
  const ctx = makeContext(buildWorld(), { shortPages: true });
  ctx.random = random;
  return ctx;
};

describe('EC2 with shortPages: filtering after paging', () => {
  it('cuts pages from the unfiltered list, so a filtered call gets short and empty pages with a token', async () => {
    // random() = 0.5 never injects an empty page: what remains is EC2's own filter-after-page effect.
    const got = await pages(
      shortPagesContext(() => 0.5),
      { MaxResults: 5, ...PROD },
    );
    // Windows of 5 over 12 instances: 1-5 (all prod), 6-10 (only 6 is prod), 11-12 (none).
    expect(got.map((p) => p.ids.length)).toEqual([5, 1, 0]);
    expect(got.map((p) => p.token)).toEqual([true, true, false]);
    expect(got.flatMap((p) => p.ids)).toEqual(prodTruth());
  });

  it('without shortPages keeps the pages full until the last (pages over the filtered list)', async () => {
    const got = await pages(makeContext(), { MaxResults: 5, ...PROD });
    expect(got.map((p) => p.ids.length)).toEqual([5, 1]);
    expect(got.flatMap((p) => p.ids)).toEqual(prodTruth());
  });

  it('injects empty pages with a token over many seeds, and always returns every match exactly once', async () => {
    let emptyWithToken = 0;
    let trailingEmpty = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const got = await pages(shortPagesContext(seededRandom(seed)), { MaxResults: 5 });
      const ids = got.flatMap((p) => p.ids);
      expect(ids).toEqual(
        buildWorld()
          .regionData(ACCOUNT_A, 'us-east-1')
          .instances.map((i) => i.instanceId),
      );
      // An unfiltered call has no short pages but the injected empty ones, until the last window.
      expect(got.slice(0, -2).every((p) => p.ids.length === 5 || p.ids.length === 0)).toBe(true);
      emptyWithToken += got.filter((p) => p.ids.length === 0 && p.token).length;
      if (got.at(-1)!.ids.length === 0) trailingEmpty++;
    }
    expect(emptyWithToken).toBeGreaterThan(0);
    expect(trailingEmpty).toBeGreaterThan(0);
  });

  it('never injects two empty pages in a row, so paging ends even when random() is always 0', async () => {
    const got = await pages(
      shortPagesContext(() => 0),
      { MaxResults: 5 },
    );
    for (let i = 1; i < got.length; i++)
      expect(got[i - 1]!.ids.length === 0 && got[i]!.ids.length === 0 && got[i - 1]!.token).toBe(false);
    expect(got.map((p) => p.ids.length)).toEqual([0, 5, 0, 5, 0, 2, 0]);
    expect(got.flatMap((p) => p.ids)).toEqual(
      buildWorld()
        .regionData(ACCOUNT_A, 'us-east-1')
        .instances.map((i) => i.instanceId),
    );
    // Every token differs from the one before (the AWS CLI gives up on a repeated token).
    const tokens = got.flatMap((p) => (p.nextToken ? [p.nextToken] : []));
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('hands out a different token for an injected empty page than the one it was called with', async () => {
    const ctx = shortPagesContext(() => 0);
    const first = await ec2Call(ctx, 'DescribeInstances', { MaxResults: 5 });
    expect(instancesOf(first)).toEqual([]);
    const second = await ec2Call(ctx, 'DescribeInstances', {
      MaxResults: 5,
      NextToken: nextTokenOf(first, 'DescribeInstances')!,
    });
    expect(instancesOf(second)).toHaveLength(5);
    const token = nextTokenOf(second, 'DescribeInstances')!;
    const third = await ec2Call(ctx, 'DescribeInstances', { MaxResults: 5, NextToken: token });
    expect(instancesOf(third)).toEqual([]);
    expect(nextTokenOf(third, 'DescribeInstances')).toEqual(expect.any(String));
    expect(nextTokenOf(third, 'DescribeInstances')).not.toBe(token);
  });

  it('keeps tokens validated: tampered, replayed with other filters, or used after the knob changed', async () => {
    const ctx = shortPagesContext(() => 0.5);
    const first = await ec2Call(ctx, 'DescribeInstances', { MaxResults: 5, ...PROD });
    const token = nextTokenOf(first, 'DescribeInstances')!;
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    for (const params of [
      { MaxResults: 5, ...PROD, NextToken: tampered },
      { MaxResults: 5, ...filters(['tag:env', 'dev']), NextToken: token },
    ]) {
      const answer = await ec2Call(ctx, 'DescribeInstances', params);
      expect(answer.error).toEqual({
        code: 'InvalidParameterValue',
        message: 'Unable to parse pagination token',
        requestId: expect.any(String),
      });
    }
    // Offsets count unfiltered items with the knob on, filtered ones without: a token does not cross.
    ctx.knobs.shortPages = false;
    expect(
      (await ec2Call(ctx, 'DescribeInstances', { MaxResults: 5, ...PROD, NextToken: token })).error?.code,
    ).toBe('InvalidParameterValue');
    ctx.knobs.shortPages = true;
    expect(
      (await ec2Call(ctx, 'DescribeInstances', { MaxResults: 5, ...PROD, NextToken: token })).status,
    ).toBe(200);
  });

  it('does not page an id list or a call without MaxResults or pageCap', async () => {
    const ctx = shortPagesContext(() => 0);
    const all = await ec2Call(ctx, 'DescribeInstances', PROD);
    expect(instancesOf(all).map((x) => x.instance['instanceId'])).toEqual(prodTruth());
    expect(nextTokenOf(all, 'DescribeInstances')).toBeUndefined();
  });
});

describe('EC2 FilterLimitExceeded', () => {
  const values = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

  it('refuses more than 200 filter values over all filters of one call, for every Describe call', async () => {
    const ctx = makeContext();
    const over = filters(['instance-id', ...values(150, 'i')], ['tag:env', ...values(51, 'v')]);
    for (const action of [
      'DescribeInstances',
      'DescribeVpcs',
      'DescribeSubnets',
      'DescribeRegions',
      'DescribeAvailabilityZones',
    ]) {
      const answer = await ec2Call(ctx, action, over);
      expect(answer.status).toBe(400);
      expect(answer.error).toMatchObject({
        code: 'FilterLimitExceeded',
        message: 'The maximum number of filter values specified on a single call is 200',
      });
    }
  });

  it('accepts exactly 200 values', async () => {
    const ctx = makeContext();
    const answer = await ec2Call(
      ctx,
      'DescribeInstances',
      filters(['tag:env', 'prod', ...values(149, 'v')], ['instance-state-name', ...values(50, 's')]),
    );
    expect(answer.status).toBe(200);
  });
});

describe('EC2 shortPages and FilterLimitExceeded through the SDK', () => {
  let sim: RunningSim | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('paginateDescribeInstances with a filter follows short and empty pages to exactly the ground truth', async () => {
    sim = await startSim({
      seed: 5,
      accounts: 2,
      regions: ['us-east-1'],
      instancesPerRegion: 40,
      random: seededRandom(11),
      knobs: { shortPages: true },
    });
    const account = sim.world.accounts[1]!.id;
    const client = ec2Client(sim, await assumeReadRole(sim, account));
    const states = ['stopped', 'terminated'];
    const sizes: number[] = [];
    const got: string[] = [];
    for await (const page of paginateDescribeInstances(
      { client, pageSize: 5 },
      { Filters: [{ Name: 'instance-state-name', Values: states }] },
    )) {
      const ids = (page.Reservations ?? []).flatMap((r) => (r.Instances ?? []).map((i) => i.InstanceId!));
      sizes.push(ids.length);
      got.push(...ids);
    }
    const truth = sim.world
      .regionData(account, 'us-east-1')
      .instances.filter((i) => states.includes(i.state.name))
      .map((i) => i.instanceId);
    expect(truth.length).toBeGreaterThan(0);
    expect(got).toEqual(truth);
    // Pages are cut from all 40 instances: at least 8 calls, and some pages short (or empty) mid-way.
    const calls = sim.log.entries({ operation: 'DescribeInstances', accountId: account });
    expect(calls.length).toBe(sizes.length);
    expect(calls.length).toBeGreaterThanOrEqual(8);
    expect(sizes.slice(0, -1).some((n) => n < 5)).toBe(true);
    expect(sizes.every((n) => n <= 5)).toBe(true);
  });

  it('answers 201 filter values with FilterLimitExceeded (400)', async () => {
    sim = await startSim({ seed: 5, accounts: 2, regions: ['us-east-1'], instancesPerRegion: 2 });
    const client = ec2Client(sim, await assumeReadRole(sim, sim.world.accounts[1]!.id));
    const err = await awsError(
      client.send(
        new DescribeInstancesCommand({
          Filters: [{ Name: 'instance-id', Values: Array.from({ length: 201 }, (_, i) => `i-${i}`) }],
        }),
      ),
    );
    expect(err).toEqual({
      name: 'FilterLimitExceeded',
      status: 400,
      message: 'The maximum number of filter values specified on a single call is 200',
    });
    expect(
      sim.log.count({ operation: 'DescribeInstances', errorCode: 'FilterLimitExceeded', status: 400 }),
    ).toBe(1);
    // The same client still works with a call under the limit.
    expect((await client.send(new DescribeRegionsCommand({}))).Regions?.length).toBeGreaterThan(0);
  });
});
