// EC2 data of one (account, Region), derived from (seed, account id, Region) alone, so it can be built
// lazily on first use and rebuilt identically after a cache eviction.
//
// Layout per Region (counts are exact):
// - `vpcsPerRegion` VPCs: first the default VPC 172.31.0.0/16, then 10.0.0.0/16, 10.1.0.0/16, …
// - `subnetsPerVpc` subnets per VPC, round-robin over the Region's AZs. Default VPC: 172.31.0.0/20,
//   172.31.16.0/20, …; its first subnet in each AZ is defaultForAz (so with fewer subnets than AZs some
//   AZs have no default subnet, as if deleted; further subnets are ordinary ones). Other VPCs use /20
//   or /24 subnets (chosen per VPC).
// - exactly `instancesPerRegion` instances in reservations of 1–3 adjacent instances that share a
//   subnet, launch time, type, image, key, security groups, profile and lifecycle.
// - per VPC, the security groups of security-groups.ts; an instance's groups are groups of its VPC.
//   Their ids come from this stream, everything else about them from a stream of their own.
import type { InstanceStateName, SimInstance, SimRegionData, SimSubnet, SimVpc, Tag } from '../model.js';
import { availabilityZonesOf, privateDnsNameFor, publicDnsNameFor } from '../regions.js';
import { PEOPLE, SERVICES, TEAMS, VPC_PURPOSES } from './names.js';
import type { RegionShape } from './options.js';
import type { AccountProfile } from './organization.js';
import { REFERENCE_TIME_MS } from './organization.js';
import { IAM_ID_ALPHABET, LOWER_ALNUM, Rng } from './prng.js';
import type { VpcSecurityGroupRefs } from './security-groups.js';
import { VPC_SECURITY_GROUP_ROLES, deriveSecurityGroups, securityGroupNameFor } from './security-groups.js';

