// The organizational units and root above an account, nearest first: what a per-account role
// override that names `unitIds` matches against. One ListParents per level (Organizations answers a
// child's single parent), through the data layer, so the calls are cached, limited and retried like
// every other.
import type { AwsData } from './contract.js';

/** Deeper than any organization: AWS allows five levels of units below the root. */
const MAX_LEVELS = 8;

export function unitsAboveFrom(
  data: Pick<AwsData, 'organizations'>,
): (accountId: string) => Promise<string[]> {
  return async (accountId) => {
    const units: string[] = [];
    let child = accountId;
    for (let level = 0; level < MAX_LEVELS; level++) {
      const [parent] = (await data.organizations.listParents(child)).value;
      if (!parent?.Id) break;
      units.push(parent.Id);
      if (parent.Type === 'ROOT') break;
      child = parent.Id;
    }
    return units;
  };
}
