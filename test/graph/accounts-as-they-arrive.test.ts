// graph.limits.checkAwsCalls 'as-accounts-arrive' (speed issue: "work on an account starts when the
// ListAccounts page naming it arrives") against the simulated AWS with the real SDK clients: the same
// answer and the same AWS calls as the default, but the first AssumeRole is asked while ListAccounts
// pages are still coming (the sim's request log order proves it); a query over maxAwsCalls is stopped
// by the page that shows it, with no call for any account past the limit; a cached account list is
// still checked before any call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { createSharedHttpHandler } from '../../src/aws/client-pool.js';
import type { GraphConfigInput } from '../../src/config/graph.js';
import { GraphConfigError, parseGraphConfig } from '../../src/config/graph.js';
import { simAwsStack } from '../helpers/aws-stack.js';
import { thrownBy } from '../helpers/rejection.js';
import type { Harness } from './harness.js';
import { at, dataOf, harness } from './harness.js';

const REGIONS = ['eu-west-1', 'us-east-1'];
const handler = createSharedHttpHandler({ maxSockets: 64 });
let s: RunningSim;

beforeAll(async () => {
  // 100 accounts: 5 ListAccounts pages of 20, each 25 ms late, so the pages arrive one by one while
  // the first accounts' work goes on.
  const latency = { fixedMs: 25, jitterMs: 0 };
  s = await startSim({
    seed: 31,
    accounts: 100,
    regions: REGIONS,
    instancesPerRegion: 3,
    knobs: { latency: { organizations: latency } },
  });
});

afterAll(async () => {
  handler.destroy();
  await s.close();
});

function gateway(config: GraphConfigInput = {}): Harness {
  return harness(simAwsStack(s, { httpHandler: handler }).data, { regions: REGIONS, ...config });
}

const ARRIVE = { checkAwsCalls: 'as-accounts-arrive' } as const;

/**
 * Until the calls a stopped query had already sent have reached the sim and been answered (the log
 * counts a call when it is answered): no request in flight over 20 turns of the event loop.
 */
async function quiet(): Promise<void> {
  for (let idle = 0; idle < 20; idle = s.log.inFlight === 0 ? idle + 1 : 0)
    await new Promise((r) => setTimeout(r, 5));
}
const QUERY = `{ instances { totalCount nodes { instanceId account { accountId } region { name } } } }`;

const active = () => s.world.accounts.filter((a) => a.state === 'ACTIVE');

function truth(): string[] {
  return active()
    .flatMap((a) =>
      REGIONS.flatMap((r) =>
        s.world.regionData(a.id, r).instances.map((i) => `${a.id}|${r}|${i.instanceId}`),
      ),
    )
    .sort();
}

function keysOf(result: Awaited<ReturnType<Harness['run']>>): string[] {
  const nodes = at<{ instanceId: string; account: { accountId: string }; region: { name: string } }[]>(
    dataOf(result),
    'instances',
    'nodes',
  );
  return nodes.map((n) => `${n.account.accountId}|${n.region.name}|${n.instanceId}`).sort();
}

/** The request log of the last run: seq of every ListAccounts and AssumeRole, and the call counts. */
function observed() {
  const seqs = (operation: string) => s.log.entries({ operation }).map((e) => e.seq);
  return {
    listAccounts: seqs('ListAccounts'),
    assumeRole: seqs('AssumeRole'),
    counters: s.log.counters(),
  };
}

