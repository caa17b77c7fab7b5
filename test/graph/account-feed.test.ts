// The account list as it arrives, shared: one ListAccounts read serves every request that asks while
// it is in flight (and the cache after it). A request that goes away must neither break the read for
// the others nor cut it short when its own answer was sent early (then the next request re-reads it).
// Real SDK clients against the simulated AWS; the request log counts the reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { createSharedHttpHandler } from '../../src/aws/client-pool.js';
import { parseGraphConfig } from '../../src/config/graph.js';
import { OrganizationsLoaders } from '../../src/graph/loaders/organizations.js';
import { simAwsStack } from '../helpers/aws-stack.js';
import { at, dataOf, harness } from './harness.js';

const REGIONS = ['eu-west-1', 'us-east-1'];
const handler = createSharedHttpHandler({ maxSockets: 64 });
let s: RunningSim;

beforeAll(async () => {
  // 100 accounts: 5 ListAccounts pages, each 25 ms late.
  s = await startSim({
    seed: 41,
    accounts: 100,
    regions: REGIONS,
    instancesPerRegion: 2,
    knobs: { latency: { organizations: { fixedMs: 25, jitterMs: 0 } } },
  });
});

afterAll(async () => {
  handler.destroy();
  await s.close();
});

describe('the shared account list read', () => {
  it('goes on for a request that joined it when the one that started it goes away', async () => {
    const { data } = simAwsStack(s, { httpHandler: handler });
    const config = parseGraphConfig({ regions: REGIONS });
    const gone = new AbortController();
    const stays = new AbortController();
    const a = new OrganizationsLoaders(data, config, () => ({ signal: gone.signal }));
    const b = new OrganizationsLoaders(data, config, () => ({ signal: stays.signal }));
    s.log.reset();
    const first = a.accountFeed();
    await first.beyond(0); // page 1 of 5 is in: the read is in flight
    const joined = b.accountFeed(); // joins it (no second read)
    gone.abort(new Error('client went away'));
    await expect(first.whole()).rejects.toThrow();
    // A's pages keep arriving at its (ended) list; B gets every account all the same.
    expect((await joined.whole()).map((r) => r.accountId)).toEqual(s.world.accounts.map((x) => x.id));
    expect(s.log.count({ operation: 'ListAccounts' })).toBe(5);
  });

  it("is finished and cached after an early answer ('as-accounts-arrive' pages with first)", async () => {
    const h = harness(simAwsStack(s, { httpHandler: handler }).data, {
      regions: REGIONS,
      limits: { checkAwsCalls: 'as-accounts-arrive' },
    });
    s.log.reset();
    for (let i = 0; i < 4; i++) {
      const result = await h.run('{ instances(first: 3) { nodes { instanceId } } }');
      expect(at<unknown[]>(dataOf(result), 'instances', 'nodes')).toHaveLength(3);
    }
    // The first answer was sent after page 1; the read went on to the end and was cached: 5 pages in
    // all, not one more read per query.
    await h.run('{ accounts { totalCount } }');
    expect(s.log.count({ operation: 'ListAccounts' })).toBe(5);
  });
});
