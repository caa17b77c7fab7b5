// The HTTP door over a real port against the simulated AWS: budgets and validation, the body limit,
// CSRF prevention, batching and introspection switches, health and readiness, request ids, and the
// process-wide sessions, response cache and cursors surviving from one request to the next.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { restoreEnvironment } from '../helpers/gateway-env.js';
import type { Served } from '../helpers/serve.js';
import { postGraphql, serve } from '../helpers/serve.js';

let sim: RunningSim;
let served: Served;
let locked: Served;
let budgeted: Served;

beforeAll(async () => {
  sim = await startSim({ seed: 11, accounts: 6, regions: ['us-east-1', 'eu-west-1'], instancesPerRegion: 4 });
  served = await serve(sim, {
    graph: { maxFirst: 50 },
    server: { maxBodyBytes: 4_096, readyCacheMs: 0 },
  });
  locked = await serve(sim, { server: { introspection: false, graphiql: false } });
  budgeted = await serve(sim, {
    graph: {
      regions: ['us-east-1', 'eu-west-1'],
      limits: { maxAwsCalls: 10, maxResponseItems: 5, maxDepth: 5, maxAliases: 2 },
    },
  });
});

afterAll(async () => {
  await served?.server.close();
  await locked?.server.close();
  await budgeted?.server.close();
  await sim?.close();
  restoreEnvironment();
});

function activeAccounts(): string[] {
  return sim.world.accounts.filter((a) => a.state === 'ACTIVE').map((a) => a.id);
}

describe('sessions, response cache and cursors live as long as the process', () => {
  const query = '{ instances { totalCount nodes { instanceId } } }';

  it('answers a repeated query with zero AssumeRole and zero AWS calls', async () => {
    sim.log.reset();
    const first = await postGraphql(served.base, query);
    expect(first.status).toBe(200);
    const expected = activeAccounts().length * 2 * 4;
    expect(first.body.data?.['instances']).toMatchObject({ totalCount: expected });
    expect(sim.log.counters()['sts:AssumeRole']).toBe(activeAccounts().length);

    sim.log.reset();
    const second = await postGraphql(served.base, query);
    expect(second.body).toEqual(first.body);
    expect(sim.log.total).toBe(0);

    // @fresh reads EC2 again, but the sessions are still the process's: no AssumeRole.
    sim.log.reset();
    const fresh = await postGraphql(served.base, `query Fresh @fresh ${query}`);
    expect(fresh.body.data).toEqual(first.body.data);
    expect(sim.log.counters()['ec2:DescribeInstances']).toBe(activeAccounts().length * 2);
    expect(sim.log.counters()['sts:AssumeRole']).toBeUndefined();
  });

  it('pages on in a later request with the cursor of an earlier one', async () => {
    const page = `query ($after: String) { instances(first: 7, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } nodes { instanceId } } }`;
    type Page = {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string };
      nodes: { instanceId: string }[];
    };
    const seen: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 20; i++) {
      const { status, body } = await postGraphql(served.base, page, { variables: after ? { after } : {} });
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      const p = body.data?.['instances'] as Page;
      seen.push(...p.nodes.map((n) => n.instanceId));
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(activeAccounts().length * 2 * 4);
    expect(after).toBeDefined(); // it did page
  });
});

