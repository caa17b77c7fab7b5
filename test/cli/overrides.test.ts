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

describe('credentials.broker.overrides by unitIds', () => {
  it('applies an override to every account anywhere below a unit, learning the units from ListParents', async () => {
    const orgSim = await startSim({ seed: 8, accounts: 10, regions: [REGION], instancesPerRegion: 2 });
    try {
      const world = orgSim.world;
      const unitById = new Map(world.organizationalUnits.map((u) => [u.id, u]));
      const ancestors = (parentId: string): string[] => {
        const chain: string[] = [];
        for (let id: string | undefined = parentId; id !== undefined; id = unitById.get(id)?.parentId)
          chain.push(id);
        return chain;
      };
      // A top-level unit with an ACTIVE account at least two levels down, when the world has one.
      const active = world.accounts.filter((a) => a.state === 'ACTIVE');
      const deep =
        active.find((a) => ancestors(a.parentId).length >= 3) ?? active.find((a) => unitById.has(a.parentId));
      expect(deep, 'the generated organization has an ACTIVE account inside a unit').toBeDefined();
      const chain = ancestors(deep!.parentId);
      const top = chain[chain.length - 2]!; // the unit right below the root
      const below = active.filter((a) => ancestors(a.parentId).includes(top)).map((a) => a.id);
      const outside = active.filter((a) => !below.includes(a.id)).map((a) => a.id);
      expect(outside.length).toBeGreaterThan(0);
      for (const id of below) orgSim.knobs.scenarios.set(id, { roleName: 'UnitScopedRead' });
      const path = join(dir, 'units.json');
      writeFileSync(
        path,
        JSON.stringify({
          credentials: {
            broker: {
              externalId: world.externalId,
              overrides: [{ unitIds: [top], roleName: 'UnitScopedRead' }],
            },
          },
          graph: { regions: [REGION] },
        }),
      );
      orgSim.log.reset();
      const { code, stdout } = await runCli(
        ['query', '-q', '--config', path, QUERY],
        simCliEnv(orgSim, REGION),
      );
      expect(code).toBe(0);
      const nodes = (
        JSON.parse(stdout) as { data: { instances: { nodes: { account: { accountId: string } }[] } } }
      ).data.instances.nodes;
      expect(new Set(nodes.map((n) => n.account.accountId))).toEqual(new Set(active.map((a) => a.id)));
      const roles = orgSim.log
        .entries({ operation: 'AssumeRole', status: 200 })
        .map((e) => (e.params as Record<string, string>)['RoleArn']!);
      expect(
        roles
          .filter((r) => r.endsWith('/UnitScopedRead'))
          .map((r) => r.split(':')[4])
          .sort(),
      ).toEqual([...below].sort());
      expect(
        roles
          .filter((r) => r.endsWith('/CMDBReadRole'))
          .map((r) => r.split(':')[4])
          .sort(),
      ).toEqual([...outside].sort());
      expect(orgSim.log.count({ operation: 'ListParents' })).toBeGreaterThan(0);
    } finally {
      await orgSim.close();
    }
  });

  it('refuses unitIds with a static account list, naming the option (exit 2)', async () => {
    const path = join(dir, 'static-units.json');
    writeFileSync(
      path,
      JSON.stringify({
        credentials: { broker: { overrides: [{ unitIds: ['ou-abcd-12345678'], roleName: 'X' }] } },
        graph: { accounts: { source: 'static', accounts: [{ id: '111111111111' }] } },
      }),
    );
    const { code, stderr } = await runCli(['query', '--config', path, '{ accounts { totalCount } }'], env());
    expect(code).toBe(2);
    expect(stderr).toContain(
      "credentials.broker.overrides.0.unitIds: needs graph.accounts.source 'organizations'",
    );
  });
});
