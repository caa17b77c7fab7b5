// The generator's options, their defaults and their validation. Every error names the bad option and
// shows the bad value, so a mistyped CLI flag is easy to spot.
import { ALL_REGIONS, isKnownRegion } from '../regions.js';

/** The shape of one account's EC2 data in every in-scope, enabled Region. */
export type RegionShape = Pick<GeneratorOptions, 'instancesPerRegion' | 'vpcsPerRegion' | 'subnetsPerVpc'>;

export interface GeneratorOptions {
  seed: number; // default 1
  accounts: number; // default 12 (>= 1); accounts[0] is the management account
  /** Regions populated with EC2 data; default ['us-east-1', 'eu-west-1']. */
  regions: string[];
  /** Exact number of instances per (account, in-scope enabled Region); default 20. */
  instancesPerRegion: number;
  /** VPCs per Region INCLUDING the default VPC; default 3. */
  vpcsPerRegion: number;
  /** Default 3; spread round-robin over the Region's AZs. */
  subnetsPerVpc: number;
  readRoleName: string; // default 'CMDBReadRole'
  externalId: string; // default 'orgraph-demo'
  /** Per-account overrides of the per-Region shape, keyed by account id (tests use this, e.g. one account with 300 instances in 5 VPCs / 10 subnets). */
  overrides?: Record<string, Partial<RegionShape>>;
  /**
   * Bound of the cache of derived EC2 data, in items (see REGION_DATA_CACHE_ITEMS, the default). A
   * benchmark raises it to hold its whole world, so that the sim, sharing the machine's cores with the
   * measured gateway, does not derive every Region again on every run.
   */
  regionDataCacheItems?: number;
}

export const DEFAULT_GENERATOR_OPTIONS: GeneratorOptions = Object.freeze({
  seed: 1,
  accounts: 12,
  regions: Object.freeze(['us-east-1', 'eu-west-1']) as string[],
  instancesPerRegion: 20,
  vpcsPerRegion: 3,
  subnetsPerVpc: 3,
  readRoleName: 'CMDBReadRole',
  externalId: 'orgraph-demo',
});

/** Limits that keep ids, CIDR blocks and IP addresses valid. */
export const LIMITS = Object.freeze({
  /** Account ids are 12 digits; the generator draws them from 10^11 .. 10^12-1. */
  maxAccounts: 1_000_000,
  maxInstancesPerRegion: 100_000,
  /** The default VPC plus 256 VPCs 10.0.0.0/16 .. 10.255.0.0/16. */
  maxVpcsPerRegion: 257,
  /** Sixteen /20 subnets fill a /16. */
  maxSubnetsPerVpc: 16,
  /** About 16 GB of derived EC2 data at about 1.6 KB an item. */
  maxRegionDataCacheItems: 10_000_000,
  /** A /24 subnet has 251 usable addresses; 248 leaves room to place reservations of up to 3 whole. */
  maxInstancesPerSubnet: 248,
});

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

function fail(option: string, rule: string, value: unknown): never {
  throw new Error(`generateWorld: option '${option}' ${rule}, got ${JSON.stringify(value)}`);
}

function integerIn(option: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(option, `must be an integer from ${min} to ${max}`, value);
  }
  return value;
}

/** Checks a per-Region shape; `where` prefixes option names (e.g. "overrides['123…'].") */
export function validateShape(shape: RegionShape, where = ''): RegionShape {
  const vpcsPerRegion = integerIn(`${where}vpcsPerRegion`, shape.vpcsPerRegion, 1, LIMITS.maxVpcsPerRegion);
  const subnetsPerVpc = integerIn(`${where}subnetsPerVpc`, shape.subnetsPerVpc, 1, LIMITS.maxSubnetsPerVpc);
  const instancesPerRegion = integerIn(
    `${where}instancesPerRegion`,
    shape.instancesPerRegion,
    0,
    LIMITS.maxInstancesPerRegion,
  );
  const subnets = vpcsPerRegion * subnetsPerVpc;
  if (instancesPerRegion > subnets * LIMITS.maxInstancesPerSubnet) {
    fail(
      `${where}instancesPerRegion`,
      `must be at most ${LIMITS.maxInstancesPerSubnet} per subnet (${subnets} subnets: ` +
        `${vpcsPerRegion} VPCs x ${subnetsPerVpc}), i.e. at most ${subnets * LIMITS.maxInstancesPerSubnet}`,
      instancesPerRegion,
    );
  }
  return { instancesPerRegion, vpcsPerRegion, subnetsPerVpc };
}