describe('the engine budgets apply over HTTP', () => {
  it('refuses a first larger than graph.maxFirst as BAD_USER_INPUT, without AWS calls', async () => {
    sim.log.reset();
    const { status, body } = await postGraphql(served.base, '{ instances(first: 51) { totalCount } }');
    // Refused before execution by the input checks, like a validation error.
    expect(status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(body.errors?.[0]?.message).toContain(
      'Argument first of instances must be a whole number from 0 to 50 (got 51)',
    );
    expect(sim.log.total).toBe(0);
  });

  it.each([
    ['AWS calls', '{ instances { totalCount } }', 'estimatedCalls'],
    [
      'aliases',
      '{ a: accounts { totalCount } b: accounts { totalCount } c: accounts { totalCount } }',
      'aliases',
    ],
    ['depth', '{ accounts { nodes { regions { nodes { instances { nodes { instanceId } } } } } } }', 'depth'],
  ])(
    'refuses a query over its %s budget with 400 QUERY_TOO_EXPENSIVE before any STS or EC2 call',
    async (_what, query, measure) => {
      sim.log.reset();
      const { status, body } = await postGraphql(budgeted.base, query);
      expect(status).toBe(400);
      expect(body.data ?? null).toBeNull();
      expect(body.errors).toHaveLength(1);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE' });
      expect(body.errors?.[0]?.extensions?.[measure]).toBeGreaterThan(
        body.errors?.[0]?.extensions?.['limit'] as number,
      );
      expect(sim.log.count({ service: 'sts', operation: 'AssumeRole' })).toBe(0);
      expect(sim.log.count({ service: 'ec2' })).toBe(0);
    },
  );

  it('stops an answer over its response budget with QUERY_TOO_EXPENSIVE and no partial data', async () => {
    const { body } = await postGraphql(
      budgeted.base,
      `{ accounts(where: { accountIds: ["${sim.world.accounts.find((a) => a.state === 'ACTIVE')!.id}"] }) { nodes { instances { nodes { instanceId } } } } }`,
    );
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.map((e) => e.extensions?.['code'])).toEqual(['QUERY_TOO_EXPENSIVE']);
    expect(body.errors?.[0]?.extensions).toMatchObject({ limit: 5 });
  });

  it('answers an invalid operation 400 with GRAPHQL_VALIDATION_FAILED and no stack trace', async () => {
    const { status, body } = await postGraphql(served.base, '{ instances { noSuchField } }');
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(body)).not.toMatch(/stacktrace|\n\s+at /);
  });

  it('refuses batched operations unless server.batching is on', async () => {
    const response = await fetch(`${served.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ organization { id } }' }, { query: '{ organization { id } }' }]),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('batch');
  });
});

describe('request limits and CSRF prevention', () => {
  it('answers 413 to a body over server.maxBodyBytes, naming the limit', async () => {
    sim.log.reset();
    const big = `{ organization { id } } # ${'x'.repeat(5_000)}`;
    const { status, body } = await postGraphql(served.base, big);
    expect(status).toBe(413);
    expect(body.errors?.[0]?.message).toContain('the limit is 4096 (server.maxBodyBytes)');
    expect(sim.log.total).toBe(0);
  });

  it('answers 400 to a body that is not JSON, saying so', async () => {
    const response = await fetch(`${served.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{ query: nope',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('the request body is not valid JSON');
  });

  it('refuses a simple cross-site request (text/plain POST, plain GET) and makes no AWS call', async () => {
    sim.log.reset();
    const form = await fetch(`${served.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'http://evil.example' },
      body: JSON.stringify({ query: '{ organization { id } }' }),
    });
    expect(form.status).toBe(400);
    expect(await form.text()).toContain('CSRF');
    const get = await fetch(`${served.base}/graphql?query=${encodeURIComponent('{ organization { id } }')}`);
    expect(get.status).toBe(400);
    expect(sim.log.total).toBe(0);
  });

  it('answers GET /graphql?query= from a script that sends a preflight header', async () => {
    const response = await fetch(
      `${served.base}/graphql?query=${encodeURIComponent('{ organization { id } }')}`,
      {
        headers: { 'apollo-require-preflight': 'true' },
      },
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: unknown }).data).toEqual({
      organization: { id: expect.any(String) },
    });
  });

  it('returns a request id, keeping a well-formed one the client sent', async () => {
    const own = await fetch(`${served.base}/healthz`, { headers: { 'x-request-id': 'cmdb-run-42' } });
    expect(own.headers.get('x-request-id')).toBe('cmdb-run-42');
    const bad = await fetch(`${served.base}/healthz`, { headers: { 'x-request-id': 'no spaces <allowed>' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown path 404 pointing at /graphql, and / redirects there', async () => {
    const missing = await fetch(`${served.base}/graphq`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('/graphql');
    const root = await fetch(`${served.base}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/graphql');
  });
});

describe('switches', () => {
  it('refuses introspection when server.introspection is false', async () => {
    const { status, body } = await postGraphql(locked.base, '{ __schema { queryType { name } } }');
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
  });

  it('serves no GraphiQL page when server.graphiql is false', async () => {
    const page = await fetch(`${locked.base}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).not.toContain('text/html');
    expect((await fetch(`${locked.base}/graphql/assets/app.js`)).status).toBe(404);
  });

  it('serves the GraphiQL page with a same-origin-only Content-Security-Policy', async () => {
    const page = await fetch(`${served.base}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    expect((await fetch(`${served.base}/graphql/assets/app.js`)).status).toBe(200);
  });
});

describe('health and readiness', () => {
  it('/healthz is alive without AWS; /readyz is ready, then not ready while STS fails', async () => {
    sim.log.reset();
    const health = await fetch(`${served.base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(sim.log.total).toBe(0);

    const ready = await fetch(`${served.base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    expect(sim.log.counters()).toEqual({ 'sts:GetCallerIdentity': 1, 'organizations:ListAccounts': 1 });

    sim.knobs.faults.errorRate = 1;
    try {
      const down = await fetch(`${served.base}/readyz`);
      expect(down.status).toBe(503);
      const body = (await down.json()) as { status: string; reason: string };
      expect(body.status).toBe('not ready');
      expect(body.reason).toContain('central credentials: STS GetCallerIdentity failed');
    } finally {
      sim.knobs.faults.errorRate = 0;
    }
    expect((await fetch(`${served.base}/readyz`)).status).toBe(200);
  });
});
