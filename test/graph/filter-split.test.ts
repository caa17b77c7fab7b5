import { describe, it, expect } from 'vitest';
import { EC2_MAX_FILTER_VALUES } from '../../src/aws/ec2-lists.js';
import type { Filter } from '@aws-sdk/client-ec2';
import { splitFilters, splitWhereFilters, valueCount } from '../../src/graph/filter-split.js';
import { FakeAwsData, accountIdOf } from './fake-aws-data.js';
import type { FakeCall } from './fake-aws-data.js';
import { at, dataOf, harness } from './harness.js';

const ids = (n: number, prefix = 'i-') =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(8, '0')}`);

/** The values of filter `name` over every part, in order. */
const valuesOver = (parts: Filter[][], name: string) =>
  parts.flatMap((p) => p.filter((f) => f.Name === name).flatMap((f) => f.Values ?? []));

function badInput(run: () => unknown): { code: unknown; message: string } {
  try {
    run();
  } catch (error) {
    const e = error as { extensions?: { code?: unknown }; message: string };
    return { code: e.extensions?.code, message: e.message };
  }
  throw new Error('expected a refusal');
}

describe('splitting EC2 filters at 200 values a call', () => {
  it('leaves a filter list within the limit as one call', () => {
    const filters = [
      { Name: 'instance-id', Values: ids(150) },
      { Name: 'instance-type', Values: ['t3.*'] },
    ];
    expect(splitFilters(filters)).toEqual([filters]);
  });

  it('divides the largest exact list between calls that each carry at most 200 values', () => {
    const filters = [
      { Name: 'instance-state-name', Values: ['running'] },
      { Name: 'instance-id', Values: ids(450) },
    ];
    const parts = splitFilters(filters);
    expect(parts.map(valueCount)).toEqual([200, 200, 53]);
    expect(valuesOver(parts, 'instance-id')).toEqual(ids(450));
    // Every part keeps the other filters, in their place.
    for (const part of parts) expect(part.map((f) => f.Name)).toEqual(['instance-state-name', 'instance-id']);
  });

  it('splits two long lists into a product of parts, all within the limit and covering every pair', () => {
    const filters = [
      { Name: 'instance-id', Values: ids(300) },
      { Name: 'subnet-id', Values: ids(300, 'subnet-') },
    ];
    const parts = splitFilters(filters);
    expect(Math.max(...parts.map(valueCount))).toBeLessThanOrEqual(EC2_MAX_FILTER_VALUES);
    const pairs = new Set<string>();
    for (const part of parts)
      for (const i of valuesOver([part], 'instance-id'))
        for (const s of valuesOver([part], 'subnet-id')) pairs.add(`${i}|${s}`);
    expect(pairs.size).toBe(300 * 300);
    expect(
      parts.reduce(
        (n, p) => n + valuesOver([p], 'instance-id').length * valuesOver([p], 'subnet-id').length,
        0,
      ),
    ).toBe(300 * 300);
  });

  it('refuses what it cannot split exactly, naming the where argument', () => {
    const wildcards = [{ Name: 'instance-type', Values: ['t3.*', ...ids(200, 'm5.')] }];
    expect(badInput(() => splitWhereFilters(wildcards))).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining("'where.types' cannot be sent to EC2"),
    });
    const cidrs = [{ Name: 'cidr-block-association.cidr-block', Values: ids(201, '10.0.') }];
    expect(badInput(() => splitWhereFilters(cidrs)).message).toContain("'where.cidrBlocks'");
    const tags = ids(201, 'k').map((k) => ({ Name: 'tag-key', Values: [k] }));
    expect(badInput(() => splitWhereFilters(tags)).message).toContain("'where.tags'");
    const huge = [{ Name: 'instance-id', Values: ids(50 * 200 + 1) }];
    expect(badInput(() => splitWhereFilters(huge)).message).toMatch(
      /'where.instanceIds' has too many values/,
    );
    // Room kept for the ids a nested list adds.
    expect(splitWhereFilters([{ Name: 'instance-id', Values: ids(200) }], 1)).toHaveLength(2);
  });
});

describe('where lists beyond 200 values through the graph', () => {
  const maxValues = (calls: FakeCall[]) => Math.max(...calls.map((c) => valueCount(c.filters ?? [])));

  it('reads 450 instance ids in calls of at most 200 values and pages across them', async () => {
    const fake = new FakeAwsData({ accounts: 1, regions: ['us-east-1'], instances: 600 });
    const all = fake
      .dataOf(accountIdOf(0), 'us-east-1')
      .instances.map((i) => i.instance.InstanceId as string);
    const wanted = all.filter((_, i) => i % 4 !== 3).slice(0, 450);
    const h = harness(fake);
    const whole = await h.run(
      'query ($ids: [String!]) { instances(where: { instanceIds: $ids }) { totalCount } }',
      {
        ids: wanted,
      },
    );
    expect(at(dataOf(whole), 'instances', 'totalCount')).toBe(450);
    const seen: string[] = [];
    let after: string | null = null;
    for (let n = 0; n < 20; n++) {
      const result = await h.run(
        'query ($ids: [String!], $after: String) { instances(first: 60, after: $after, where: { instanceIds: $ids }) { nodes { instanceId } pageInfo { hasNextPage endCursor } } }',
        { ids: wanted, after },
      );
      seen.push(
        ...at<{ instanceId: string }[]>(dataOf(result), 'instances', 'nodes').map((i) => i.instanceId),
      );
      if (!at<boolean>(dataOf(result), 'instances', 'pageInfo', 'hasNextPage')) break;
      after = at<string>(dataOf(result), 'instances', 'pageInfo', 'endCursor');
    }
    expect(seen).toEqual(wanted);
    const calls = fake.calls.filter((c) => c.op === 'DescribeInstances');
    expect(maxValues(calls)).toBe(200);
  });

  it("keeps a nested list's parent ids and the where's values within 200 a call", async () => {
    const fake = new FakeAwsData({
      accounts: 1,
      regions: ['us-east-1'],
      vpcs: 120,
      subnetsPerVpc: 1,
      instances: 240,
    });
    const all = fake
      .dataOf(accountIdOf(0), 'us-east-1')
      .instances.map((i) => i.instance.InstanceId as string);
    const wanted = all.slice(0, 150);
    const result = await harness(fake).run(
      `query ($ids: [String!]) { account(id: "${accountIdOf(0)}") { region(name: "us-east-1") { vpcs { nodes { instances(where: { instanceIds: $ids }) { nodes { instanceId } } } } } } }`,
      { ids: wanted },
    );
    const vpcs = at<{ instances: { nodes: { instanceId: string }[] } }[]>(
      dataOf(result),
      'account',
      'region',
      'vpcs',
      'nodes',
    );
    expect(vpcs).toHaveLength(120);
    expect(vpcs.flatMap((v) => v.instances.nodes.map((n) => n.instanceId)).sort()).toEqual(
      [...wanted].sort(),
    );
    const calls = fake.calls.filter((c) => c.op === 'DescribeInstances');
    expect(calls.length).toBeGreaterThan(1);
    expect(maxValues(calls)).toBeLessThanOrEqual(200);
  });

  it('refuses a where it cannot split with BAD_USER_INPUT before any EC2 call', async () => {
    const fake = new FakeAwsData({ accounts: 2, regions: ['us-east-1'] });
    const result = await harness(fake).run(
      'query ($types: [String!]) { instances(where: { types: $types }) { totalCount } }',
      {
        types: ['t3.*', ...ids(200, 'm5.')],
      },
    );
    expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('Argument where.types of instances cannot be sent to EC2');
    expect(result.data).toBeUndefined();
    expect(fake.calls.filter((c) => c.op.startsWith('Describe'))).toEqual([]);
  });
});
