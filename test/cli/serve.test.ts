// `orgraph serve` as a user runs it: a configuration file, the GraphiQL line on stdout, queries over
// HTTP with a bearer token from the environment, JSON logs on stderr, and SIGTERM → exit 0.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { startServingCli } from '../helpers/cli-server.js';
import { runCli } from '../helpers/run-cli.js';

let sim: RunningSim;
let configFile: string;

beforeAll(async () => {
  sim = await startSim({ seed: 41, accounts: 4, regions: ['us-east-1'], instancesPerRegion: 2 });
  configFile = join(await mkdtemp(join(tmpdir(), 'orgraph-serve-')), 'orgraph.json');
  await writeFile(
    configFile,
    JSON.stringify({
      credentials: { endpoints: { default: sim.endpoint }, broker: { externalId: sim.world.externalId } },
      graph: { regions: ['us-east-1'] },
      server: { port: 0 },
    }),
  );
});

afterAll(async () => {
  await sim?.close();
});

function simEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('AWS_') && k !== 'ORGRAPH_TOKEN') env[k] = v;
  return {
    ...env,
    AWS_ACCESS_KEY_ID: sim.central.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sim.central.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/nonexistent/orgraph-test-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/orgraph-test-credentials',
    // As users run it: vitest's NODE_ENV=test would switch Apollo's own signal handlers off and hide
    // whether the process really drains and exits 0 on SIGTERM.
    NODE_ENV: 'production',
    ...extra,
  };
}

describe('orgraph serve', () => {
  it('prints the GraphiQL line, answers with the token, logs JSON, and exits 0 on SIGTERM', async () => {
    const token = 'cli-serve-token-8c1e4a7f20';
    // The configuration from ORGRAPH_CONFIG, as for every command.
    const serve = await startServingCli(
      ['serve'],
      simEnv({ ORGRAPH_TOKEN: token, ORGRAPH_CONFIG: configFile }),
    );
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    const query = JSON.stringify({ query: '{ organization { accounts { totalCount } } }' });
    const headers = { 'content-type': 'application/json' };
    expect((await fetch(serve.url, { method: 'POST', headers, body: query })).status).toBe(401);
    const ok = await fetch(serve.url, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${token}` },
      body: query,
    });
    expect(await ok.json()).toEqual({ data: { organization: { accounts: { totalCount: 4 } } } });
    const code = await serve.stop('SIGTERM');
    expect(code).toBe(0);
    const lines = serve
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l['msg'] === 'request').map((l) => l['status'])).toEqual([401, 200]);
    expect(lines.at(-1)?.['msg']).toBe('orgraph serve stopped');
    expect(serve.stderr()).not.toContain(token);
    // The SDK's Node-version notice is handled, not printed on every start.
    expect(serve.stderr()).not.toContain('NodeVersionSupportWarning');
    expect(serve.stderr()).not.toContain(sim.central.secretAccessKey);
  });

  it('serves an Apollo Federation 2 subgraph with --federation: _service and _entities through the loaders', async () => {
    const token = 'cli-serve-token-federation-77';
    const serve = await startServingCli(
      ['serve', '--config', configFile, '--federation'],
      simEnv({ ORGRAPH_TOKEN: token }),
    );
    const post = async (query: string, variables?: Record<string, unknown>) =>
      (await (
        await fetch(serve.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
        })
      ).json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    try {
      const sdl = (await post('{ _service { sdl } }')).data?.['_service'] as { sdl: string };
      expect(sdl.sdl).toContain('@key(fields: "instanceId account { accountId } region { name }")');
      const account = sim.world.accounts.find((a) => a.state === 'ACTIVE')!;
      const instance = sim.world.regionData(account.id, 'us-east-1').instances[0]!;
      sim.log.reset();
      const entities = await post(
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Instance { instanceId instanceType } } }',
        {
          r: [
            {
              __typename: 'Instance',
              instanceId: instance.instanceId,
              account: { accountId: account.id },
              region: { name: 'us-east-1' },
            },
          ],
        },
      );
      expect(entities).toEqual({
        data: { _entities: [{ instanceId: instance.instanceId, instanceType: instance.instanceType }] },
      });
      expect(sim.log.count({ service: 'ec2', operation: 'DescribeInstances' })).toBe(1);
    } finally {
      expect(await serve.stop('SIGTERM')).toBe(0);
    }
  });

  it('rejects bad flags and configuration with exit status 2', async () => {
    const port = await runCli(['serve', '--port', 'http']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain("--port must be a whole number from 0 to 65535, got 'http'");
    const bad = join(configFile, '..', 'bad.json');
    await writeFile(bad, JSON.stringify({ server: { port: 70000, auth: { tokenSha256: ['abc'] } } }));
    const config = await runCli(['serve', '--config', bad]);
    expect(config.code).toBe(2);
    expect(config.stderr).toContain('server.port: must be at most 65535');
    expect(config.stderr).toContain('server.auth.tokenSha256.0: must be a SHA-256 hash');
  });
});
