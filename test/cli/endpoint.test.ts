// `orgraph query --endpoint`: a real `orgraph query` process against a running server (startServer on a
// real port) over the sim — the token from an environment variable, JSON and a streamed NDJSON export
// equal to the ground truth, and the exit statuses of a refused token, a refused query and a bad URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { restoreEnvironment } from '../helpers/gateway-env.js';
import { runCli } from '../helpers/run-cli.js';
import type { Served } from '../helpers/serve.js';
import { serve } from '../helpers/serve.js';

const TOKEN = 'endpoint-test-token-5f1c9a2b7e';
let sim: RunningSim;
let served: Served;

beforeAll(async () => {
  sim = await startSim({ seed: 23, accounts: 5, regions: ['us-east-1', 'eu-west-1'], instancesPerRegion: 7 });
  served = await serve(sim, { env: { ORGRAPH_TOKEN: TOKEN }, logLevel: 'warn' });
});

afterAll(async () => {
  await served?.server.close();
  await sim?.close();
  restoreEnvironment();
});

/** No AWS settings at all: the CLI talks only to the server. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && k !== 'ORGRAPH_TOKEN'),
  );
  return { ...clean, ...extra };
}

const url = () => `${served.base}/graphql`;

describe('orgraph query --endpoint', () => {
  it('answers from the server with the token from ORGRAPH_TOKEN, exit 0', async () => {
    const { code, stdout } = await runCli(
      ['query', '--endpoint', url(), '{ accounts { totalCount } }'],
      env({ ORGRAPH_TOKEN: TOKEN }),
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ data: { accounts: { totalCount: 5 } } });
  });

  it('streams an NDJSON export page by page through the server, rows equal to the ground truth', async () => {
    sim.log.reset();
    const { code, stdout } = await runCli(
      [
        'query',
        '--endpoint',
        url(),
        '--token-env',
        'MY_ORGRAPH_TOKEN',
        '--format',
        'ndjson',
        '{ instances { nodes { instanceId account { accountId } region { name } } } }',
      ],
      env({ MY_ORGRAPH_TOKEN: TOKEN }),
    );
    expect(code).toBe(0);
    const rows = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    const truth = sim.world.accounts
      .filter((a) => a.state === 'ACTIVE')
      .flatMap((a) =>
        ['eu-west-1', 'us-east-1'].flatMap((r) =>
          sim.world.regionData(a.id, r).instances.map((i) => `${a.id}|${r}|${i.instanceId}`),
        ),
      );
    expect(
      rows.map((r) => `${r['account.accountId']}|${r['region.name']}|${r['instanceId']}`).sort(),
    ).toEqual(truth.sort());
    // The server did the AWS work.
    expect(sim.log.count({ service: 'ec2', operation: 'DescribeInstances' })).toBeGreaterThan(0);
  });

  it('exits 1 saying what to do when the token is missing or refused, and never prints it', async () => {
    const missing = await runCli(['query', '--endpoint', url(), '{ accounts { totalCount } }'], env());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('asks for a bearer token (HTTP 401): put it in ORGRAPH_TOKEN');
    const wrong = await runCli(
      ['query', '--endpoint', url(), '{ accounts { totalCount } }'],
      env({ ORGRAPH_TOKEN: 'not-the-token-000000' }),
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('refused the bearer token in ORGRAPH_TOKEN (HTTP 401)');
    expect(wrong.stderr).not.toContain('not-the-token-000000');
  });

  it('exits 2 for a query the server refuses as bad input, and for a bad URL', async () => {
    const refused = await runCli(
      ['query', '--endpoint', url(), '{ instances(where: { regions: ["mars-1"] }) { totalCount } }'],
      env({ ORGRAPH_TOKEN: TOKEN }),
    );
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout)).toMatchObject({
      errors: [{ extensions: { code: 'BAD_USER_INPUT' } }],
    });
    const bad = await runCli(['query', '--endpoint', 'not a url', '{ accounts { totalCount } }'], env());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      "--endpoint must be a URL such as http://127.0.0.1:4000/graphql, got 'not a url'",
    );
  });
});
