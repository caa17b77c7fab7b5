// /metrics and the request logs of `orgraph serve`, checked against the simulated AWS: the AWS-call
// counters equal the sim's request log (by service, operation and outcome), promtool accepts the
// output, each request has one log line with its id, operation, AWS calls and error codes, and no
// secret — secret key, session token, bearer token, Authorization header — appears in anything the
// run wrote (log lines, response bodies).
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { demoVictims } from '../../src/cli/demo.js';
import { restoreEnvironment } from '../helpers/gateway-env.js';
import type { Served } from '../helpers/serve.js';
import { postGraphql, serve } from '../helpers/serve.js';

const TOKEN = 'observability-test-token-5e7c9a1b3d';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const QUERY = `query RunningEverywhere { instances(where: { states: [RUNNING] }) {
  totalCount nodes { instanceId account { name } } failures { code accountId region } } }`;

let sim: RunningSim;
let served: Served;
let broken: string;
let partlyDisabled: string;
/** Every response body the tests received. */
const bodies: string[] = [];

beforeAll(async () => {
  sim = await startSim({ seed: 21, accounts: 6, regions: ['us-east-1', 'eu-west-1'], instancesPerRegion: 3 });
  [broken, partlyDisabled] = demoVictims(sim);
  sim.knobs.scenarios.set(broken, { roleMissing: true });
  sim.knobs.scenarios.set(partlyDisabled, { disabledRegions: ['eu-west-1'] });
  served = await serve(sim, { env: { ORGRAPH_TOKEN: TOKEN }, logLevel: 'debug' });
});

afterAll(async () => {
  await served?.server.close();
  await sim?.close();
  restoreEnvironment();
});

async function metricsText(): Promise<string> {
  const response = await fetch(`${served.base}/metrics`, { headers: AUTH });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const text = await response.text();
  bodies.push(text);
  return text;
}

/** The samples of one metric as labels-string → value. */
function samples(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`).exec(line);
    if (match) out.set(match[1] ?? '', Number(match[2]));
  }
  return out;
}

describe('/metrics', () => {
  it('counts exactly the AWS calls the sim saw, by service, operation and outcome', async () => {
    // The metrics count since start-up (its GetCallerIdentity included): compared is what the query added.
    const startText = await metricsText();
    const before = samples(startText, 'orgraph_aws_calls_total');
    const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    const startDurations = sum(samples(startText, 'orgraph_aws_call_duration_seconds_count'));
    sim.log.reset();
    const { status, body, headers } = await postGraphql(served.base, QUERY, { headers: AUTH });
    bodies.push(JSON.stringify(body));
    expect(status).toBe(200);
    const failures = (body.data?.['instances'] as { failures: { code: string }[] }).failures;
    expect(failures.map((f) => f.code).sort()).toEqual([
      'REGION_NOT_ENABLED',
      'ROLE_NOT_ASSUMABLE',
      'ROLE_NOT_ASSUMABLE',
    ]);

    const expected = new Map<string, number>();
    for (const e of sim.log.entries()) {
      const key = `{service="${e.service}",operation="${e.operation}",outcome="${e.errorCode ?? 'OK'}"}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    expect(expected.size).toBeGreaterThan(3); // OK and failed calls of several APIs
    const text = await metricsText();
    const added = new Map(
      [...samples(text, 'orgraph_aws_calls_total')]
        .map(([key, n]): [string, number] => [key, n - (before.get(key) ?? 0)])
        .filter(([, n]) => n > 0),
    );
    expect(added).toEqual(expected);
    const durations = samples(text, 'orgraph_aws_call_duration_seconds_count');
    expect(sum(durations) - startDurations).toBe(sim.log.total);

    // The request's log line: its id (the response header), name, AWS calls and error codes.
    const line = served.requestLines().find((l) => l['requestId'] === headers.get('x-request-id'));
    expect(line).toMatchObject({
      operationName: 'RunningEverywhere',
      status: 200,
      awsCalls: sim.log.total,
      client: '127.0.0.1',
      path: '/graphql',
    });
    expect((line?.['errorCodes'] as string[]).sort()).toEqual(['REGION_NOT_ENABLED', 'ROLE_NOT_ASSUMABLE']);
    expect(typeof line?.['durationMs']).toBe('number');
    // AWS calls at debug level, tagged with the request.
    const debugCalls = served.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l['msg'] === 'aws call' && l['requestId'] === line?.['requestId']);
    expect(debugCalls.length).toBe(sim.log.total);
  });

  it('reports operations, sessions, the response cache and HTTP requests', async () => {
    const again = await postGraphql(served.base, QUERY, { headers: AUTH }); // from the cache now
    bodies.push(JSON.stringify(again.body));
    const text = await metricsText();
    expect(samples(text, 'orgraph_graphql_operations_total').get('{outcome="partial"}')).toBe(2);
    expect(samples(text, 'orgraph_graphql_operation_duration_seconds_count').get('{outcome="partial"}')).toBe(
      2,
    );
    const broker = samples(text, 'orgraph_session_broker_requests_total');
    const active = sim.world.accounts.filter((a) => a.state === 'ACTIVE').length;
    expect(broker.get('{result="miss"}')).toBe(active); // one AssumeRole per account, ever
    expect(broker.get('{result="failure"}')).toBe(1); // the account without the role
    expect(samples(text, 'orgraph_session_broker_sessions').get('')).toBe(active);
    expect(samples(text, 'orgraph_response_cache_hits_total').get('')).toBeGreaterThan(0);
    expect(samples(text, 'orgraph_response_cache_misses_total').get('')).toBeGreaterThan(0);
    expect(samples(text, 'orgraph_response_cache_entries').get('')).toBeGreaterThan(0);
    expect(samples(text, 'orgraph_aws_calls_in_flight').get('')).toBe(0);
    expect(samples(text, 'orgraph_aws_calls_queued').get('')).toBe(0);
    expect(samples(text, 'orgraph_aws_retries_total').get('')).toBe(0);
    expect(samples(text, 'orgraph_aws_throttled_total').get('')).toBe(0);
    expect(samples(text, 'orgraph_http_requests_total').get('{route="graphql",status="200"}')).toBe(2);
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('passes promtool check metrics', async () => {
    const text = await metricsText();
    const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(
      result.error,
      'promtool (Debian package prometheus) must be installed: .ci/run installs it',
    ).toBeUndefined();
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('logs', () => {
  it('never contain a secret key, session token, bearer token or Authorization header', async () => {
    const wrong = await postGraphql(served.base, '{ organization { id } }', {
      headers: { authorization: 'Bearer wrong-token-0123456789' },
    });
    bodies.push(JSON.stringify(wrong.body));
    const sessions = await Promise.all(
      sim.world.accounts
        .filter((a) => a.state === 'ACTIVE' && a.id !== broken)
        .map((a) => served.server.gateway.members.credentialsFor(a.id)),
    );
    const secrets = [
      sim.central.secretAccessKey,
      TOKEN,
      `Bearer ${TOKEN}`,
      'wrong-token-0123456789',
      ...sessions.flatMap((s) => [s.secretAccessKey, s.sessionToken!]),
    ];
    const written = [...served.logs, ...bodies].join('\n');
    expect(served.logs.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(written).not.toContain(secret);
    expect(written.toLowerCase()).not.toContain('authorization');
  });
});
