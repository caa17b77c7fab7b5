import { describe, it, expect } from 'vitest';
import { CursorCodec, bindingOf } from '../../src/graph/cursor.js';
import { FakeAwsData, accountIdOf } from './fake-aws-data.js';
import type { Harness } from './harness.js';
import { at, dataOf, harness } from './harness.js';

interface Page {
  totalCount: number | null;
  edges: {
    cursor: string;
    node: { instanceId: string; account: { accountId: string }; region: { name: string } };
  }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  failures: unknown[];
}

const PAGE_QUERY = `query ($first: Int, $after: String, $where: InstanceWhere) {
  instances(first: $first, after: $after, where: $where) {
    totalCount
    edges { cursor node { instanceId account { accountId } region { name } } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
    failures { code }
  }
}`;

async function page(h: Harness, variables: Record<string, unknown>): Promise<Page> {
  return at<Page>(dataOf(await h.run(PAGE_QUERY, variables)), 'instances');
}

/** 5,000 instances over 10 accounts × 2 Regions, unevenly (some targets empty), in small AWS pages. */
function bigOrganization(): FakeAwsData {
  const sizes = [700, 0, 0, 0, 650, 5, 0, 1000, 445, 0, 300, 300, 0, 0, 1, 599, 400, 0, 600, 0];
  let next = 0;
  const fake = new FakeAwsData({
    accounts: 10,
    regions: ['eu-west-1', 'us-east-1'],
    shape: () => ({ instances: sizes[next++] ?? 0, vpcs: 1, subnetsPerVpc: 1 }),
  });
  fake.pageCap = 37;
  return fake;
}

/** Instances probes read past the end of a page in bigOrganization (35 today; ≤ 5 per discarded probe). */
const RE_READ_BOUND = 50;

function groundTruth(fake: FakeAwsData): string[] {
  return fake.accounts.flatMap((a) =>
    ['eu-west-1', 'us-east-1'].flatMap((r) =>
      fake.dataOf(a.id, r).instances.map((i) => i.instance.InstanceId as string),
    ),
  );
}

/** Every page of the instances, `first` at a time, following endCursor (at most 60 pages). */
async function walkPages(h: Harness, first: number): Promise<Page[]> {
  const pages: Page[] = [];
  let after: string | null = null;
  for (;;) {
    const p: Page = await page(h, { first, after });
    pages.push(p);
    if (!p.pageInfo.hasNextPage) return pages;
    after = p.pageInfo.endCursor;
    expect(pages.length).toBeLessThan(60);
  }
}

