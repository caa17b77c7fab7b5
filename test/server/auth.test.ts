// Bearer-token authentication over a real port: no token, a wrong one, the right one (configured as a
// SHA-256 hash, or taken from the environment), and the refusal to listen publicly without a token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { parseOrgraphConfig } from '../../src/config/orgraph-config.js';
import { ServeRefusedError, startServer } from '../../src/server/index.js';
import { bearerToken, isLoopback, tokenAccepted, sha256 } from '../../src/server/auth.js';
import { createHash } from 'node:crypto';
import { restoreEnvironment } from '../helpers/gateway-env.js';
import { runCli } from '../helpers/run-cli.js';
import type { Served } from '../helpers/serve.js';
import { postGraphql, serve } from '../helpers/serve.js';

const HASHED_TOKEN = 'hashed-token-9f3a1c7e5b';
const ENV_TOKEN = 'env-token-2d8b6f0a4c';
const QUERY = '{ organization { id } }';
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

let sim: RunningSim;
let served: Served;

beforeAll(async () => {
  sim = await startSim({ seed: 5, accounts: 4, regions: ['us-east-1'], instancesPerRegion: 1 });
  served = await serve(sim, {
    server: { auth: { tokenSha256: [sha256Hex(HASHED_TOKEN)], tokenEnv: 'ORGRAPH_TEST_TOKEN' } },
    env: { ORGRAPH_TEST_TOKEN: ENV_TOKEN },
  });
});

afterAll(async () => {
  await served?.server.close();
  await sim?.close();
  restoreEnvironment();
});

describe('bearer-token authentication', () => {
  it('answers 401 with WWW-Authenticate: Bearer without a token, and makes no AWS call', async () => {
    sim.log.reset();
    const { status, headers, body } = await postGraphql(served.base, QUERY);
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('Bearer realm="orgraph"');
    expect(body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0]?.message).toContain('Authorization: Bearer');
    expect(sim.log.total).toBe(0);
  });

  it('answers 401 with error="invalid_token" for a wrong token', async () => {
    sim.log.reset();
    for (const header of [
      `Bearer ${HASHED_TOKEN}x`,
      `Basic ${HASHED_TOKEN}`,
      'Bearer',
      `Bearer ${sha256Hex(HASHED_TOKEN)}`,
    ]) {
      const { status, headers } = await postGraphql(served.base, QUERY, {
        headers: { authorization: header },
      });
      expect(status, header).toBe(401);
      expect(headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
    expect(sim.log.total).toBe(0);
  });

  it('accepts a token whose SHA-256 is configured', async () => {
    const { status, body } = await postGraphql(served.base, QUERY, {
      headers: { authorization: `Bearer ${HASHED_TOKEN}` },
    });
    expect(status).toBe(200);
    expect(body.data?.['organization']).toEqual({ id: expect.any(String) });
  });

  it('accepts the token from the configured environment variable', async () => {
    const { status, body } = await postGraphql(served.base, QUERY, {
      headers: { authorization: `bearer ${ENV_TOKEN}` },
    });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });

  it('keeps /metrics behind the token, and /healthz public', async () => {
    expect((await fetch(`${served.base}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${served.base}/metrics`, {
      headers: { authorization: `Bearer ${ENV_TOKEN}` },
    });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('orgraph_aws_calls_total');
    expect((await fetch(`${served.base}/healthz`)).status).toBe(200);
  });
});

describe('listening publicly', () => {
  const config = parseOrgraphConfig({ server: { port: 0, auth: { tokenEnv: 'ORGRAPH_TEST_TOKEN' } } });

  it('refuses a non-loopback address without any token, before touching AWS', async () => {
    await expect(startServer({ config, host: '0.0.0.0', env: {} })).rejects.toThrow(ServeRefusedError);
    await expect(startServer({ config, host: '0.0.0.0', env: {} })).rejects.toThrow(
      /refusing to listen on 0\.0\.0\.0 without authentication[\s\S]*ORGRAPH_TEST_TOKEN=<token>[\s\S]*--insecure-no-auth/,
    );
  });

  it('exits 2 from the command line with how to add a token', async () => {
    const env = { ...process.env };
    delete env['ORGRAPH_TOKEN'];
    const { code, stderr, stdout } = await runCli(['serve', '--host', '0.0.0.0', '--port', '0'], env);
    expect(code).toBe(2);
    expect(stderr).toContain('refusing to listen on 0.0.0.0 without authentication');
    expect(stderr).toContain('server.auth.tokenSha256');
    expect(stdout).not.toContain('GraphiQL at');
  });

  it('starts with --insecure-no-auth and logs a warning', async () => {
    const open = await serve(sim, { host: '0.0.0.0', insecureNoAuth: true });
    try {
      const warning = open.logs
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l['level'] === 'warn');
      expect(warning?.['msg']).toContain('WITHOUT authentication');
      const { status } = await postGraphql(open.base, QUERY);
      expect(status).toBe(200);
    } finally {
      await open.server.close();
    }
  });
});

describe('token helpers', () => {
  it('reads only well-formed bearer headers and compares hashes', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    expect(tokenAccepted('abc', [sha256('x'), sha256('abc')])).toBe(true);
    expect(tokenAccepted('abd', [sha256('abc')])).toBe(false);
    expect(tokenAccepted('abc', [])).toBe(false);
  });

  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1'])
      expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1'])
      expect(isLoopback(h), h).toBe(false);
  });
});
