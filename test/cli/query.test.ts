// `orgraph query` as a script would run it: environment credentials, a config file, JSON out, and an
// exit status that tells a complete answer from a partial one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { runCli } from '../helpers/run-cli.js';

let sim: RunningSim;
const dir = mkdtempSync(join(tmpdir(), 'orgraph-query-'));
const configFile = join(dir, 'orgraph.json');

function env(): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  return {
    ...clean,
    AWS_ENDPOINT_URL: sim.endpoint,
    AWS_ACCESS_KEY_ID: sim.central.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sim.central.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: join(dir, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

beforeAll(async () => {
  sim = await startSim({ seed: 21, accounts: 4, regions: ['us-east-1'], instancesPerRegion: 6 });
  writeFileSync(
    configFile,
    JSON.stringify({
      credentials: { broker: { externalId: sim.world.externalId } },
      graph: { regions: ['us-east-1'] },
    }),
  );
});
afterAll(async () => {
  await sim.close();
});

describe('orgraph query', () => {
  it('prints the answer as JSON and exits 0 when it is complete', async () => {
    const { code, stdout } = await runCli(
      ['query', '--config', configFile, '{ instances { nodes { instanceId account { accountId } } } }'],
      env(),
    );
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as {
      data: { instances: { nodes: { instanceId: string; account: { accountId: string } }[] } };
    };
    const truth = sim.world.accounts.flatMap((a) =>
      sim.world.regionData(a.id, 'us-east-1').instances.map((i) => `${a.id}/${i.instanceId}`),
    );
    expect(result.data.instances.nodes.map((n) => `${n.account.accountId}/${n.instanceId}`).sort()).toEqual(
      truth.sort(),
    );
    expect(sim.log.count({ operation: 'AssumeRole' })).toBe(4);
  });

  it('exits 3 with data and errors when part of the organization cannot be read', async () => {
    const broken = sim.world.accounts[1]!.id;
    sim.knobs.scenarios.set(broken, { roleMissing: true });
    try {
      const { code, stdout } = await runCli(
        [
          'query',
          '--config',
          configFile,
          '--variables',
          JSON.stringify({ n: 100 }),
          'query ($n: Int) { instances(first: $n) { nodes { instanceId } } }',
        ],
        env(),
      );
      expect(code).toBe(3);
      const result = JSON.parse(stdout) as {
        data: unknown;
        errors: { extensions: { code: string; accountId: string } }[];
      };
      expect(result.data).not.toBeNull();
      expect(result.errors.map((e) => [e.extensions.code, e.extensions.accountId])).toEqual([
        ['ROLE_NOT_ASSUMABLE', broken],
      ]);
    } finally {
      sim.knobs.scenarios.delete(broken);
    }
  });

  it('exits 1 with QUERY_TOO_EXPENSIVE, before any AssumeRole or EC2 call, over graph.limits.maxAwsCalls', async () => {
    const tight = join(dir, 'tight.json');
    writeFileSync(
      tight,
      JSON.stringify({
        credentials: { broker: { externalId: sim.world.externalId } },
        graph: { regions: ['us-east-1'], limits: { maxAwsCalls: 3 } },
      }),
    );
    sim.log.reset();
    const { code, stdout } = await runCli(
      ['query', '--config', tight, '{ instances { totalCount } }'],
      env(),
    );
    expect(code).toBe(1);
    const result = JSON.parse(stdout) as {
      data?: unknown;
      errors: { extensions: Record<string, unknown> }[];
    };
    expect(result.data).toBeUndefined();
    // 4 accounts × 1 Region + 4 AssumeRole.
    expect(result.errors.map((e) => e.extensions)).toEqual([
      { code: 'QUERY_TOO_EXPENSIVE', estimatedCalls: 8, limit: 3 },
    ]);
    expect(sim.log.count({ operation: 'AssumeRole' })).toBe(0);
    expect(sim.log.count({ service: 'ec2' })).toBe(0);
  });

  it('exits 2 naming the bad option of a configuration file', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        graph: { regions: ['not-a-region'] },
        credentials: { broker: { roleSessionName: 'x' } },
      }),
    );
    const { code, stderr } = await runCli(['query', '--config', bad, '{ organization { id } }'], env());
    expect(code).toBe(2);
    expect(stderr).toContain('graph.regions.0');
    expect(stderr).toContain('credentials.broker.roleSessionName');
  });

  it('exits 2 when the operation is refused as bad input, without reading the organization', async () => {
    sim.log.reset();
    const { code, stdout } = await runCli(
      ['query', '--config', configFile, '{ instances(where: { regions: ["mars-1"] }) { totalCount } }'],
      env(),
    );
    expect(code).toBe(2);
    const result = JSON.parse(stdout) as {
      data?: unknown;
      errors: { message: string; extensions: { code: string } }[];
    };
    expect(result.data).toBeUndefined();
    expect(result.errors.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors[0]?.message).toContain('Argument where.regions[0] of instances');
    expect(result.errors[0]?.message).toContain('(got "mars-1")');
    // At most the start-up check of the central principal: no Organizations, AssumeRole or EC2 call.
    expect(sim.log.count({ service: 'organizations' })).toBe(0);
    expect(sim.log.count({ operation: 'AssumeRole' })).toBe(0);
    expect(sim.log.count({ service: 'ec2' })).toBe(0);
  });

  it('exits 2 when the operation is missing', async () => {
    const { code, stderr } = await runCli(['query'], env());
    expect(code).toBe(2);
    expect(stderr).toContain('either as an argument or with --file');
  });
});
