import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GENERATOR_OPTIONS,
  accountIdAt,
  dumpWorld,
  generateWorld,
  generatorStats,
  optInRegionEnabled,
} from '../../src/sim/generator.js';
import type { GeneratorOptions } from '../../src/sim/generator.js';
import type { SimInstance, SimRegionData, SimWorld } from '../../src/sim/model.js';
import { ALL_REGIONS, OPT_IN_REGIONS, availabilityZonesOf } from '../../src/sim/regions.js';

const SMALL: Partial<GeneratorOptions> = { accounts: 6, instancesPerRegion: 12 };

function dumpToString(world: SimWorld, format: 'json' | 'ndjson'): string {
  const chunks: string[] = [];
  dumpWorld(world, format, (chunk) => chunks.push(chunk));
  return chunks.join('');
}

/** Every (account, in-scope enabled Region) of a world with its data. */
function populated(world: SimWorld): { accountId: string; region: string; data: SimRegionData }[] {
  const out: { accountId: string; region: string; data: SimRegionData }[] = [];
  for (const account of world.accounts) {
    for (const region of world.regionsInScope) {
      if (account.enabledRegions.has(region)) {
        out.push({ accountId: account.id, region, data: world.regionData(account.id, region) });
      }
    }
  }
  return out;
}

function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  expect(parts).toHaveLength(4);
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

function cidrContains(cidr: string, ip: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = ipToInt(base ?? '');
  const n = ipToInt(ip);
  return n >= start && n < start + size;
}

describe('generateWorld determinism', () => {
  it('produces the identical dump for the same seed', () => {
    const a = dumpToString(generateWorld({ ...SMALL, seed: 42 }), 'json');
    const b = dumpToString(generateWorld({ ...SMALL, seed: 42 }), 'json');
    expect(a.length).toBeGreaterThan(1000);
    expect(a).toBe(b);
  });

  it('produces a different organization and different data for a different seed', () => {
    const a = generateWorld({ ...SMALL, seed: 1 });
    const b = generateWorld({ ...SMALL, seed: 2 });
    expect(dumpToString(a, 'json')).not.toBe(dumpToString(b, 'json'));
    expect(a.organization.id).not.toBe(b.organization.id);
    expect(a.accounts.map((x) => x.id)).not.toEqual(b.accounts.map((x) => x.id));
    expect(a.centralUser.accessKeyId).not.toBe(b.centralUser.accessKeyId);
  });

  it('derives Region data from (seed, account, Region) alone, whatever the order of calls', () => {
    const first = generateWorld({ ...SMALL, seed: 7 });
    const second = generateWorld({ ...SMALL, seed: 7 });
    const [x, y] = [first.accounts[1]?.id ?? '', first.accounts[2]?.id ?? ''];
    const firstOrder = [first.regionData(x, 'us-east-1'), first.regionData(y, 'eu-west-1')];
    const secondOrder = [second.regionData(y, 'eu-west-1'), second.regionData(x, 'us-east-1')];
    expect(JSON.stringify(firstOrder[0])).toBe(JSON.stringify(secondOrder[1]));
    expect(JSON.stringify(firstOrder[1])).toBe(JSON.stringify(secondOrder[0]));
  });

  it('keeps resource ids unique across accounts and Regions', () => {
    const world = generateWorld({ accounts: 20, seed: 3 });
    const ids = new Set<string>();
    let count = 0;
    for (const { data } of populated(world)) {
      for (const v of data.vpcs) ids.add(v.vpcId);
      for (const s of data.subnets) ids.add(s.subnetId);
      for (const i of data.instances) ids.add(i.instanceId);
      count += data.vpcs.length + data.subnets.length + data.instances.length;
    }
    expect(count).toBeGreaterThan(20 * 2 * 30);
    expect(ids.size).toBe(count);
  });
});

describe('generateWorld defaults and counts', () => {
  it('uses the documented defaults', () => {
    expect(DEFAULT_GENERATOR_OPTIONS).toMatchObject({
      seed: 1,
      accounts: 12,
      regions: ['us-east-1', 'eu-west-1'],
      instancesPerRegion: 20,
      vpcsPerRegion: 3,
      subnetsPerVpc: 3,
      readRoleName: 'CMDBReadRole',
      externalId: 'orgraph-demo',
    });
    const world = generateWorld();
    expect(world.seed).toBe(1);
    expect(world.accounts).toHaveLength(12);
    expect(world.regionsInScope).toEqual(['us-east-1', 'eu-west-1']);
    expect(world.readRoleName).toBe('CMDBReadRole');
    expect(world.externalId).toBe('orgraph-demo');
  });

  it('treats undefined options as their defaults', () => {
    const world = generateWorld({ accounts: undefined, seed: undefined, regions: undefined });
    expect(world.accounts).toHaveLength(12);
    expect(world.accounts[0]?.id).toBe(accountIdAt(1, 0));
  });

  it('has exactly the configured VPCs, subnets and instances in every in-scope enabled Region', () => {
    const world = generateWorld({ accounts: 5, instancesPerRegion: 17, vpcsPerRegion: 4, subnetsPerVpc: 2 });
    const rows = populated(world);
    expect(rows).toHaveLength(10);
    for (const { data } of rows) {
      expect(data.vpcs).toHaveLength(4);
      expect(data.subnets).toHaveLength(8);
      expect(data.instances).toHaveLength(17);
    }
  });

  it('applies per-account overrides to that account only', () => {
    const big = accountIdAt(5, 3);
    const world = generateWorld({
      seed: 5,
      accounts: 6,
      overrides: { [big]: { instancesPerRegion: 300, vpcsPerRegion: 5, subnetsPerVpc: 2 } },
    });
    for (const { accountId, data } of populated(world)) {
      if (accountId === big) {
        expect(data.instances).toHaveLength(300);
        expect(data.vpcs).toHaveLength(5);
        expect(data.subnets).toHaveLength(10);
      } else {
        expect(data.instances).toHaveLength(20);
        expect(data.vpcs).toHaveLength(3);
        expect(data.subnets).toHaveLength(9);
      }
    }
  });

  it('allows zero instances', () => {
    const world = generateWorld({ accounts: 2, instancesPerRegion: 0 });
    const data = world.regionData(world.accounts[1]?.id ?? '', 'us-east-1');
    expect(data.instances).toEqual([]);
    expect(data.vpcs).toHaveLength(3);
  });
});