export interface RegionDataInput {
  seed: number;
  accountId: string;
  region: string;
  shape: RegionShape;
  profile: AccountProfile;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

// Small objects that many instances share are frozen and shared rather than copied: a Region's data
// is built on every cache miss, and sharing halves its memory and build time.
const STATES: Record<InstanceStateName, SimInstance['state']> = {
  pending: Object.freeze({ code: 0, name: 'pending' }),
  running: Object.freeze({ code: 16, name: 'running' }),
  'shutting-down': Object.freeze({ code: 32, name: 'shutting-down' }),
  terminated: Object.freeze({ code: 48, name: 'terminated' }),
  stopping: Object.freeze({ code: 64, name: 'stopping' }),
  stopped: Object.freeze({ code: 80, name: 'stopped' }),
};

const STATE_WEIGHTS: ReadonlyArray<readonly [InstanceStateName, number]> = [
  ['running', 75],
  ['stopped', 15],
  ['terminated', 6],
  ['pending', 2],
  ['stopping', 1],
  ['shutting-down', 1],
];
const SETTLED_STATE_WEIGHTS = STATE_WEIGHTS.filter(([state]) => state !== 'pending');

interface InstanceTypeSpec {
  type: string;
  arch: 'x86_64' | 'arm64';
}

const INSTANCE_TYPES: ReadonlyArray<readonly [InstanceTypeSpec, number]> = [
  [{ type: 't3.micro', arch: 'x86_64' }, 12],
  [{ type: 't3.small', arch: 'x86_64' }, 10],
  [{ type: 't3.medium', arch: 'x86_64' }, 10],
  [{ type: 't3a.large', arch: 'x86_64' }, 5],
  [{ type: 't2.micro', arch: 'x86_64' }, 4],
  [{ type: 'm4.large', arch: 'x86_64' }, 2],
  [{ type: 'm5.large', arch: 'x86_64' }, 10],
  [{ type: 'm5.xlarge', arch: 'x86_64' }, 6],
  [{ type: 'm6i.large', arch: 'x86_64' }, 6],
  [{ type: 'c5.xlarge', arch: 'x86_64' }, 5],
  [{ type: 'c5.2xlarge', arch: 'x86_64' }, 2],
  [{ type: 'r5.large', arch: 'x86_64' }, 4],
  [{ type: 't4g.small', arch: 'arm64' }, 6],
  [{ type: 't4g.medium', arch: 'arm64' }, 4],
  [{ type: 'm6g.large', arch: 'arm64' }, 4],
  [{ type: 'c6g.xlarge', arch: 'arm64' }, 3],
  [{ type: 'r6g.large', arch: 'arm64' }, 2],
  [{ type: 'm7g.medium', arch: 'arm64' }, 2],
];

const X86_PLATFORMS: ReadonlyArray<readonly [string, number]> = [
  ['Linux/UNIX', 78],
  ['Windows', 12],
  ['Red Hat Enterprise Linux', 7],
  ['SUSE Linux', 3],
];
const ARM_PLATFORMS: ReadonlyArray<readonly [string, number]> = [
  ['Linux/UNIX', 90],
  ['Red Hat Enterprise Linux', 7],
  ['SUSE Linux', 3],
];

const PUBLIC_FIRST_OCTETS = [3, 13, 18, 34, 35, 44, 52, 54];

type SecurityGroupRef = SimInstance['securityGroups'][number];

interface Ami {
  imageId: string;
  rootDeviceName: string;
}

interface SubnetSlot {
  subnet: SimSubnet;
  vpc: SimVpc;
  securityGroups: SecurityGroupRef[];
  placement: SimInstance['placement'];
  network: number; // the subnet's network address as an unsigned 32-bit integer
  nextOffset: number;
  lastOffset: number; // the last usable host offset (broadcast - 1)
  usedIps: number;
  usableIps: number;
}

export function deriveRegionData(input: RegionDataInput): SimRegionData {
  const { seed, accountId, region, shape, profile } = input;
  const rng = Rng.from(`${seed}|${accountId}|${region}|ec2`);
  const zones = availabilityZonesOf(region);
  if (zones.length === 0) throw new Error(`deriveRegionData: unknown Region ${JSON.stringify(region)}`);

  const dhcpOptionsId = `dopt-${rng.hex(17)}`;
  const vpcs: SimVpc[] = [];
  const slots: SubnetSlot[] = [];
  const vpcGroups: VpcSecurityGroupRefs[] = [];
  const purposeStart = rng.int(0, VPC_PURPOSES.length - 1);

  for (let v = 0; v < shape.vpcsPerRegion; v++) {
    const isDefault = v === 0;
    const vpcName = isDefault ? '' : vpcNameFor(profile.env, v - 1, purposeStart);
    const vpc: SimVpc = {
      vpcId: `vpc-${rng.hex(17)}`,
      ownerId: accountId,
      cidrBlock: isDefault ? '172.31.0.0/16' : `10.${v - 1}.0.0/16`,
      isDefault,
      state: 'available',
      dhcpOptionsId,
      instanceTenancy: 'default',
      tags: isDefault ? [] : [{ key: 'Name', value: vpcName }],
    };
    vpcs.push(vpc);
    const groups = securityGroupsFor(rng, profile);
    vpcGroups.push({ vpc, groups });
    const securityGroups = groups.map(({ groupId, groupName }) => Object.freeze({ groupId, groupName }));
    const prefix = isDefault || rng.chance(0.6) ? 20 : 24;
    for (let s = 0; s < shape.subnetsPerVpc; s++) {
      const zone = zones[s % zones.length] ?? zones[0];
      if (zone === undefined) throw new Error('unreachable: a known Region has zones');
      const network = isDefault
        ? ipToInt(172, 31, s * 16, 0)
        : prefix === 20
          ? ipToInt(10, v - 1, s * 16, 0)
          : ipToInt(10, v - 1, s, 0);
      const defaultForAz = isDefault && s < zones.length;
      const tier = isDefault ? 'default' : s % 3 === 0 ? 'public' : 'private';
      const subnetId = `subnet-${rng.hex(17)}`;
      const size = 2 ** (32 - prefix);
      // Real subnets rarely start at .4: leave a few addresses of larger subnets unused at the start.
      const firstOffset = 4 + (prefix === 20 ? rng.int(0, 40) : 0);
      const subnet: SimSubnet = {
        subnetId,
        subnetArn: `arn:aws:ec2:${region}:${accountId}:subnet/${subnetId}`,
        vpcId: vpc.vpcId,
        ownerId: accountId,
        cidrBlock: `${intToIp(network)}/${prefix}`,
        availabilityZone: zone.zoneName,
        availabilityZoneId: zone.zoneId,
        availableIpAddressCount: size - 5,
        defaultForAz,
        mapPublicIpOnLaunch: defaultForAz || tier === 'public',
        state: 'available',
        tags: defaultForAz
          ? []
          : [
              {
                key: 'Name',
                value: isDefault ? `default-extra-${s + 1}` : `${vpcName}-${tier}-${zone.zoneName}`,
              },
            ],
      };
      slots.push({
        subnet,
        vpc,
        securityGroups,
        placement: Object.freeze({ availabilityZone: zone.zoneName, tenancy: 'default' as const }),
        network,
        nextOffset: firstOffset,
        lastOffset: size - 2,
        usedIps: 0,
        usableIps: size - 5,
      });
    }
  }

  const instances = generateInstances(rng, input, slots);
  for (const slot of slots) slot.subnet.availableIpAddressCount = slot.usableIps - slot.usedIps;
  const securityGroups = deriveSecurityGroups({
    seed: input.seed,
    accountId,
    region,
    profile,
    vpcs: vpcGroups,
  });

  // The data is memoized and shared by every caller: frozen lists turn an accidental in-place sort or
  // splice into an error instead of a silently corrupted cache.
  return Object.freeze({
    vpcs: Object.freeze(vpcs) as SimVpc[],
    subnets: Object.freeze(slots.map((s) => s.subnet)) as SimSubnet[],
    instances: Object.freeze(instances) as SimInstance[],
    securityGroups: Object.freeze(securityGroups) as SimRegionData['securityGroups'],
  });
}

function generateInstances(rng: Rng, input: RegionDataInput, slots: SubnetSlot[]): SimInstance[] {
  const { seed, accountId, region, shape, profile } = input;
  const instances: SimInstance[] = [];
  const amis = new Map<string, Ami[]>();
  const nameCounters = new Map<string, number>();
  const keyNames = [`${profile.team}-key`, `${profile.team}-${profile.env}`, 'deploy', 'ops-2023'];
  const profiles = instanceProfilesFor(seed, accountId, profile.team);
  const earliestLaunchMs = Math.max(profile.joinedMs + DAY_MS, REFERENCE_TIME_MS - 900 * DAY_MS);

  while (instances.length < shape.instancesPerRegion) {
    const count = Math.min(
      shape.instancesPerRegion - instances.length,
      rng.weighted<number>([
        [1, 60],
        [2, 25],
        [3, 15],
      ]),
    );
    const baseState = rng.weighted(STATE_WEIGHTS);
    const states: InstanceStateName[] = [];
    for (let i = 0; i < count; i++) {
      states.push(
        i === 0 || baseState === 'pending' || rng.chance(0.8)
          ? baseState
          : rng.weighted(SETTLED_STATE_WEIGHTS),
      );
    }
    const needIps = states.filter((s) => s !== 'terminated').length;
    const slot = pickSlot(rng, slots, needIps);

    const typeSpec = rng.weighted(INSTANCE_TYPES);
    const platformDetails = rng.weighted(typeSpec.arch === 'arm64' ? ARM_PLATFORMS : X86_PLATFORMS);
    const ami = amiFor(rng, amis, platformDetails, typeSpec.arch);
    const launchMs =
      baseState === 'pending'
        ? REFERENCE_TIME_MS - rng.int(5, 120) * 1000
        : rng.int(earliestLaunchMs, REFERENCE_TIME_MS - HOUR_MS);
    const service = rng.pick(SERVICES);
    const team = profile.env === 'shared' && rng.chance(0.5) ? rng.pick(TEAMS) : profile.team;
    const owner = `${rng.pick(PEOPLE)}@${profile.domain}`;
    const keyName = rng.chance(0.8) ? rng.pick(keyNames) : undefined;
    const iamInstanceProfile = rng.chance(0.4) ? rng.pick(profiles) : undefined;
    const spot = rng.chance(0.1);
    const groups = pickSecurityGroups(rng, slot.securityGroups);
    const reservationId = `r-${rng.hex(17)}`;

    for (let i = 0; i < count; i++) {
      const stateName = states[i] ?? baseState;
      const live = stateName !== 'terminated';
      const privateIp = live ? allocateIp(rng, slot) : undefined;
      const publicIp =
        stateName === 'running' && rng.chance(slot.subnet.mapPublicIpOnLaunch ? 0.9 : 0.08)
          ? `${rng.pick(PUBLIC_FIRST_OCTETS)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`
          : undefined;
      // Optional fields are added only when present (never as undefined, never deleted afterwards,
      // which would push V8 into slow dictionary-mode objects).
      const instance: SimInstance = {
        reservationId,
        ownerId: accountId,
        instanceId: `i-${rng.hex(17)}`,
        imageId: ami.imageId,
        instanceType: typeSpec.type,
        state: STATES[stateName],
        stateTransitionReason: transitionReason(rng, stateName, launchMs),
        privateDnsName: privateIp === undefined ? '' : privateDnsNameFor(region, privateIp),
        publicDnsName: publicIp === undefined ? '' : publicDnsNameFor(region, publicIp),
        launchTime: new Date(launchMs),
        platformDetails,
        architecture: typeSpec.arch,
        securityGroups: live ? groups : [],
        placement: slot.placement,
        amiLaunchIndex: i,
        rootDeviceType: 'ebs',
        rootDeviceName: ami.rootDeviceName,
        ebsOptimized: !typeSpec.type.startsWith('t2.'),
        hypervisor: typeSpec.type.startsWith('t2.') || typeSpec.type.startsWith('m4.') ? 'xen' : 'nitro',
        virtualizationType: 'hvm',
        tags: instanceTags(rng, { team, env: profile.env, owner, service, nameCounters }),
      };
      if (privateIp !== undefined) instance.privateIpAddress = privateIp;
      if (publicIp !== undefined) instance.publicIpAddress = publicIp;
      if (live) {
        instance.subnetId = slot.subnet.subnetId;
        instance.vpcId = slot.vpc.vpcId;
      }
      if (platformDetails === 'Windows') instance.platform = 'windows';
      if (keyName !== undefined) instance.keyName = keyName;
      if (live && iamInstanceProfile !== undefined) instance.iamInstanceProfile = iamInstanceProfile;
      if (spot) {
        instance.instanceLifecycle = 'spot';
        instance.spotInstanceRequestId = `sir-${rng.chars(8, LOWER_ALNUM)}`;
      }
      instances.push(instance);
    }
  }
  return instances;
}

/** A random subnet with room for `needIps` more addresses (validation guarantees one exists). */
function pickSlot(rng: Rng, slots: SubnetSlot[], needIps: number): SubnetSlot {
  const start = rng.int(0, slots.length - 1);
  for (let k = 0; k < slots.length; k++) {
    const slot = slots[(start + k) % slots.length];
    if (slot !== undefined && slot.lastOffset - slot.nextOffset + 1 >= needIps) return slot;
  }
  throw new Error(`deriveRegionData: no subnet has room for ${needIps} more instances`);
}

function allocateIp(rng: Rng, slot: SubnetSlot): string {
  const ip = intToIp(slot.network + slot.nextOffset);
  slot.usedIps++;
  // Skip an address now and then in large subnets, as released addresses leave gaps. Small (/24)
  // subnets are filled densely: validation counts on 251 addresses each.
  const spare = slot.lastOffset - slot.nextOffset;
  slot.nextOffset += slot.usableIps > 1000 && spare > 64 && rng.chance(0.25) ? 2 : 1;
  return ip;
}

function transitionReason(rng: Rng, state: InstanceStateName, launchMs: number): string {
  let atMs: number;
  switch (state) {
    case 'running':
    case 'pending':
      return '';
    case 'stopped':
      atMs = rng.int(launchMs + HOUR_MS / 2, REFERENCE_TIME_MS - 60_000);
      break;
    case 'stopping':
      atMs = REFERENCE_TIME_MS - rng.int(10, 300) * 1000;
      break;
    default:
      // Terminated instances stay visible for about an hour after termination.
      atMs = REFERENCE_TIME_MS - rng.int(60, 3300) * 1000;
  }
  return `User initiated (${new Date(atMs).toISOString().slice(0, 19).replace('T', ' ')} GMT)`;
}

interface TagContext {
  team: string;
  env: string;
  owner: string;
  service: string;
  nameCounters: Map<string, number>;
}

/** Name/env/team/owner tags; each is missing on some instances, as in real fleets. */
function instanceTags(rng: Rng, ctx: TagContext): Tag[] {
  const tags: Tag[] = [];
  if (rng.chance(0.9)) {
    const base = `${ctx.team}-${ctx.service}`;
    const n = (ctx.nameCounters.get(base) ?? 0) + 1;
    ctx.nameCounters.set(base, n);
    tags.push({ key: 'Name', value: `${base}-${String(n).padStart(2, '0')}` });
  }
  if (rng.chance(0.85)) tags.push({ key: 'env', value: ctx.env });
  if (rng.chance(0.8)) tags.push({ key: 'team', value: ctx.team });
  if (rng.chance(0.7)) tags.push({ key: 'owner', value: ctx.owner });
  if (rng.chance(0.2)) tags.push({ key: 'CostCenter', value: `cc-${rng.int(1000, 9999)}` });
  return tags;
}

function amiFor(rng: Rng, amis: Map<string, Ami[]>, platformDetails: string, arch: string): Ami {
  const key = `${platformDetails}|${arch}`;
  let pool = amis.get(key);
  if (pool === undefined) {
    pool = [];
    const size = rng.int(1, 3);
    for (let i = 0; i < size; i++) {
      // Amazon Linux roots on /dev/xvda; Ubuntu, Windows, RHEL and SUSE on /dev/sda1.
      const amazonLinux = platformDetails === 'Linux/UNIX' && rng.chance(0.6);
      pool.push({ imageId: `ami-${rng.hex(17)}`, rootDeviceName: amazonLinux ? '/dev/xvda' : '/dev/sda1' });
    }
    amis.set(key, pool);
  }
  return rng.pick(pool);
}

/** The ids of a VPC's groups (default, web, app, db, bastion), drawn in this order from the EC2 stream. */
function securityGroupsFor(rng: Rng, profile: AccountProfile): VpcSecurityGroupRefs['groups'] {
  return VPC_SECURITY_GROUP_ROLES.map((role) => ({
    role,
    groupId: `sg-${rng.hex(17)}`,
    groupName: securityGroupNameFor(role, profile.team),
  }));
}

function pickSecurityGroups(rng: Rng, groups: readonly SecurityGroupRef[]): SecurityGroupRef[] {
  const first = rng.pick(groups);
  if (!rng.chance(0.35)) return Object.freeze([first]) as SecurityGroupRef[];
  const second = rng.pick(groups);
  return Object.freeze(second.groupId === first.groupId ? [first] : [first, second]) as SecurityGroupRef[];
}

/** IAM instance profiles are global to the account, so they derive from the account, not the Region. */
function instanceProfilesFor(seed: number, accountId: string, team: string): { arn: string; id: string }[] {
  const names = ['AmazonSSMRoleForInstancesQuickSetup', `${team}-app-profile`, 'ecsInstanceRole'];
  return names.map((name) =>
    Object.freeze({
      arn: `arn:aws:iam::${accountId}:instance-profile/${name}`,
      id: `AIPA${Rng.from(`${seed}|${accountId}|instance-profile|${name}`).chars(17, IAM_ID_ALPHABET)}`,
    }),
  );
}

function vpcNameFor(env: string, index: number, purposeStart: number): string {
  const purpose = VPC_PURPOSES[(purposeStart + index) % VPC_PURPOSES.length] ?? 'main';
  const round = Math.floor(index / VPC_PURPOSES.length);
  return round === 0 ? `${env}-${purpose}` : `${env}-${purpose}-${round + 1}`;
}

export function ipToInt(a: number, b: number, c: number, d: number): number {
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

export function intToIp(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
