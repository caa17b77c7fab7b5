// Security groups were added to the generator on a stream of their own: every VPC, subnet and
// instance of an existing world must stay exactly as it was. The digests below were computed with the
// generator as it was before security groups existed (commit d346ad5), over
// JSON.stringify({ vpcs, subnets, instances }) of each (account, Region).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dumpWorld, generateWorld } from '../../src/sim/generator.js';
import type { GeneratorOptions } from '../../src/sim/generator.js';
import type { SimWorld } from '../../src/sim/model.js';

const SEVEN: Partial<GeneratorOptions> = {
  seed: 7,
  accounts: 3,
  regions: ['us-east-1', 'eu-west-1'],
  instancesPerRegion: 23,
  vpcsPerRegion: 7,
  subnetsPerVpc: 2,
};

function digestOf(world: SimWorld, accountId: string, region: string): string {
  const { vpcs, subnets, instances } = world.regionData(accountId, region);
  return createHash('sha256').update(JSON.stringify({ vpcs, subnets, instances })).digest('hex');
}

describe('security groups left the existing generated data unchanged', () => {
  it('pins VPCs, subnets and instances of single (account, Region)s to their digests from before', () => {
    const one = generateWorld({ seed: 1 });
    const seven = generateWorld(SEVEN);
    const pins: [SimWorld, string, string, string][] = [
      [one, '506020822035', 'us-east-1', '0494d1e5d1470ce281c78a88e7302a66018bf91a26a5d529cdee61130317aead'],
      [one, '542782469123', 'eu-west-1', '1799efcf8c040fae368a1c6d3eb41aaac5413d988ca412a56776a426a760d8c3'],
      [one, '122170171550', 'us-east-1', 'da68d6f88a67532a1977f8aeb10841f39b426d2bfc8ee03dc042c9e2bea341c2'],
      [
        seven,
        '459546882161',
        'us-east-1',
        '21bbcf1b4424a19842f57920da755f604797623096b5d664f610b55a41555e3f',
      ],
      [
        seven,
        '741909959097',
        'eu-west-1',
        'ebd3a32cb6c26dc4c94882a5dbd2ebaf546ab8a2ad88016d557fd0e7b49041ab',
      ],
      [
        seven,
        '349306831010',
        'eu-west-1',
        'd81a7679d85b4504673d2f8dd0b5595833e1056cbffaceb75f808b15dcc3fce5',
      ],
    ];
    for (const [world, accountId, region, digest] of pins)
      expect(digestOf(world, accountId, region), `${accountId} ${region}`).toBe(digest);
  });

  it('pins a few values of the seed-1 world as they were', () => {
    const world = generateWorld({ seed: 1 });
    const a = world.regionData('506020822035', 'us-east-1');
    expect(a.vpcs[0]?.vpcId).toBe('vpc-3a94b4bf3705fc76a');
    expect(a.subnets[1]?.subnetId).toBe('subnet-83361cdf128789bab');
    expect(a.instances[2]?.instanceId).toBe('i-18ccc4b2654f8f1c3');
    expect(a.instances[0]?.securityGroups).toEqual([
      { groupId: 'sg-e2d0a7602a8e17479', groupName: 'ssh-from-bastion' },
    ]);
    const b = world.regionData('542782469123', 'eu-west-1');
    expect(b.instances[0]?.securityGroups).toEqual([
      { groupId: 'sg-172602a95f091b6fe', groupName: 'security-app' },
      { groupId: 'sg-b14d3d24a7c242477', groupName: 'security-db' },
    ]);
  });

  it('pins the whole of two worlds (every account and Region, opt-in ones included)', () => {
    const worlds: [Partial<GeneratorOptions>, string][] = [
      [{ seed: 1 }, '7c6120fdd763bec68f9530d32995f9379864969ac870d2895a80a3345c9e12bd'],
      [
        {
          seed: 42,
          accounts: 5,
          regions: ['us-east-1', 'ap-southeast-2', 'af-south-1'],
          instancesPerRegion: 60,
          vpcsPerRegion: 4,
          subnetsPerVpc: 3,
        },
        '82627a6e6f793d0568b75b2bd8799667faeb7de1b1b3202504845efe2e9f2178',
      ],
    ];
    for (const [options, digest] of worlds) {
      const world = generateWorld(options);
      const hash = createHash('sha256');
      for (const account of world.accounts)
        for (const region of world.regionsInScope) {
          const { vpcs, subnets, instances } = world.regionData(account.id, region);
          hash.update(JSON.stringify({ vpcs, subnets, instances }));
        }
      expect(hash.digest('hex'), JSON.stringify(options)).toBe(digest);
    }
  });
});

describe('generated security groups', () => {
  it('are derived from (seed, account, Region) alone and differ with the seed', () => {
    const a = generateWorld(SEVEN);
    const b = generateWorld(SEVEN);
    b.regionData('459546882161', 'eu-west-1'); // another order of derivation
    expect(b.regionData('459546882161', 'us-east-1').securityGroups).toEqual(
      a.regionData('459546882161', 'us-east-1').securityGroups,
    );
    const other = generateWorld({ ...SEVEN, seed: 8 });
    const otherAccount = other.accounts[1]?.id ?? '';
    expect(other.regionData(otherAccount, 'us-east-1').securityGroups.map((g) => g.groupId)).not.toEqual(
      a.regionData(a.accounts[1]?.id ?? '', 'us-east-1').securityGroups.map((g) => g.groupId),
    );
  });

  it('have ids unique across accounts and Regions, and a frozen list', () => {
    const world = generateWorld({
      seed: 3,
      accounts: 6,
      regions: ['us-east-1', 'eu-west-1'],
      vpcsPerRegion: 5,
    });
    const ids = world.accounts.flatMap((a) =>
      world.regionsInScope.flatMap((r) => world.regionData(a.id, r).securityGroups.map((g) => g.groupId)),
    );
    expect(ids.length).toBeGreaterThan(6 * 2 * 5 * 5 - 1);
    expect(new Set(ids).size).toBe(ids.length);
    const groups = world.regionData(world.accounts[0]?.id ?? '', 'us-east-1').securityGroups;
    expect(Object.isFrozen(groups)).toBe(true);
  });

  it('are part of the dump: a securityGroups list per Region in JSON, securityGroup records in NDJSON', () => {
    const world = generateWorld({ seed: 5, accounts: 2, regions: ['us-east-1'], instancesPerRegion: 3 });
    const truth = world.accounts.flatMap((a) => world.regionData(a.id, 'us-east-1').securityGroups);
    expect(truth.length).toBeGreaterThan(0);
    let ndjson = '';
    dumpWorld(world, 'ndjson', (c) => (ndjson += c));
    const records = ndjson
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; accountId?: string; region?: string; groupId?: string });
    const groups = records.filter((r) => r.kind === 'securityGroup');
    expect(groups.map((g) => g.groupId)).toEqual(truth.map((g) => g.groupId));
    expect(groups.every((g) => g.region === 'us-east-1' && typeof g.accountId === 'string')).toBe(true);
    let json = '';
    dumpWorld(world, 'json', (c) => (json += c));
    const parsed = JSON.parse(json) as { regions: { securityGroups: unknown[] }[] };
    expect(parsed.regions.flatMap((r) => r.securityGroups)).toEqual(JSON.parse(JSON.stringify(truth)));
  });
});