describe('ids and names', () => {
  const world = generateWorld({ accounts: 40, seed: 11 });

  it('names accounts with accountIdAt, 12 digits each and all distinct', () => {
    world.accounts.forEach((account, i) => expect(account.id).toBe(accountIdAt(11, i)));
    const ids = Array.from({ length: 10_000 }, (_, i) => accountIdAt(11, i));
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^\d{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(() => accountIdAt(11, -1)).toThrow(/index/);
    expect(() => accountIdAt(11, 1.5)).toThrow(/index/);
  });

  it('gives organization, root, OU and account ids and ARNs their AWS shapes', () => {
    const { organization: org } = world;
    const mgmt = org.managementAccountId;
    expect(org.id).toMatch(/^o-[a-z0-9]{10}$/);
    expect(org.arn).toBe(`arn:aws:organizations::${mgmt}:organization/${org.id}`);
    expect(org.root.id).toMatch(/^r-[a-z0-9]{4}$/);
    expect(org.root.arn).toBe(`arn:aws:organizations::${mgmt}:root/${org.id}/${org.root.id}`);
    expect(org.featureSet).toBe('ALL');
    const rootSuffix = org.root.id.slice(2);
    for (const ou of world.organizationalUnits) {
      expect(ou.id).toMatch(new RegExp(`^ou-${rootSuffix}-[a-z0-9]{8}$`));
      expect(ou.arn).toBe(`arn:aws:organizations::${mgmt}:ou/${org.id}/${ou.id}`);
    }
    for (const account of world.accounts) {
      expect(account.arn).toBe(`arn:aws:organizations::${mgmt}:account/${org.id}/${account.id}`);
      expect(account.email).toMatch(/^[a-z0-9+.-]+@[a-z0-9.-]+\.example$/);
    }
    expect(new Set(world.accounts.map((a) => a.email)).size).toBe(40);
    expect(new Set(world.accounts.map((a) => a.name)).size).toBe(40);
  });

  it('gives EC2 resources their AWS id shapes', () => {
    const data = world.regionData(world.accounts[4]?.id ?? '', 'eu-west-1');
    for (const vpc of data.vpcs) {
      expect(vpc.vpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
      expect(vpc.dhcpOptionsId).toMatch(/^dopt-[0-9a-f]{17}$/);
    }
    for (const subnet of data.subnets) {
      expect(subnet.subnetId).toMatch(/^subnet-[0-9a-f]{17}$/);
      expect(subnet.subnetArn).toBe(`arn:aws:ec2:eu-west-1:${subnet.ownerId}:subnet/${subnet.subnetId}`);
    }
    for (const instance of data.instances) {
      expect(instance.instanceId).toMatch(/^i-[0-9a-f]{17}$/);
      expect(instance.reservationId).toMatch(/^r-[0-9a-f]{17}$/);
      expect(instance.imageId).toMatch(/^ami-[0-9a-f]{17}$/);
      for (const sg of instance.securityGroups) expect(sg.groupId).toMatch(/^sg-[0-9a-f]{17}$/);
      if (instance.iamInstanceProfile) {
        expect(instance.iamInstanceProfile.id).toMatch(/^AIPA[A-Z2-7]{17}$/);
        expect(instance.iamInstanceProfile.arn).toMatch(
          /^arn:aws:iam::\d{12}:instance-profile\/[\w+=,.@-]+$/,
        );
      }
    }
  });

  it('gives the central user an AKIA key and a 40-character secret derived from the seed', () => {
    const user = world.centralUser;
    expect(user.name).toBe('orgraph-central');
    expect(user.accountId).toBe(world.centralAccountId);
    expect(user.arn).toBe(`arn:aws:iam::${world.centralAccountId}:user/orgraph-central`);
    expect(user.userId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    expect(user.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(user.secretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(user.permissions).toEqual([
      'sts:AssumeRole',
      'sts:GetCallerIdentity',
      'organizations:Describe*',
      'organizations:List*',
    ]);
    expect(generateWorld({ accounts: 2, seed: 11 }).centralUser.secretAccessKey).toBe(user.secretAccessKey);
  });
});

describe('organization structure', () => {
  const world = generateWorld({ accounts: 300, seed: 9 });
  const ouByName = new Map(world.organizationalUnits.map((ou) => [ou.name, ou]));

  it('builds the OU tree under the root', () => {
    const parentName = (name: string): string | undefined => {
      const parentId = ouByName.get(name)?.parentId;
      if (parentId === world.organization.root.id) return 'Root';
      return world.organizationalUnits.find((ou) => ou.id === parentId)?.name;
    };
    expect(Object.fromEntries(world.organizationalUnits.map((ou) => [ou.name, parentName(ou.name)]))).toEqual(
      {
        Security: 'Root',
        Infrastructure: 'Root',
        Workloads: 'Root',
        Prod: 'Workloads',
        NonProd: 'Workloads',
        Dev: 'NonProd',
        Test: 'NonProd',
        Sandbox: 'Root',
        Suspended: 'Root',
      },
    );
  });

  it('puts the management account first, directly under the root, as the central account', () => {
    const mgmt = world.accounts[0];
    expect(mgmt?.id).toBe(world.organization.managementAccountId);
    expect(mgmt?.parentId).toBe(world.organization.root.id);
    expect(mgmt?.status).toBe('ACTIVE');
    expect(world.centralAccountId).toBe(mgmt?.id);
    expect(world.organization.managementAccountEmail).toBe(mgmt?.email);
    expect(world.organization.managementAccountArn).toBe(mgmt?.arn);
    expect(world.accountById.get(mgmt?.id ?? '')).toBe(mgmt);
    expect(world.accountById.size).toBe(300);
  });

  it('places every account under the root or an OU, in joined order', () => {
    const parents = new Set([world.organization.root.id, ...world.organizationalUnits.map((ou) => ou.id)]);
    for (const account of world.accounts) expect(parents.has(account.parentId)).toBe(true);
    const times = world.accounts.map((a) => a.joinedTimestamp.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(new Set(world.accounts.map((a) => a.joinedMethod))).toEqual(new Set(['INVITED', 'CREATED']));
    // Accounts are spread over the OUs, not piled into one.
    const used = new Set(world.accounts.map((a) => a.parentId));
    expect(used.size).toBeGreaterThanOrEqual(8);
  });

  it('has a few SUSPENDED and PENDING_CLOSURE accounts with consistent Status and State, in Suspended', () => {
    const closing = world.accounts.filter((a) => a.status !== 'ACTIVE');
    expect(closing.filter((a) => a.status === 'SUSPENDED').length).toBeGreaterThanOrEqual(1);
    expect(closing.filter((a) => a.status === 'PENDING_CLOSURE').length).toBeGreaterThanOrEqual(1);
    expect(closing.length).toBeLessThanOrEqual(15);
    for (const account of world.accounts) expect(account.state).toBe(account.status);
    for (const account of closing) expect(account.parentId).toBe(ouByName.get('Suspended')?.id);
    const defaults = generateWorld().accounts;
    expect(defaults.some((a) => a.status === 'SUSPENDED')).toBe(true);
    expect(defaults.some((a) => a.status === 'PENDING_CLOSURE')).toBe(true);
  });

  it('has no delegated administrators', () => {
    expect(world.delegatedAdministrators.size).toBe(0);
  });
});

describe('roles', () => {
  const world = generateWorld({
    accounts: 60,
    seed: 4,
    readRoleName: 'InventoryRead',
    externalId: 'ext-123',
  });
  const central = world.centralAccountId;
  const centralRoleArn = `arn:aws:iam::${central}:role/OrgraphCentralRole`;

  it('has the read role in every account, trusting the central user and role with the ExternalId', () => {
    expect(world.roles.size).toBe(61);
    for (const account of world.accounts) {
      const arn = `arn:aws:iam::${account.id}:role/InventoryRead`;
      const role = world.roles.get(arn);
      expect(role).toBeDefined();
      expect(role).toMatchObject({
        accountId: account.id,
        name: 'InventoryRead',
        path: '/',
        arn,
        externalId: 'ext-123',
      });
      expect(role?.roleId).toMatch(/^AROA[A-Z2-7]{17}$/);
      expect(role?.trustedPrincipals).toEqual([world.centralUser.arn, centralRoleArn]);
      const orgRead = ['organizations:Describe*', 'organizations:List*'];
      expect(role?.permissions).toEqual(
        account.id === central
          ? ['ec2:Describe*', 'sts:GetCallerIdentity', ...orgRead]
          : ['ec2:Describe*', 'sts:GetCallerIdentity'],
      );
    }
  });

  it('lets a deterministic few read roles last 12 hours, the rest one hour', () => {
    const durations = [...world.roles.values()].map((r) => r.maxSessionDuration);
    expect(new Set(durations)).toEqual(new Set([3600, 43200]));
    const long = durations.filter((d) => d === 43200).length;
    expect(long).toBeGreaterThan(0);
    expect(long).toBeLessThan(20);
  });

  it('has OrgraphCentralRole in the central account, trusting Roles Anywhere', () => {
    const role = world.roles.get(centralRoleArn);
    expect(role).toMatchObject({
      accountId: central,
      name: 'OrgraphCentralRole',
      path: '/',
      trustsRolesAnywhere: true,
      maxSessionDuration: 3600,
      permissions: world.centralUser.permissions,
    });
    expect(role?.externalId).toBeUndefined();
  });
});

describe('Regions', () => {
  it('knows the Regions without opt-in and a set of opt-in Regions, with real zone shapes', () => {
    const noOptIn = ALL_REGIONS.filter((r) => !OPT_IN_REGIONS.has(r));
    expect(noOptIn).toEqual(
      expect.arrayContaining([
        'us-east-1',
        'us-east-2',
        'us-west-1',
        'us-west-2',
        'ca-central-1',
        'eu-west-1',
        'eu-west-2',
        'eu-west-3',
        'eu-central-1',
        'eu-north-1',
        'ap-south-1',
        'ap-northeast-1',
        'ap-northeast-2',
        'ap-northeast-3',
        'ap-southeast-1',
        'ap-southeast-2',
        'sa-east-1',
      ]),
    );
    expect(noOptIn.length).toBeGreaterThanOrEqual(17);
    for (const r of [
      'af-south-1',
      'ap-east-1',
      'me-south-1',
      'eu-south-1',
      'ap-southeast-3',
      'me-central-1',
      'il-central-1',
    ]) {
      expect(OPT_IN_REGIONS.has(r)).toBe(true);
    }
    expect(availabilityZonesOf('us-east-1')).toEqual(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((l, i) => ({
        zoneName: `us-east-1${l}`,
        zoneId: `use1-az${i + 1}`,
        state: 'available',
      })),
    );
    expect(availabilityZonesOf('eu-west-1').map((z) => z.zoneId)).toEqual([
      'euw1-az1',
      'euw1-az2',
      'euw1-az3',
    ]);
    for (const region of ALL_REGIONS) {
      const zones = availabilityZonesOf(region);
      expect(zones.length).toBeGreaterThanOrEqual(2);
      for (const z of zones) {
        expect(z.zoneName).toMatch(new RegExp(`^${region}[a-f]$`));
        expect(z.zoneId).toMatch(/^[a-z]+\d-az\d$/);
      }
    }
    expect(availabilityZonesOf('xx-nowhere-1')).toEqual([]);
  });

  it('enables every Region without opt-in in every account and opt-in Regions for a deterministic subset', () => {
    const world = generateWorld({ accounts: 300, seed: 21 });
    expect(world.allRegions).toEqual([...ALL_REGIONS]);
    expect([...world.optInRegions]).toEqual([...OPT_IN_REGIONS]);
    let optedIn = 0;
    for (const account of world.accounts) {
      for (const region of ALL_REGIONS) {
        const expected = !OPT_IN_REGIONS.has(region) || optInRegionEnabled(21, account.id, region);
        expect(account.enabledRegions.has(region)).toBe(expected);
        if (OPT_IN_REGIONS.has(region) && expected) optedIn++;
      }
    }
    const share = optedIn / (300 * OPT_IN_REGIONS.size);
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.4);
  });

  it('has EC2 data only in in-scope Regions the account has enabled', () => {
    const world = generateWorld({ accounts: 30, seed: 8, regions: ['us-east-1', 'af-south-1'] });
    const optedIn = world.accounts.filter((a) => a.enabledRegions.has('af-south-1'));
    const optedOut = world.accounts.filter((a) => !a.enabledRegions.has('af-south-1'));
    expect(optedIn.length).toBeGreaterThan(0);
    expect(optedOut.length).toBeGreaterThan(0);
    for (const a of optedIn) expect(world.regionData(a.id, 'af-south-1').instances).toHaveLength(20);
    for (const a of optedOut)
      expect(world.regionData(a.id, 'af-south-1')).toEqual({
        vpcs: [],
        subnets: [],
        instances: [],
        securityGroups: [],
      });
    const someone = world.accounts[1]?.id ?? '';
    expect(world.regionData(someone, 'us-east-1').instances).toHaveLength(20);
    expect(world.regionData(someone, 'eu-west-1').vpcs).toEqual([]); // enabled but not in scope
    expect(world.regionData('000000000000', 'us-east-1').vpcs).toEqual([]); // not an account of the world
    expect(world.availabilityZones('af-south-1').map((z) => z.zoneName)).toEqual([
      'af-south-1a',
      'af-south-1b',
      'af-south-1c',
    ]);
  });
});

describe('VPCs and subnets', () => {
  it('puts the default VPC first, 172.31.0.0/16 with /20 default subnets, one per AZ', () => {
    const world = generateWorld({
      accounts: 3,
      subnetsPerVpc: 6,
      vpcsPerRegion: 2,
      regions: ['us-east-1', 'us-west-1'],
    });
    for (const { region, data } of populated(world)) {
      const zones = availabilityZonesOf(region);
      const [defaultVpc, other] = data.vpcs;
      expect(defaultVpc).toMatchObject({
        cidrBlock: '172.31.0.0/16',
        isDefault: true,
        state: 'available',
        tags: [],
      });
      expect(other).toMatchObject({ cidrBlock: '10.0.0.0/16', isDefault: false });
      expect(other?.tags.find((t) => t.key === 'Name')?.value).toBeTruthy();
      expect(data.vpcs.filter((v) => v.isDefault)).toHaveLength(1);
      const defaults = data.subnets.filter((s) => s.vpcId === defaultVpc?.vpcId);
      expect(defaults.map((s) => s.cidrBlock)).toEqual(
        [0, 16, 32, 48, 64, 80].map((third) => `172.31.${third}.0/20`),
      );
      const defaultForAz = defaults.filter((s) => s.defaultForAz);
      expect(defaultForAz.map((s) => s.availabilityZone)).toEqual(zones.map((z) => z.zoneName));
      for (const s of defaultForAz) expect(s.mapPublicIpOnLaunch).toBe(true);
      for (const s of data.subnets.filter((s) => s.vpcId !== defaultVpc?.vpcId))
        expect(s.defaultForAz).toBe(false);
    }
  });

  it('spreads subnets round-robin over the AZs, inside their VPC, with consistent zone ids', () => {
    const world = generateWorld({ accounts: 2, vpcsPerRegion: 4, subnetsPerVpc: 5 });
    for (const { accountId, region, data } of populated(world)) {
      const zones = availabilityZonesOf(region);
      for (const vpc of data.vpcs) {
        expect(vpc.ownerId).toBe(accountId);
        const subnets = data.subnets.filter((s) => s.vpcId === vpc.vpcId);
        expect(subnets).toHaveLength(5);
        subnets.forEach((s, i) => {
          const zone = zones[i % zones.length];
          expect(s.availabilityZone).toBe(zone?.zoneName);
          expect(s.availabilityZoneId).toBe(zone?.zoneId);
          expect(s.cidrBlock).toMatch(/\/(20|24)$/);
          expect(cidrContains(vpc.cidrBlock, s.cidrBlock.split('/')[0] ?? '')).toBe(true);
          expect(s.ownerId).toBe(accountId);
        });
        // Subnets of one VPC never overlap.
        expect(new Set(subnets.map((s) => s.cidrBlock)).size).toBe(5);
      }
    }
  });
});

describe('instances', () => {
  const world = generateWorld({
    accounts: 12,
    seed: 5,
    instancesPerRegion: 120,
    regions: ['us-east-1', 'eu-west-1'],
  });
  const rows = populated(world);
  const all: { region: string; instance: SimInstance; data: SimRegionData }[] = rows.flatMap(
    ({ region, data }) => data.instances.map((instance) => ({ region, instance, data })),
  );

  it('keeps the instances of a reservation adjacent, 1 to 3 per reservation, sharing launch parameters', () => {
    for (const { data } of rows) {
      const seen = new Set<string>();
      let run: SimInstance[] = [];
      const closeRun = () => {
        if (run.length === 0) return;
        expect(run.length).toBeLessThanOrEqual(3);
        run.forEach((inst, i) => {
          expect(inst.amiLaunchIndex).toBe(i);
          expect(inst.launchTime.getTime()).toBe(run[0]?.launchTime.getTime());
          expect(inst.instanceType).toBe(run[0]?.instanceType);
          expect(inst.imageId).toBe(run[0]?.imageId);
          expect(inst.placement.availabilityZone).toBe(run[0]?.placement.availabilityZone);
        });
        run = [];
      };
      for (const inst of data.instances) {
        if (run.length > 0 && run[0]?.reservationId !== inst.reservationId) closeRun();
        if (run.length === 0) {
          expect(seen.has(inst.reservationId)).toBe(false);
          seen.add(inst.reservationId);
        }
        run.push(inst);
      }
      closeRun();
    }
    const reservations = new Set(all.map((x) => x.instance.reservationId));
    expect(reservations.size).toBeLessThan(all.length);
  });

  it('has a realistic mix of states with the AWS state codes', () => {
    const codes = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };
    const counts = new Map<string, number>();
    for (const { instance } of all) {
      expect(instance.state.code).toBe(codes[instance.state.name]);
      counts.set(instance.state.name, (counts.get(instance.state.name) ?? 0) + 1);
    }
    const share = (name: string) => (counts.get(name) ?? 0) / all.length;
    expect(share('running')).toBeGreaterThan(0.65);
    expect(share('running')).toBeLessThan(0.85);
    expect(share('stopped')).toBeGreaterThan(0.08);
    expect(share('terminated')).toBeGreaterThan(0.02);
    expect(counts.get('pending') ?? 0).toBeGreaterThan(0);
  });

  it('gives terminated instances no IPs, subnet, VPC, groups or DNS names', () => {
    const terminated = all.filter((x) => x.instance.state.name === 'terminated').map((x) => x.instance);
    expect(terminated.length).toBeGreaterThan(0);
    for (const inst of terminated) {
      expect(inst.privateIpAddress).toBeUndefined();
      expect(inst.publicIpAddress).toBeUndefined();
      expect(inst.subnetId).toBeUndefined();
      expect(inst.vpcId).toBeUndefined();
      expect('subnetId' in inst).toBe(false);
      expect(inst.privateDnsName).toBe('');
      expect(inst.publicDnsName).toBe('');
      expect(inst.securityGroups).toEqual([]);
      expect(inst.stateTransitionReason).toMatch(/^User initiated \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\)$/);
      expect(inst.placement.availabilityZone).toBeTruthy();
    }
  });

  it('places every live instance at an address inside its subnet, unique within its VPC', () => {
    // Problems are collected and asserted once: thousands of expect() calls would make the test slow.
    const problems: string[] = [];
    let checked = 0;
    for (const { data } of rows) {
      const subnets = new Map(data.subnets.map((s) => [s.subnetId, s]));
      const used = new Map<string, number>();
      const addresses = new Set<string>();
      for (const inst of data.instances) {
        if (inst.state.name === 'terminated') continue;
        checked++;
        const subnet = subnets.get(inst.subnetId ?? '');
        if (subnet === undefined) {
          problems.push(`${inst.instanceId}: unknown subnet ${inst.subnetId}`);
          continue;
        }
        if (inst.vpcId !== subnet.vpcId)
          problems.push(`${inst.instanceId}: VPC ${inst.vpcId} is not its subnet's`);
        if (inst.placement.availabilityZone !== subnet.availabilityZone)
          problems.push(`${inst.instanceId}: AZ`);
        if (!cidrContains(subnet.cidrBlock, inst.privateIpAddress ?? '')) {
          problems.push(`${inst.instanceId}: ${inst.privateIpAddress} outside ${subnet.cidrBlock}`);
        }
        const key = `${inst.vpcId}/${inst.privateIpAddress}`;
        if (addresses.has(key)) problems.push(`${inst.instanceId}: duplicate address ${key}`);
        addresses.add(key);
        used.set(subnet.subnetId, (used.get(subnet.subnetId) ?? 0) + 1);
      }
      for (const s of data.subnets) {
        const size = 2 ** (32 - Number(s.cidrBlock.split('/')[1]));
        if (s.availableIpAddressCount !== size - 5 - (used.get(s.subnetId) ?? 0)) {
          problems.push(`${s.subnetId}: availableIpAddressCount ${s.availableIpAddressCount}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(2000);
    expect(problems).toEqual([]);
  });

  it('places the most instances validation allows without running out of addresses', () => {
    // 6 VPCs x 4 subnets x 248: /24 subnets (251 addresses) fill up and reservations move on.
    const packed = generateWorld({
      accounts: 1,
      vpcsPerRegion: 6,
      subnetsPerVpc: 4,
      instancesPerRegion: 24 * 248,
    });
    const data = packed.regionData(packed.accounts[0]?.id ?? '', 'us-east-1');
    expect(data.instances).toHaveLength(5952);
    const small = data.subnets.filter((s) => s.cidrBlock.endsWith('/24'));
    expect(small.length).toBeGreaterThan(0);
    expect(Math.min(...small.map((s) => s.availableIpAddressCount))).toBeLessThan(20);
    expect(Math.min(...data.subnets.map((s) => s.availableIpAddressCount))).toBeGreaterThanOrEqual(0);
    const live = data.instances.filter((i) => i.privateIpAddress !== undefined);
    expect(new Set(live.map((i) => `${i.vpcId}/${i.privateIpAddress}`)).size).toBe(live.length);
  });

  it('names private and public DNS after the Region, public ones only for running instances with a public IP', () => {
    let withPublic = 0;
    for (const { region, instance } of all) {
      if (instance.privateIpAddress !== undefined) {
        const host = `ip-${instance.privateIpAddress.replaceAll('.', '-')}`;
        expect(instance.privateDnsName).toBe(
          region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`,
        );
      }
      if (instance.publicIpAddress !== undefined) {
        withPublic++;
        expect(instance.state.name).toBe('running');
        const host = `ec2-${instance.publicIpAddress.replaceAll('.', '-')}`;
        expect(instance.publicDnsName).toBe(
          region === 'us-east-1'
            ? `${host}.compute-1.amazonaws.com`
            : `${host}.${region}.compute.amazonaws.com`,
        );
      } else {
        expect(instance.publicDnsName).toBe('');
      }
    }
    expect(withPublic).toBeGreaterThan(all.length * 0.1);
    expect(withPublic).toBeLessThan(all.length * 0.9);
  });

  it('has realistic types, platforms, tags, spot and profile attributes', () => {
    const instances = all.map((x) => x.instance);
    const some = (f: (i: SimInstance) => boolean) => instances.filter(f).length;
    const problems: string[] = [];
    const knownTags = new Set(['Name', 'env', 'team', 'owner', 'CostCenter']);
    for (const inst of instances) {
      const graviton = /^[a-z]\dg\./.test(inst.instanceType);
      if (inst.architecture !== (graviton ? 'arm64' : 'x86_64'))
        problems.push(`${inst.instanceType} is ${inst.architecture}`);
      if ((inst.platform === 'windows') !== (inst.platformDetails === 'Windows'))
        problems.push(`${inst.instanceId}: platform`);
      if (inst.platform === 'windows' && inst.architecture !== 'x86_64')
        problems.push(`${inst.instanceId}: arm Windows`);
      const launch = inst.launchTime.getTime();
      if (launch >= Date.UTC(2025, 5, 1) || launch <= Date.UTC(2019, 0, 1))
        problems.push(`${inst.instanceId}: launch`);
      const spotOk =
        inst.instanceLifecycle === 'spot'
          ? /^sir-[a-z0-9]{8}$/.test(inst.spotInstanceRequestId ?? '')
          : inst.spotInstanceRequestId === undefined;
      if (!spotOk) problems.push(`${inst.instanceId}: spot request id`);
      for (const t of inst.tags) if (!knownTags.has(t.key)) problems.push(`${inst.instanceId}: tag ${t.key}`);
    }
    expect(problems).toEqual([]);
    expect(some((i) => i.architecture === 'arm64')).toBeGreaterThan(0);
    expect(some((i) => i.platform === 'windows')).toBeGreaterThan(0);
    expect(some((i) => i.instanceLifecycle === 'spot')).toBeGreaterThan(instances.length * 0.04);
    expect(some((i) => i.instanceLifecycle === 'spot')).toBeLessThan(instances.length * 0.2);
    expect(some((i) => i.iamInstanceProfile !== undefined)).toBeGreaterThan(0);
    expect(some((i) => i.keyName !== undefined)).toBeGreaterThan(0);
    expect(some((i) => i.keyName === undefined)).toBeGreaterThan(0);
    expect(new Set(instances.map((i) => i.instanceType)).size).toBeGreaterThan(8);
    for (const key of ['Name', 'env', 'team', 'owner']) {
      expect(some((i) => i.tags.some((t) => t.key === key))).toBeGreaterThan(instances.length * 0.5);
      expect(some((i) => !i.tags.some((t) => t.key === key))).toBeGreaterThan(0);
    }
  });

  it('serves frozen, memoized data so a caller cannot corrupt it', () => {
    const id = world.accounts[1]?.id ?? '';
    const data = world.regionData(id, 'us-east-1');
    expect(world.regionData(id, 'us-east-1')).toBe(data);
    expect(() => data.instances.sort()).toThrow(TypeError);
    expect(() => data.vpcs.push(data.vpcs[0] as never)).toThrow(TypeError);
  });
});

describe('laziness', () => {
  it('builds a 2,000-account, 4-Region, 100-instance world without deriving any Region data', () => {
    const world = generateWorld({
      accounts: 2000,
      regions: ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2'],
      instancesPerRegion: 100,
    });
    expect(world.accounts).toHaveLength(2000);
    expect(world.roles.size).toBe(2001);
    expect(generatorStats(world)).toEqual({ regionDataDerivations: 0, regionDataCacheHits: 0 });

    const last = world.accounts[1999]?.id ?? '';
    const data = world.regionData(last, 'ap-southeast-2');
    expect(data.instances).toHaveLength(100);
    expect(generatorStats(world)).toEqual({ regionDataDerivations: 1, regionDataCacheHits: 0 });
    expect(world.regionData(last, 'ap-southeast-2')).toBe(data);
    expect(generatorStats(world)).toEqual({ regionDataDerivations: 1, regionDataCacheHits: 1 });
    // Out-of-scope Regions are answered without deriving anything.
    world.regionData(last, 'sa-east-1');
    expect(generatorStats(world).regionDataDerivations).toBe(1);
  });

  it('keeps as much derived data as regionDataCacheItems allows', () => {
    const regions = ['us-east-1', 'eu-west-1'];
    const readAll = (world: ReturnType<typeof generateWorld>) => {
      for (const account of world.accounts)
        for (const region of regions) world.regionData(account.id, region);
    };
    // Two reads of every Region, in the same order (as a benchmark's runs do).
    const small = generateWorld({ accounts: 6, regions, instancesPerRegion: 40, regionDataCacheItems: 100 });
    readAll(small);
    readAll(small);
    const derivedOnce = generatorStats(small).regionDataDerivations / 2;
    expect(derivedOnce).toBeGreaterThan(2);
    // The bound holds about two Regions, so the second pass finds none of them (least recently used).
    expect(generatorStats(small)).toEqual({ regionDataDerivations: 2 * derivedOnce, regionDataCacheHits: 0 });

    const whole = generateWorld({
      accounts: 6,
      regions,
      instancesPerRegion: 40,
      regionDataCacheItems: 10_000,
    });
    readAll(whole);
    readAll(whole);
    expect(generatorStats(whole)).toEqual({
      regionDataDerivations: derivedOnce,
      regionDataCacheHits: derivedOnce,
    });
  });
});

describe('option validation', () => {
  const cases: [string, Partial<GeneratorOptions>, RegExp][] = [
    ['accounts 0', { accounts: 0 }, /option 'accounts' must be an integer from 1 to .*got 0/],
    ['fractional accounts', { accounts: 2.5 }, /option 'accounts'.*got 2.5/],
    ['unknown Region', { regions: ['us-east-7'] }, /option 'regions' names an unknown Region "us-east-7"/],
    [
      'duplicate Region',
      { regions: ['eu-west-1', 'eu-west-1'] },
      /option 'regions' names Region "eu-west-1" twice/,
    ],
    ['no Regions', { regions: [] }, /option 'regions' must be a non-empty list/],
    ['negative instances', { instancesPerRegion: -1 }, /option 'instancesPerRegion'.*got -1/],
    ['no VPCs', { vpcsPerRegion: 0 }, /option 'vpcsPerRegion'.*got 0/],
    [
      'too many subnets',
      { subnetsPerVpc: 17 },
      /option 'subnetsPerVpc' must be an integer from 1 to 16, got 17/,
    ],
    [
      'instances beyond subnet room',
      { vpcsPerRegion: 1, subnetsPerVpc: 1, instancesPerRegion: 249 },
      /option 'instancesPerRegion' must be at most 248/,
    ],
    ['bad seed', { seed: Number.NaN }, /option 'seed' must be a safe integer/],
    [
      'an empty data cache',
      { regionDataCacheItems: 0 },
      /option 'regionDataCacheItems' must be an integer from 1 to 10000000, got 0/,
    ],
    ['bad role name', { readRoleName: 'no spaces allowed' }, /option 'readRoleName'/],
    ['short ExternalId', { externalId: 'x' }, /option 'externalId'.*got "x"/],
  ];
  for (const [name, options, message] of cases) {
    it(`rejects ${name} with a message naming the option`, () => {
      expect(() => generateWorld(options)).toThrow(message);
    });
  }

  it('rejects overrides for accounts that are not in the world, and bad override values', () => {
    expect(() =>
      generateWorld({ accounts: 3, overrides: { '123456789012': { instancesPerRegion: 1 } } }),
    ).toThrow(/option 'overrides' names account "123456789012"/);
    const id = accountIdAt(1, 2);
    expect(() => generateWorld({ accounts: 3, overrides: { [id]: { subnetsPerVpc: 0 } } })).toThrow(
      new RegExp(`option 'overrides\\['${id}'\\]\\.subnetsPerVpc'`),
    );
  });
});

describe('dumpWorld', () => {
  const world = generateWorld({
    accounts: 16,
    seed: 13,
    instancesPerRegion: 9,
    regions: ['us-east-1', 'me-south-1'],
  });

  it('writes NDJSON records that parse, one per line, with the right counts per kind', () => {
    const chunks: string[] = [];
    dumpWorld(world, 'ndjson', (c) => chunks.push(c));
    const text = chunks.join('');
    expect(text.endsWith('\n')).toBe(true);
    const records = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const count = (kind: string) => records.filter((r) => r.kind === kind).length;
    const rows = populated(world);
    expect(rows.length).toBeGreaterThan(16); // us-east-1 everywhere, me-south-1 in some accounts
    expect(count('organization')).toBe(1);
    expect(count('organizationalUnit')).toBe(9);
    expect(count('account')).toBe(16);
    expect(count('vpc')).toBe(rows.length * 3);
    expect(count('subnet')).toBe(rows.length * 9);
    expect(count('instance')).toBe(rows.length * 9);
    // Five groups per VPC, plus 0–2 that no instance uses.
    const groups = rows.reduce((n, r) => n + r.data.securityGroups.length, 0);
    expect(groups).toBeGreaterThanOrEqual(rows.length * 15);
    expect(count('securityGroup')).toBe(groups);
    expect(records).toHaveLength(1 + 9 + 16 + rows.length * 21 + groups);
    // More than one chunk: the dump is streamed, not built as one string.
    expect(chunks.length).toBeGreaterThan(rows.length);

    const instance = records.find((r) => r.kind === 'instance');
    expect(instance).toMatchObject({
      accountId: expect.stringMatching(/^\d{12}$/),
      region: expect.any(String),
    });
    expect(instance?.launchTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const account = records.find((r) => r.kind === 'account');
    expect(account?.enabledRegions).toEqual(expect.arrayContaining(['us-east-1', 'sa-east-1']));
  });

  it('writes JSON with the organization, accounts and the in-scope enabled Regions', () => {
    const parsed = JSON.parse(dumpToString(world, 'json')) as {
      organization: { id: string };
      organizationalUnits: unknown[];
      accounts: { id: string; joinedTimestamp: string; enabledRegions: string[] }[];
      regions: {
        accountId: string;
        region: string;
        vpcs: unknown[];
        subnets: unknown[];
        instances: { instanceId: string }[];
      }[];
    };
    expect(parsed.organization.id).toBe(world.organization.id);
    expect(parsed.organizationalUnits).toHaveLength(9);
    expect(parsed.accounts.map((a) => a.id)).toEqual(world.accounts.map((a) => a.id));
    expect(parsed.accounts[0]?.joinedTimestamp).toBe(world.accounts[0]?.joinedTimestamp.toISOString());
    const rows = populated(world);
    expect(parsed.regions.map((r) => `${r.accountId}/${r.region}`)).toEqual(
      rows.map((r) => `${r.accountId}/${r.region}`),
    );
    expect(parsed.regions[0]?.instances.map((i) => i.instanceId)).toEqual(
      rows[0]?.data.instances.map((i) => i.instanceId),
    );
  });

  it('never includes secrets', () => {
    for (const format of ['json', 'ndjson'] as const) {
      const text = dumpToString(world, format);
      expect(text).not.toContain(world.centralUser.secretAccessKey);
      expect(text).not.toContain('secretAccessKey');
    }
  });

  it('rejects an unknown format', () => {
    expect(() => dumpWorld(world, 'yaml' as 'json', () => undefined)).toThrow(
      /format must be 'json' or 'ndjson'/,
    );
  });
});
