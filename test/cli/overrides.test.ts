// Per-account role overrides (credentials.broker.overrides): a legacy account whose read role has
// another name and an account with its own ExternalId, both read in one query by a real `orgraph query`
// process against the sim; the AssumeRole calls in the sim's log show what each account was sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { runCli, simCliEnv } from '../helpers/run-cli.js';

let sim: RunningSim;
const dir = mkdtempSync(join(tmpdir(), 'orgraph-overrides-'));
const REGION = 'us-east-1';
let legacy: string;
let ownXid: string;

const env = (): NodeJS.ProcessEnv => simCliEnv(sim, REGION);

function config(name: string, broker: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      credentials: { broker: { externalId: sim.world.externalId, ...broker } },
      graph: { regions: [REGION] },
    }),
  );
  return path;
}

const QUERY = '{ instances { nodes { instanceId account { accountId } } } }';

beforeAll(async () => {
  sim = await startSim({ seed: 5, accounts: 4, regions: [REGION], instancesPerRegion: 3 });
  legacy = sim.world.accounts[1]!.id;
  ownXid = sim.world.accounts[2]!.id;
  sim.knobs.scenarios.set(legacy, { roleName: 'LegacyInventoryRead' });
  sim.knobs.scenarios.set(ownXid, { externalId: 'xid-for-this-account-only' });
});
afterAll(async () => {
  await sim.close();
});

describe('credentials.broker.overrides', () => {
  it('without overrides, the two accounts whose roles differ cannot be read', async () => {
    sim.log.reset();
    const { code, stdout } = await runCli(
      ['query', '-q', '--config', config('plain.json', {}), QUERY],
      env(),
    );
    expect(code).toBe(3);
    const failed = (
      JSON.parse(stdout) as { errors: { extensions: { accountId: string; code: string } }[] }
    ).errors
      .map((e) => [e.extensions.accountId, e.extensions.code])
      .sort();
    expect(failed).toEqual(
      [
        [legacy, 'ROLE_NOT_ASSUMABLE'],
        [ownXid, 'ROLE_NOT_ASSUMABLE'],
      ].sort(),
    );
  });

  it('assumes each account with its own role name, ExternalId and duration; the first match wins', async () => {
    const file = config('overrides.json', {
      overrides: [
        { accountIds: [legacy], roleName: 'LegacyInventoryRead' },
        { accountIds: [ownXid], externalId: 'xid-for-this-account-only', durationSeconds: 900 },
        { accountIds: [legacy, ownXid], roleName: 'NeverUsed' },
      ],
    });
    sim.log.reset();
    const { code, stdout } = await runCli(['query', '-q', '--config', file, QUERY], env());
    expect(code).toBe(0);
    const nodes = (
      JSON.parse(stdout) as { data: { instances: { nodes: { account: { accountId: string } }[] } } }
    ).data.instances.nodes;
    expect(nodes).toHaveLength(sim.world.accounts.length * 3);
    const calls = sim.log.entries({ operation: 'AssumeRole' }).map((e) => e.params as Record<string, string>);
    const of = (account: string) => calls.filter((p) => p['RoleArn']?.split(':')[4] === account);
    expect(of(legacy).map((p) => p['RoleArn'])).toEqual([`arn:aws:iam::${legacy}:role/LegacyInventoryRead`]);
    expect(of(legacy)[0]!['ExternalId']).toBe(sim.world.externalId);
    expect(of(ownXid).map((p) => [p['RoleArn'], p['ExternalId'], p['DurationSeconds']])).toEqual([
      [`arn:aws:iam::${ownXid}:role/${sim.world.readRoleName}`, 'xid-for-this-account-only', '900'],
    ]);
    const other = sim.world.accounts[3]!.id;
    expect(of(other).map((p) => [p['RoleArn'], p['ExternalId'], p['DurationSeconds']])).toEqual([
      [`arn:aws:iam::${other}:role/${sim.world.readRoleName}`, sim.world.externalId, '3600'],
    ]);
  });

  it('refuses a bad override, naming it (exit 2)', async () => {
    const file = config('bad.json', {
      overrides: [{ accountIds: ['12345'], roleName: 'bad role' }, { accountIds: [] }],
    });
    const { code, stderr } = await runCli(['query', '--config', file, QUERY], env());
    expect(code).toBe(2);
    expect(stderr).toContain('credentials.broker.overrides.0.accountIds.0');
    expect(stderr).toContain('credentials.broker.overrides.0.roleName');
    expect(stderr).toContain('credentials.broker.overrides.1.accountIds: must name at least one account');
  });
});