describe("graph.limits.checkAwsCalls: 'as-accounts-arrive'", () => {
  it('answers the organization-wide list exactly, with the same calls, starting before the account list is complete', async () => {
    expect(active().length).toBeGreaterThan(60); // pages 1–4 hold work for the first AssumeRole

    s.log.reset();
    const before = await gateway().run(QUERY);
    expect(before.errors).toBeUndefined();
    const strict = observed();

    s.log.reset();
    const arriving = await gateway({ limits: ARRIVE }).run(QUERY);
    expect(arriving.errors).toBeUndefined();
    const early = observed();

    expect(keysOf(arriving)).toEqual(truth());
    expect(keysOf(before)).toEqual(truth());
    expect(at(dataOf(arriving), 'instances', 'totalCount')).toBe(truth().length);
    // The same calls either way: 5 ListAccounts, one AssumeRole per active account, one
    // DescribeInstances per (account, Region).
    expect(early.counters).toEqual(strict.counters);
    expect(early.listAccounts).toHaveLength(5);
    expect(s.log.count({ operation: 'DescribeInstances' })).toBe(active().length * REGIONS.length);
    // By default every AssumeRole waits for the last page; as the accounts arrive, the first AssumeRole
    // is asked before the last page (of 5, each 25 ms late).
    expect(Math.min(...strict.assumeRole)).toBeGreaterThan(Math.max(...strict.listAccounts));
    expect(Math.min(...early.assumeRole)).toBeLessThan(Math.max(...early.listAccounts));
  });

  it('pages with first/after exactly as the default does', async () => {
    // One gateway per mode, so each reads its own account list cold; cursors are bound to the gateway.
    const walk = async (config: GraphConfigInput) => {
      const h = gateway(config);
      const ids: string[] = [];
      let after: string | undefined;
      for (let i = 0; i < 3; i++) {
        const result = await h.run(
          `query($after: String) { instances(first: 7, after: $after) { nodes { instanceId } pageInfo { hasNextPage endCursor } } }`,
          after ? { after } : {},
        );
        expect(result.errors).toBeUndefined();
        ids.push(
          ...at<{ instanceId: string }[]>(dataOf(result), 'instances', 'nodes').map((n) => n.instanceId),
        );
        expect(at(dataOf(result), 'instances', 'pageInfo', 'hasNextPage')).toBe(true);
        after = at<string>(dataOf(result), 'instances', 'pageInfo', 'endCursor');
      }
      return ids;
    };
    const strict = await walk({});
    const arriving = await walk({ limits: ARRIVE });
    expect(arriving).toHaveLength(21);
    expect(arriving).toEqual(strict);
  });

  it('stops a query over maxAwsCalls at the page that shows it: no call for any account past the limit', async () => {
    // Each account read costs 1 AssumeRole + 2 DescribeInstances: 90 calls fit 30 accounts.
    s.log.reset();
    const result = await gateway({ limits: { ...ARRIVE, maxAwsCalls: 90 } }).run(QUERY);
    expect(result.data ?? null).toBeNull();
    expect(result.errors).toHaveLength(1);
    const error = result.errors![0]!;
    expect(error.extensions?.['code']).toBe('QUERY_TOO_EXPENSIVE');
    expect(error.extensions?.['limit']).toBe(90);
    expect(error.extensions?.['estimatedCalls']).toBe(93); // 31 accounts × 3
    expect(error.message).toContain('graph.limits.checkAwsCalls');
    expect(error.message).toContain('at most 30 fit');
    // Calls were made only for accounts among the first 30 to read, never more than the budget.
    const first30 = new Set(
      active()
        .slice(0, 30)
        .map((a) => a.id),
    );
    const called = [
      ...s.log
        .entries({ operation: 'AssumeRole' })
        .map((e) => String(e.params['RoleArn']).split(':')[4] ?? ''),
      ...s.log.entries({ service: 'ec2' }).map((e) => e.accountId),
    ];
    expect(called.length).toBeLessThanOrEqual(90);
    for (const account of called) expect(first30.has(account)).toBe(true);
  });

  it("holds a unit's fan-out (read without ListAccounts) to the same account limit", async () => {
    s.log.reset();
    const result = await gateway({ limits: { ...ARRIVE, maxAwsCalls: 90 } }).run(
      `{ organization { roots { unitId instances { totalCount } accounts(recursive: true) { totalCount } } } }`,
    );
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions?.['code']).toBe('QUERY_TOO_EXPENSIVE');
    expect(result.errors?.[0]?.message).toContain('at most 30 fit');
    // The root's subtree is every account: refused once it is read, before any role is assumed.
    expect(s.log.count({ operation: 'ListAccountsForParent' })).toBeGreaterThan(0);
    expect(s.log.count({ service: 'sts' }) + s.log.count({ service: 'ec2' })).toBe(0);
  });

  it('counts the accounts of every unit a query reaches together, not each unit on its own', async () => {
    // Each unit holds fewer than 20 accounts; together they are every account. 60 calls fit 20.
    s.log.reset();
    const result = await gateway({ limits: { ...ARRIVE, maxAwsCalls: 60 } }).run(
      '{ organization { roots { units { nodes { accounts { nodes { instances { totalCount } } } } } } } }',
    );
    expect(result.errors?.[0]?.extensions?.['code']).toBe('QUERY_TOO_EXPENSIVE');
    expect(result.errors).toHaveLength(1);
    await quiet();
    expect(s.log.count({ service: 'sts' }) + s.log.count({ service: 'ec2' })).toBeLessThanOrEqual(60);
  });

  it('counts the lists below Query.organization (the default refuses them before any call)', async () => {
    s.log.reset();
    const result = await gateway({ limits: { maxAwsCalls: 90 } }).run(
      '{ organization { instances { totalCount } roots { instances { totalCount } } } }',
    );
    expect(result.errors).toHaveLength(1);
    const error = result.errors![0]!;
    expect(error.extensions?.['code']).toBe('QUERY_TOO_EXPENSIVE');
    // Two fan-outs over every active account × 2 Regions, one AssumeRole per account.
    expect(error.extensions?.['estimatedCalls']).toBe(active().length * 5);
    expect(s.log.count({ service: 'sts' }) + s.log.count({ service: 'ec2' })).toBe(0);
  });

  it('still refuses before any STS or EC2 call when the account list is cached', async () => {
    const h = gateway({ limits: { ...ARRIVE, maxAwsCalls: 90 } });
    expect((await h.run('{ accounts { totalCount } }')).errors).toBeUndefined();
    s.log.reset();
    const result = await h.run(QUERY);
    expect(result.errors?.[0]?.extensions?.['code']).toBe('QUERY_TOO_EXPENSIVE');
    expect(s.log.count({ service: 'sts' }) + s.log.count({ service: 'ec2' })).toBe(0);
  });

  it('refuses at once, before any call, a query over the budget with no account at all', async () => {
    s.log.reset();
    const aliases = Array.from(
      { length: 3 },
      (_, i) =>
        `r${i}: account(id: "${active()[0]!.id}") { region(name: "eu-west-1") { instances { totalCount } } }`,
    );
    const result = await gateway({ limits: { ...ARRIVE, maxAwsCalls: 2 } }).run(`{ ${aliases.join(' ')} }`);
    expect(result.errors?.[0]?.extensions?.['code']).toBe('QUERY_TOO_EXPENSIVE');
    expect(result.errors?.[0]?.message).toContain('so nothing was called');
    expect(s.log.count({ service: 'sts' }) + s.log.count({ service: 'ec2' })).toBe(0);
  });

  it('names a bad value by its path', () => {
    const error = thrownBy(() => parseGraphConfig({ limits: { checkAwsCalls: 'eventually' } }));
    expect(error).toBeInstanceOf(GraphConfigError);
    expect(error.message).toContain(
      "graph.limits.checkAwsCalls: must be 'before-any-call' or 'as-accounts-arrive'",
    );
  });
});
