// The Region catalogue of the simulated AWS (commercial partition): which Regions exist, which need
// opt-in, their availability zones, and the DNS naming conventions EC2 uses in each.
//
// Zone names and zone ids follow the real shapes (us-east-1a / use1-az1). In AWS the mapping from
// zone name to zone id differs per account; the sim uses one fixed mapping for every account.
import type { SimAvailabilityZone } from './model.js';

interface RegionEntry {
  region: string;
  optIn: boolean;
  /** Zone id prefix, e.g. 'use1' for us-east-1. */
  zoneIdPrefix: string;
  /** [zone letter, zone id number] pairs in zone-name order. */
  zones: ReadonlyArray<readonly [string, number]>;
}

const abc: ReadonlyArray<readonly [string, number]> = [
  ['a', 1],
  ['b', 2],
  ['c', 3],
];

/** Regions launched before March 2019 need no opt-in; later ones do. */
const CATALOGUE: readonly RegionEntry[] = [
  {
    region: 'us-east-1',
    optIn: false,
    zoneIdPrefix: 'use1',
    zones: [
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
      ['e', 5],
      ['f', 6],
    ],
  },
  { region: 'us-east-2', optIn: false, zoneIdPrefix: 'use2', zones: abc },
  {
    region: 'us-west-1',
    optIn: false,
    zoneIdPrefix: 'usw1',
    zones: [
      ['a', 1],
      ['c', 3],
    ],
  },
  {
    region: 'us-west-2',
    optIn: false,
    zoneIdPrefix: 'usw2',
    zones: [
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
    ],
  },
  {
    region: 'ca-central-1',
    optIn: false,
    zoneIdPrefix: 'cac1',
    zones: [
      ['a', 1],
      ['b', 2],
      ['d', 4],
    ],
  },
  { region: 'eu-west-1', optIn: false, zoneIdPrefix: 'euw1', zones: abc },
  { region: 'eu-west-2', optIn: false, zoneIdPrefix: 'euw2', zones: abc },
  { region: 'eu-west-3', optIn: false, zoneIdPrefix: 'euw3', zones: abc },
  { region: 'eu-central-1', optIn: false, zoneIdPrefix: 'euc1', zones: abc },
  { region: 'eu-north-1', optIn: false, zoneIdPrefix: 'eun1', zones: abc },
  { region: 'ap-south-1', optIn: false, zoneIdPrefix: 'aps1', zones: abc },
  {
    region: 'ap-northeast-1',
    optIn: false,
    zoneIdPrefix: 'apne1',
    zones: [
      ['a', 4],
      ['c', 1],
      ['d', 2],
    ],
  },
  {
    region: 'ap-northeast-2',
    optIn: false,
    zoneIdPrefix: 'apne2',
    zones: [
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
    ],
  },
  { region: 'ap-northeast-3', optIn: false, zoneIdPrefix: 'apne3', zones: abc },
  { region: 'ap-southeast-1', optIn: false, zoneIdPrefix: 'apse1', zones: abc },
  { region: 'ap-southeast-2', optIn: false, zoneIdPrefix: 'apse2', zones: abc },
  { region: 'sa-east-1', optIn: false, zoneIdPrefix: 'sae1', zones: abc },
  { region: 'af-south-1', optIn: true, zoneIdPrefix: 'afs1', zones: abc },
  { region: 'ap-east-1', optIn: true, zoneIdPrefix: 'ape1', zones: abc },
  { region: 'ap-south-2', optIn: true, zoneIdPrefix: 'aps2', zones: abc },
  { region: 'ap-southeast-3', optIn: true, zoneIdPrefix: 'apse3', zones: abc },
  { region: 'ap-southeast-4', optIn: true, zoneIdPrefix: 'apse4', zones: abc },
  { region: 'ca-west-1', optIn: true, zoneIdPrefix: 'caw1', zones: abc },
  { region: 'eu-central-2', optIn: true, zoneIdPrefix: 'euc2', zones: abc },
  { region: 'eu-south-1', optIn: true, zoneIdPrefix: 'eus1', zones: abc },
  { region: 'eu-south-2', optIn: true, zoneIdPrefix: 'eus2', zones: abc },
  { region: 'il-central-1', optIn: true, zoneIdPrefix: 'ilc1', zones: abc },
  { region: 'me-central-1', optIn: true, zoneIdPrefix: 'mec1', zones: abc },
  { region: 'me-south-1', optIn: true, zoneIdPrefix: 'mes1', zones: abc },
];

const ZONES_BY_REGION: ReadonlyMap<string, readonly SimAvailabilityZone[]> = new Map(
  CATALOGUE.map((entry) => [
    entry.region,
    Object.freeze(
      entry.zones.map(([letter, n]) =>
        Object.freeze({
          zoneName: `${entry.region}${letter}`,
          zoneId: `${entry.zoneIdPrefix}-az${n}`,
          state: 'available' as const,
        }),
      ),
    ),
  ]),
);

/** Every Region the sim knows, opt-in ones included, in catalogue order. */
export const ALL_REGIONS: readonly string[] = Object.freeze(CATALOGUE.map((e) => e.region));

/** Regions that need opt-in (OptInStatus 'opted-in' | 'not-opted-in'). */
export const OPT_IN_REGIONS: ReadonlySet<string> = new Set(
  CATALOGUE.filter((e) => e.optIn).map((e) => e.region),
);

/** Regions enabled in every account (OptInStatus 'opt-in-not-required'). */
export const DEFAULT_ENABLED_REGIONS: readonly string[] = Object.freeze(
  CATALOGUE.filter((e) => !e.optIn).map((e) => e.region),
);

export function isKnownRegion(region: string): boolean {
  return ZONES_BY_REGION.has(region);
}

/** The Region's availability zones in zone-name order; empty for a Region the sim does not know. */
export function availabilityZonesOf(region: string): SimAvailabilityZone[] {
  // A fresh array each call, so a caller sorting or filtering in place cannot corrupt the catalogue;
  // the zone objects themselves are frozen.
  return [...(ZONES_BY_REGION.get(region) ?? [])];
}

/** EC2 private DNS name: ip-10-0-1-5.ec2.internal in us-east-1, ip-10-0-1-5.<region>.compute.internal elsewhere. */
export function privateDnsNameFor(region: string, privateIp: string): string {
  const host = `ip-${privateIp.replaceAll('.', '-')}`;
  return region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

/** EC2 public DNS name: ec2-54-1-2-3.compute-1.amazonaws.com in us-east-1, ec2-….<region>.compute.amazonaws.com elsewhere. */
export function publicDnsNameFor(region: string, publicIp: string): string {
  const host = `ec2-${publicIp.replaceAll('.', '-')}`;
  return region === 'us-east-1'
    ? `${host}.compute-1.amazonaws.com`
    : `${host}.${region}.compute.amazonaws.com`;
}
