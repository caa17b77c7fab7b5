// Which Regions an account may call EC2 in (see account-regions.ts); EC2 answers every call elsewhere
// with AuthFailure 401.
import type { SimWorld, OptInStatus } from '../../model.js';
import type { SimKnobs } from '../../knobs.js';
import { isRegionEnabled } from '../../account-regions.js';
import { ec2Errors } from './errors.js';

export { isRegionEnabled };

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