describe('fan-out pagination', () => {
  it('pages through 5,000 instances with first: 100, yielding each exactly once, in account then Region order', async () => {
    const fake = bigOrganization();
    const pages = await walkPages(harness(fake), 100);
    const sizes = pages.map((p) => p.edges.length);
    const seen = pages.flatMap((p) => p.edges.map((e) => e.node.instanceId));
    expect(pages.map((p) => p.pageInfo.hasPreviousPage)).toEqual(pages.map((_, i) => i > 0));
    // 50 full pages; the 50th ends with the last instance, but an (empty) target remains after it, so
    // hasNextPage is true once more and a 51st, empty page says there is nothing left.
    expect(sizes).toEqual([...Array<number>(50).fill(100), 0]);
    expect(seen).toHaveLength(5000);
    expect(seen).toEqual(groundTruth(fake));
    // Every AWS page asked for no more than what a page still needed, within EC2's 5..1000.
    const calls = fake.calls.filter((c) => c.op === 'DescribeInstances');
    expect(calls.every((c) => c.maxResults !== undefined && c.maxResults >= 5 && c.maxResults <= 1000)).toBe(
      true,
    );
    // Items read again by a later page: only the probes (5 items each) of targets a window read ahead
    // of a page that its first target filled.
    const read = calls.reduce((n, c) => n + (c.returned ?? 0), 0);
    expect(read).toBeGreaterThanOrEqual(5000);
    expect(read - 5000).toBeLessThan(RE_READ_BOUND);
  });

  it('ends a page on an AWS page boundary and resumes from its NextToken, reading no item twice', async () => {
    const fake = new FakeAwsData({ accounts: 2, regions: ['us-east-1'], instances: 250 });
    const h = harness(fake);
    const seen: string[] = [];
    let after: string | null = null;
    for (let n = 0; n < 10; n++) {
      const p: Page = await page(h, { first: 100, after });
      seen.push(...p.edges.map((e) => e.node.instanceId));
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(seen).toEqual(groundTruth(fake));
    const calls = fake.calls.filter((c) => c.op === 'DescribeInstances');
    // Page 3 takes the last 50 of account 0 (asking for 100) and 50 of account 1 (asking for 50).
    expect(calls.map((c) => [c.accountId, c.maxResults, c.nextToken !== undefined, c.returned])).toEqual([
      [accountIdOf(0), 100, false, 100],
      [accountIdOf(0), 100, true, 100],
      [accountIdOf(0), 100, true, 50],
      [accountIdOf(1), 50, false, 50],
      [accountIdOf(1), 100, true, 100],
      [accountIdOf(1), 100, true, 100],
    ]);
    expect(calls.reduce((n, c) => n + (c.returned ?? 0), 0)).toBe(500);
  });

  it('asks AWS for just what the first page needs', async () => {
    const fake = new FakeAwsData({ accounts: 3, regions: ['us-east-1'], instances: 50 });
    const p = await page(harness(fake), { first: 10 });
    expect(p.edges).toHaveLength(10);
    expect(p.pageInfo.hasNextPage).toBe(true);
    expect(p.totalCount).toBeNull();
    // One account, one call for exactly 10 items (its NextToken proves there is a next page); no other
    // target read.
    expect(
      fake.calls.filter((c) => c.op === 'DescribeInstances').map((c) => [c.accountId, c.maxResults]),
    ).toEqual([[accountIdOf(0), 10]]);
    expect(fake.count('DescribeRegions')).toBe(1);
  });

  it('takes fewer than 5 items from a page of 5 and resumes inside that page', async () => {
    const fake = new FakeAwsData({ accounts: 1, regions: ['us-east-1'], instances: 9 });
    const h = harness(fake);
    const first = await page(h, { first: 3 });
    const rest = await page(h, { first: 10, after: first.pageInfo.endCursor });
    expect([...first.edges, ...rest.edges].map((e) => e.node.instanceId)).toEqual(groundTruth(fake));
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    // EC2's smallest page is 5: the first page leaves 2 of them, which the next reads again.
    expect(
      fake.calls.filter((c) => c.op === 'DescribeInstances').map((c) => [c.maxResults, c.returned]),
    ).toEqual([
      [5, 5],
      [13, 9],
    ]);
  });

  it('reports totalCount when the whole list was read', async () => {
    const fake = new FakeAwsData({ accounts: 2, regions: ['us-east-1'], instances: 3 });
    const h = harness(fake);
    expect((await page(h, {})).totalCount).toBe(6);
    expect((await page(h, { first: 50 })).totalCount).toBe(6);
    const first = await page(h, { first: 4 });
    expect(first.totalCount).toBeNull();
    const rest = await page(h, { first: 4, after: first.pageInfo.endCursor });
    expect(rest.edges).toHaveLength(2);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  it('continues after a cursor taken from a page read without first', async () => {
    const fake = new FakeAwsData({ accounts: 2, regions: ['us-east-1'], instances: 40 });
    fake.pageCap = 7;
    const h = harness(fake);
    const all = await page(h, {});
    const middle = all.edges[22] as Page['edges'][number];
    const rest = await page(h, { after: middle.cursor });
    expect(rest.edges.map((e) => e.node.instanceId)).toEqual(
      all.edges.slice(23).map((e) => e.node.instanceId),
    );
    const next = await page(h, { first: 3, after: middle.cursor });
    expect(next.edges.map((e) => e.node.instanceId)).toEqual(
      all.edges.slice(23, 26).map((e) => e.node.instanceId),
    );
  });

  it('refuses a tampered cursor with BAD_USER_INPUT', async () => {
    const fake = new FakeAwsData({ accounts: 2, regions: ['us-east-1'] });
    const h = harness(fake);
    const cursor = (await page(h, { first: 2 })).pageInfo.endCursor as string;
    const [body, mac] = cursor.split('.') as [string, string];
    const position = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...position, o: 0 })).toString('base64url')}.${mac}`;
    // Signed the wrong way: refused by the field before it reads anything.
    for (const bad of [forged, cursor.slice(0, -2)]) {
      const result = await h.run(PAGE_QUERY, { first: 2, after: bad });
      expect(result.data?.['instances']).toBeNull();
      expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.path).toEqual(['instances']);
    }
    // Not even shaped like a cursor: refused before the operation runs.
    for (const bad of ['not-a-cursor', `${body}.`, '']) {
      const result = await h.run(PAGE_QUERY, { first: 2, after: bad });
      expect(result.data).toBeUndefined();
      expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toContain(`Argument after of instances must be a cursor`);
    }
  });

  it('refuses a cursor issued for another field, parent or where', async () => {
    const fake = new FakeAwsData({ accounts: 2, regions: ['us-east-1'] });
    const h = harness(fake);
    const instancesCursor = (await page(h, { first: 2 })).pageInfo.endCursor as string;
    const vpcs = await h.run('{ vpcs(first: 1) { pageInfo { endCursor } } }');
    const vpcCursor = at<string>(dataOf(vpcs), 'vpcs', 'pageInfo', 'endCursor');
    const foreign = [
      h.run(PAGE_QUERY, { first: 2, after: vpcCursor }),
      h.run(PAGE_QUERY, { first: 2, after: instancesCursor, where: { states: ['RUNNING'] } }),
      h.run(
        `{ account(id: "${accountIdOf(0)}") { instances(first: 2, after: "${instancesCursor}") { totalCount } } }`,
      ),
      h.run(`{ accounts(first: 1, after: "${instancesCursor}") { totalCount } }`),
    ];
    for (const result of await Promise.all(foreign)) {
      expect(result.errors).toHaveLength(1);
      expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(/Invalid cursor/);
    }
    // A different `first` is fine: the cursor is bound to the field and where, not the page size.
    expect((await page(h, { first: 3, after: instancesCursor })).edges.length).toBeGreaterThan(0);
  });

  it('refuses first beyond the configured maximum or below zero', async () => {
    const h = harness(new FakeAwsData(), { maxFirst: 50 });
    for (const first of [51, -1]) {
      const result = await h.run(PAGE_QUERY, { first });
      expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toContain(String(first));
    }
  });

  it('pages accounts with signed offset cursors', async () => {
    const fake = new FakeAwsData({ accounts: 5 });
    const h = harness(fake);
    const query =
      'query ($after: String) { accounts(first: 2, after: $after) { totalCount nodes { accountId } pageInfo { hasNextPage endCursor } } }';
    const ids: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 3; i++) {
      const connection: {
        nodes: { accountId: string }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      } = at(dataOf(await h.run(query, { after })), 'accounts');
      ids.push(...connection.nodes.map((n) => n.accountId));
      after = connection.pageInfo.endCursor;
      expect(connection.pageInfo.hasNextPage).toBe(i < 2);
    }
    expect(ids).toEqual([0, 1, 2, 3, 4].map(accountIdOf));
  });
});

describe('CursorCodec', () => {
  const codec = new CursorCodec('0123456789abcdef0123456789abcdef');

  it('round-trips a position bound to its field and arguments', () => {
    const binding = bindingOf('Query', 'instances', { where: { states: ['RUNNING'] }, first: 5 });
    const cursor = codec.encode(binding, { a: '1', o: 3 });
    expect(
      codec.decode(bindingOf('Query', 'instances', { first: 10, where: { states: ['RUNNING'] } }), cursor),
    ).toEqual({ a: '1', o: 3 });
  });

  it('binds equal arguments equally whatever their key order, and different ones differently', () => {
    expect(bindingOf('Q', 'f', { where: { a: 1, b: [2] } })).toBe(
      bindingOf('Q', 'f', { where: { b: [2], a: 1, c: null } }),
    );
    expect(bindingOf('Q', 'f', { where: { a: 1 } })).not.toBe(bindingOf('Q', 'f', { where: { a: 2 } }));
  });

  it('refuses a cursor signed with another secret', () => {
    const other = new CursorCodec('fedcba9876543210fedcba9876543210');
    const cursor = other.encode('b', { o: 1 });
    expect(() => codec.decode('b', cursor)).toThrow(/Invalid cursor/);
  });
});

describe("graph.fanOutPaging: 'read-ahead' (an export paging through everything)", () => {
  /**
   * Runs `work` with the fake's EC2 pages held back and released together, one round at a time, once
   * the gateway has asked for everything it can without an answer: the rounds are the page's
   * sequential AWS round trips (no clock involved).
   */
  async function inRounds<T>(
    fake: FakeAwsData,
    work: () => Promise<T>,
  ): Promise<{ value: T; rounds: number }> {
    const read = fake.ec2.page.bind(fake.ec2);
    const held: (() => void)[] = [];
    fake.ec2.page = ((...args: Parameters<typeof read>) =>
      new Promise<Awaited<ReturnType<typeof read>>>((resolve, reject) =>
        held.push(() => read(...args).then(resolve, reject)),
      )) as typeof read;
    let done = false;
    const running = work().finally(() => (done = true));
    let rounds = 0;
    while (!done) {
      await new Promise((r) => setImmediate(r));
      if (held.length > 0) {
        rounds++;
        for (const release of held.splice(0)) release();
      }
    }
    fake.ec2.page = read;
    return { value: await running, rounds };
  }

  const uniform = () => new FakeAwsData({ accounts: 30, regions: ['eu-west-1', 'us-east-1'], instances: 50 });

  it('reads a page of 1,000 over 50-item targets in a few round trips instead of one per probe', async () => {
    const thrifty = uniform();
    const ahead = uniform();
    const a = await inRounds(thrifty, () => page(harness(thrifty), { first: 1000 }));
    const b = await inRounds(ahead, () =>
      page(harness(ahead, { fanOutPaging: 'read-ahead' }), { first: 1000 }),
    );
    expect(b.value.edges.map((e) => e.node.instanceId)).toEqual(a.value.edges.map((e) => e.node.instanceId));
    expect(b.value.pageInfo.endCursor !== null).toBe(true);
    // 20 targets fill the page: thrifty probes them 1, 2, 4, 8 … at a time and goes on with each probe
    // in turn; read-ahead asks 16 targets at once for everything missing, then the rest.
    expect(a.rounds).toBeGreaterThanOrEqual(15);
    expect(b.rounds).toBeLessThanOrEqual(3);
  });

  it('pages through 5,000 uneven instances exactly as thrifty paging does, without probes', async () => {
    const walk = async (fake: FakeAwsData, config: Record<string, unknown>) =>
      (await walkPages(harness(fake, config), 100)).flatMap((p) => p.edges.map((e) => e.node.instanceId));
    const thrifty = bigOrganization();
    const ahead = bigOrganization();
    const expected = await walk(thrifty, {});
    expect(await walk(ahead, { fanOutPaging: 'read-ahead' })).toEqual(expected);
    expect(expected).toEqual(groundTruth(ahead));
    const probes = (fake: FakeAwsData) =>
      fake.calls.filter((c) => c.op === 'DescribeInstances' && c.maxResults === 5).length;
    expect(probes(thrifty)).toBeGreaterThan(10);
    // Read-ahead asks every target for what the page misses (5 only when that is all it misses).
    expect(probes(ahead)).toBeLessThan(probes(thrifty) / 4);
  });
});
