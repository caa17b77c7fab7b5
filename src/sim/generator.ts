// The deterministic organization generator: builds a SimWorld from a seed. The organization, its
// accounts and roles are built at once (cheap: no per-Region work); each (account, Region)'s EC2 data
// is derived on first use from (seed, account id, Region) and memoized in a bounded LRU. Because the
// data is a pure function of those three, eviction is harmless: it is rebuilt identically.
//
// Region rules: every account has every Region that needs no opt-in enabled, and each opt-in Region
// for a deterministic ~30% of accounts (optInRegionEnabled). An in-scope opt-in Region therefore has
// EC2 data only in the accounts that opted in; regionData is empty everywhere else.
//
// This file is the generator's public API.
import { LRUCache } from 'lru-cache';
import type { SimRegionData, SimWorld } from './model.js';
import { ALL_REGIONS, OPT_IN_REGIONS, availabilityZonesOf } from './regions.js';
import { deriveRegionData } from './generator/ec2-data.js';
import { generateCentralUser, generateRoles } from './generator/identities.js';
import { resolveOptions, shapeFor } from './generator/options.js';
import type { GeneratorOptions } from './generator/options.js';
import { accountIdAt, generateOrganization } from './generator/organization.js';

export type { GeneratorOptions, RegionShape } from './generator/options.js';
export { DEFAULT_GENERATOR_OPTIONS, LIMITS as GENERATOR_LIMITS } from './generator/options.js';
export {
  accountIdAt,
  optInRegionEnabled,
  OPT_IN_PERCENT,
  REFERENCE_TIME_MS,
} from './generator/organization.js';
export { CENTRAL_ROLE_NAME, CENTRAL_USER_NAME, centralRoleArn } from './generator/identities.js';
export { dumpWorld } from './generator/dump.js';
export type { DumpFormat } from './generator/dump.js';

/**
 * Bound of the EC2 data cache, in cached items (VPCs + subnets + instances + security groups, plus one
 * per entry).
 * About 1.6 KB each (measured), so the cache stays under about 80 MB however large the organization.
 */
export const REGION_DATA_CACHE_ITEMS = 50_000;

/** How often a world derived EC2 data or served it from its cache (for tests and benchmarks). */
export interface GeneratorStats {
  regionDataDerivations: number;
  regionDataCacheHits: number;
}

const statsByWorld = new WeakMap<SimWorld, GeneratorStats>();

/** A snapshot of the world's generator counters; zeros for a world this module did not generate. */
export function generatorStats(world: SimWorld): GeneratorStats {
  const stats = statsByWorld.get(world);
  return stats === undefined ? { regionDataDerivations: 0, regionDataCacheHits: 0 } : { ...stats };
}

/** Builds the world of the given options (missing or undefined ones take their defaults). Throws on a bad option. */
export function generateWorld(options: Partial<GeneratorOptions> = {}): SimWorld {
  const resolved = resolveOptions(options, accountIdAt);
  const { seed, readRoleName, externalId } = resolved;
  const { organization, organizationalUnits, accounts, profiles } = generateOrganization(
    seed,
    resolved.accounts,
  );
  const accountById = new Map(accounts.map((account) => [account.id, account]));
  const centralAccountId = organization.managementAccountId;
  const centralUser = generateCentralUser(seed, centralAccountId);
  const roles = generateRoles(accounts, {
    seed,
    readRoleName,
    externalId,
    managementAccountId: organization.managementAccountId,
    centralUser,
  });
  const regionsInScope = [...resolved.regions];
  const inScope = new Set(regionsInScope);

  const stats: GeneratorStats = { regionDataDerivations: 0, regionDataCacheHits: 0 };
  const cache = new LRUCache<string, SimRegionData>({
    maxSize: resolved.regionDataCacheItems ?? REGION_DATA_CACHE_ITEMS,
    sizeCalculation: (data) =>
      1 + data.vpcs.length + data.subnets.length + data.instances.length + data.securityGroups.length,
  });

  const regionData = (accountId: string, region: string): SimRegionData => {
    const account = accountById.get(accountId);
    const profile = profiles.get(accountId);
    if (
      account === undefined ||
      profile === undefined ||
      !inScope.has(region) ||
      !account.enabledRegions.has(region)
    ) {
      return { vpcs: [], subnets: [], instances: [], securityGroups: [] };
    }
    const key = `${accountId}|${region}`;
    const cached = cache.get(key);
    if (cached !== undefined) {
      stats.regionDataCacheHits++;
      return cached;
    }
    stats.regionDataDerivations++;
    const data = deriveRegionData({ seed, accountId, region, shape: shapeFor(resolved, accountId), profile });
    cache.set(key, data);
    return data;
  };

  const world: SimWorld = {
    seed,
    organization,
    accounts,
    accountById,
    organizationalUnits,
    allRegions: [...ALL_REGIONS],
    optInRegions: new Set(OPT_IN_REGIONS),
    regionsInScope,
    centralAccountId,
    centralUser,
    roles,
    readRoleName,
    externalId,
    regionData,
    availabilityZones: availabilityZonesOf,
    delegatedAdministrators: new Set(),
  };
  statsByWorld.set(world, stats);
  return world;
}
