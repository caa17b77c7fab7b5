// Which Regions an account may use: its enabled Regions (the ones that need no opt-in plus those it
// opted into), minus any a knob scenario disables. EC2 answers AuthFailure 401 elsewhere, and STS
// refuses the account's credentials there (InvalidClientTokenId 403).
import type { SimWorld } from './model.js';
import type { SimKnobs } from './knobs.js';
import { scenarioFor } from './knobs.js';

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
