// The lifecycle of a query over HTTP: a client that goes away stops the query's AWS work (the abort
// reaches the data layer: no further calls are started, per the sim's request log), and a graceful
// shutdown lets a query in flight finish — or, past the deadline, stops it — then closes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { restoreEnvironment } from '../helpers/gateway-env.js';
import type { Served } from '../helpers/serve.js';
import { postGraphql, serve } from '../helpers/serve.js';

const QUERY = '{ instances { totalCount nodes { instanceId } failures { code } } }';

let sim: RunningSim;
const servers: Served[] = [];

beforeAll(async () => {
  sim = await startSim({
    seed: 31,
    accounts: 10,
    regions: ['us-east-1', 'eu-west-1'],
    instancesPerRegion: 2,
  });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.server.close(0)));
  await sim?.close();
  restoreEnvironment();
});

async function served(options: Parameters<typeof serve>[1] = {}): Promise<Served> {
  const s = await serve(sim, { logLevel: 'info', ...options });
  servers.push(s);
  return s;
}

/** Polls `condition` (state, not time) until it holds. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting until ${what}`);
}

const activeCount = () => sim.world.accounts.filter((a) => a.state === 'ACTIVE').length;

describe('a client that disconnects', () => {
  it("stops its query's AWS work: no further calls are started", async () => {
    // One AWS call at a time, each slow: the query would take many calls in a row.
    const s = await served({ aws: { concurrency: { global: 1, perTarget: 1 } } });
    sim.log.reset();
    sim.knobs.latency.ec2 = { fixedMs: 150, jitterMs: 0 };
    try {
      const client = new AbortController();
      const request = postGraphql(s.base, QUERY, { signal: client.signal }).catch((err: unknown) => err);
      await until(() => sim.log.count({ service: 'ec2' }) >= 1, 'the first EC2 call arrived');
      client.abort();
      expect(await request).toBeInstanceOf(Error);
      // The request's log line is written when the server sees the connection close, right before
      // the query's abort signal fires: the calls started by then are all the query may make.
      await until(
        () => s.requestLines().some((l) => l['path'] === '/graphql'),
        'the server saw the disconnect',
      );
      const data = { stats: () => s.server.gateway.stats().aws };
      const startedBeforeAbort = data.stats().totalCalls;
      await until(
        () => s.server.inFlight() === 0 && data.stats().inFlight === 0 && data.stats().queued === 0,
        'the query stopped',
      );
      // Time for several more calls, had the work gone on.
      await new Promise((r) => setTimeout(r, 600));
      expect(data.stats().totalCalls).toBe(startedBeforeAbort);
      expect(sim.log.count({ service: 'ec2' })).toBe(data.stats().calls['ec2:DescribeInstances']);
      const full = activeCount() * 2; // DescribeInstances in every account and Region
      expect(sim.log.count({ service: 'ec2' })).toBeLessThan(full / 2);
      const line = s.requestLines().find((l) => l['path'] === '/graphql');
      expect(line).toMatchObject({ clientGone: true });
    } finally {
      sim.knobs.latency.ec2 = { fixedMs: 0, jitterMs: 0 };
    }
  });
});

describe('graceful shutdown', () => {
  it('lets a query in flight finish, refuses new connections, then closes', async () => {
    const s = await served();
    sim.log.reset();
    sim.knobs.latency.ec2 = { fixedMs: 250, jitterMs: 0 };
    try {
      const request = postGraphql(s.base, QUERY);
      await until(() => sim.log.count({ service: 'ec2' }) >= 1, 'the query reached EC2');
      const closed = s.server.close(20_000);
      await until(() => s.logs.some((l) => l.includes('waiting for queries in flight')), 'shutdown began');
      await expect(fetch(`${s.base}/healthz`)).rejects.toThrow();
      const { status, body } = await request;
      expect(status).toBe(200);
      expect(body.data?.['instances']).toMatchObject({ totalCount: activeCount() * 2 * 2 });
      await closed;
      expect(s.logs.at(-1)).toContain('orgraph serve stopped');
    } finally {
      sim.knobs.latency.ec2 = { fixedMs: 0, jitterMs: 0 };
    }
  });

  it('stops the queries still running when the deadline passes', async () => {
    const s = await served({ aws: { concurrency: { global: 1, perTarget: 1 } } });
    sim.log.reset();
    sim.knobs.latency.ec2 = { fixedMs: 400, jitterMs: 0 };
    try {
      const request = postGraphql(s.base, QUERY).then(
        (r) => r,
        (err: unknown) => err,
      );
      await until(() => sim.log.count({ service: 'ec2' }) >= 1, 'the query reached EC2');
      await s.server.close(50);
      expect(s.logs.some((l) => l.includes('shutdown deadline passed'))).toBe(true);
      await request; // settled: answered with what it had, or cut
      // Everything was stopped before close() resolved: no call is started afterwards.
      const data = { stats: () => s.server.gateway.stats().aws };
      const startedAtClose = data.stats().totalCalls;
      await new Promise((r) => setTimeout(r, 500));
      expect(data.stats().totalCalls).toBe(startedAtClose);
      expect(sim.log.count({ service: 'ec2' })).toBe(data.stats().calls['ec2:DescribeInstances']);
      expect(sim.log.count({ service: 'ec2' })).toBeLessThan(activeCount() * 2);
    } finally {
      sim.knobs.latency.ec2 = { fixedMs: 0, jitterMs: 0 };
    }
  });
});