/**
 * Merges the given options over the defaults (undefined means "use the default") and validates them.
 * Keys that are not generator options are ignored, so callers may pass a larger options object.
 * `accountIdAt` lets it check that override keys name accounts of the world being generated.
 */
export function resolveOptions(
  given: Partial<GeneratorOptions>,
  accountIdAt: (seed: number, index: number) => string,
): GeneratorOptions {
  const d = DEFAULT_GENERATOR_OPTIONS;
  const seed = given.seed ?? d.seed;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) fail('seed', 'must be a safe integer', seed);
  const accounts = integerIn('accounts', given.accounts ?? d.accounts, 1, LIMITS.maxAccounts);

  const regions = given.regions ?? [...d.regions];
  if (!Array.isArray(regions) || regions.length === 0) {
    fail('regions', 'must be a non-empty list of Region names', regions);
  }
  const seen = new Set<string>();
  for (const region of regions) {
    if (typeof region !== 'string' || !isKnownRegion(region)) {
      fail(
        'regions',
        `names an unknown Region ${JSON.stringify(region)} (known: ${ALL_REGIONS.join(', ')})`,
        regions,
      );
    }
    if (seen.has(region)) fail('regions', `names Region ${JSON.stringify(region)} twice`, regions);
    seen.add(region);
  }

  const shape = validateShape({
    instancesPerRegion: given.instancesPerRegion ?? d.instancesPerRegion,
    vpcsPerRegion: given.vpcsPerRegion ?? d.vpcsPerRegion,
    subnetsPerVpc: given.subnetsPerVpc ?? d.subnetsPerVpc,
  });

  const readRoleName = given.readRoleName ?? d.readRoleName;
  if (typeof readRoleName !== 'string' || !ROLE_NAME.test(readRoleName)) {
    fail(
      'readRoleName',
      'must be an IAM role name (1-64 characters of letters, digits and +=,.@_-)',
      readRoleName,
    );
  }
  const externalId = given.externalId ?? d.externalId;
  if (typeof externalId !== 'string' || !EXTERNAL_ID.test(externalId)) {
    fail('externalId', 'must be 2-1224 characters of letters, digits and +=,.@:/_-', externalId);
  }

  const resolved: GeneratorOptions = {
    seed,
    accounts,
    regions: [...regions],
    ...shape,
    readRoleName,
    externalId,
  };
  if (given.regionDataCacheItems !== undefined)
    resolved.regionDataCacheItems = integerIn(
      'regionDataCacheItems',
      given.regionDataCacheItems,
      1,
      LIMITS.maxRegionDataCacheItems,
    );
  if (given.overrides !== undefined) {
    if (typeof given.overrides !== 'object' || given.overrides === null || Array.isArray(given.overrides)) {
      fail('overrides', 'must be an object keyed by account id', given.overrides);
    }
    const known = new Set<string>();
    for (let i = 0; i < accounts; i++) known.add(accountIdAt(seed, i));
    const overrides: Record<string, Partial<RegionShape>> = {};
    for (const [accountId, override] of Object.entries(given.overrides)) {
      if (!known.has(accountId)) {
        fail(
          'overrides',
          `names account ${JSON.stringify(accountId)}, which is not one of the ${accounts} accounts of seed ${seed} (see accountIdAt)`,
          Object.keys(given.overrides),
        );
      }
      const where = `overrides['${accountId}'].`;
      if (typeof override !== 'object' || override === null)
        fail(`overrides['${accountId}']`, 'must be an object', override);
      validateShape({ ...shape, ...definedOnly(override) }, where);
      overrides[accountId] = { ...definedOnly(override) };
    }
    resolved.overrides = overrides;
  }
  return resolved;
}

/** The shape for one account: the options' shape with the account's override on top. */
export function shapeFor(options: GeneratorOptions, accountId: string): RegionShape {
  const base: RegionShape = {
    instancesPerRegion: options.instancesPerRegion,
    vpcsPerRegion: options.vpcsPerRegion,
    subnetsPerVpc: options.subnetsPerVpc,
  };
  const override = options.overrides?.[accountId];
  return override === undefined ? base : { ...base, ...definedOnly(override) };
}

function definedOnly(shape: Partial<RegionShape>): Partial<RegionShape> {
  const out: Partial<RegionShape> = {};
  if (shape.instancesPerRegion !== undefined) out.instancesPerRegion = shape.instancesPerRegion;
  if (shape.vpcsPerRegion !== undefined) out.vpcsPerRegion = shape.vpcsPerRegion;
  if (shape.subnetsPerVpc !== undefined) out.subnetsPerVpc = shape.subnetsPerVpc;
  return out;
}
