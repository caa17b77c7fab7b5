// Which Regions an account may call EC2 in: its enabled Regions (opt-in-not-required ones plus those it
// opted into), minus any a knob scenario disables. EC2 answers every call elsewhere with AuthFailure 401.
import type { SimWorld, OptInStatus } from '../../model.js';
import type { SimKnobs } from '../../knobs.js';
import { scenarioFor } from '../../knobs.js';
import { ec2Errors } from './errors.js';

export function isRegionEnabled(
  world: SimWorld,
  knobs: SimKnobs,
  accountId: string,
  region: string,
): boolean {
  if (scenarioFor(knobs, accountId).disabledRegions?.includes(region)) return false;
  const account = world.accountById.get(accountId);
  if (account) return account.enabledRegions.has(region);
  // An account outside the organization (none in generated worlds): the Regions that need no opt-in.
  return world.allRegions.includes(region) && !world.optInRegions.has(region);
}

export function assertRegionEnabled(
  world: SimWorld,
  knobs: SimKnobs,
  accountId: string,
  region: string,
): void {
  if (!isRegionEnabled(world, knobs, accountId, region)) throw ec2Errors.authFailure();
}

export function optInStatus(
  world: SimWorld,
  knobs: SimKnobs,
  accountId: string,
  region: string,
): OptInStatus {
  const enabled = isRegionEnabled(world, knobs, accountId, region);
  if (!enabled) return 'not-opted-in';
  return world.optInRegions.has(region) ? 'opted-in' : 'opt-in-not-required';
}
