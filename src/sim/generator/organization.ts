// The organization part of a world: account ids, the OU tree, accounts with their states, names,
// emails and joined times, and which opt-in Regions each account has enabled.
//
// OU tree (always complete, even when some OUs stay empty):
//   Root ─ Security, Infrastructure, Workloads ─ {Prod, NonProd ─ {Dev, Test}}, Sandbox, Suspended
// The management account (index 0) sits directly under the root, as do a few "legacy" accounts.
// SUSPENDED and PENDING_CLOSURE accounts (a few, from 6 and 10 accounts on) sit in Suspended.
import type {
  AccountState,
  AccountStatus,
  SimAccount,
  SimOrganization,
  SimOrganizationalUnit,
} from '../model.js';
import { DEFAULT_ENABLED_REGIONS, OPT_IN_REGIONS } from '../regions.js';
import { COMPANIES, PEOPLE, TEAMS } from './names.js';
import { hash128, hash32, LOWER_ALNUM, mix32, Rng } from './prng.js';

/** The generated world is a snapshot as of this instant (2025-06-01T00:00:00Z): every time lies before it. */
export const REFERENCE_TIME_MS = Date.UTC(2025, 5, 1);
const DAY_MS = 86_400_000;

/** Percentage of (account, opt-in Region) pairs that are opted in. */
export const OPT_IN_PERCENT = 30;

/**
 * The id of the account at `index` (0 = management account) in the world of `seed`. Distinct indices
 * give distinct ids: a keyed Feistel permutation of [0, 2^40), cycle-walked into [0, 9·10^11), plus 10^11.
 */
export function accountIdAt(seed: number, index: number): string {
  if (!Number.isSafeInteger(seed)) throw new Error(`accountIdAt: seed must be a safe integer, got ${seed}`);
  if (!Number.isInteger(index) || index < 0 || index >= ACCOUNT_ID_SPACE) {
    throw new Error(`accountIdAt: index must be an integer from 0 to ${ACCOUNT_ID_SPACE - 1}, got ${index}`);
  }
  const keys = feistelKeys(seed);
  let x = index;
  do x = feistel40(x, keys);
  while (x >= ACCOUNT_ID_SPACE);
  return String(100_000_000_000 + x);
}

const ACCOUNT_ID_SPACE = 900_000_000_000;
const HALF = 2 ** 20;
const HALF_MASK = HALF - 1;

/** Four round keys derived from the seed. */
function feistelKeys(seed: number): readonly number[] {
  return hash128(`${seed}|account-ids`);
}

function feistel40(x: number, keys: readonly number[]): number {
  let left = Math.floor(x / HALF);
  let right = x % HALF;
  for (const key of keys) {
    const next = (left ^ (mix32(right ^ key) & HALF_MASK)) >>> 0;
    left = right;
    right = next;
  }
  return left * HALF + right;
}

/** Whether `accountId` has opted in to the opt-in Region `region` (a pure function of the three). */
export function optInRegionEnabled(seed: number, accountId: string, region: string): boolean {
  if (!OPT_IN_REGIONS.has(region)) return true;
  return hash32(`${seed}|${accountId}|${region}|opt-in`) % 100 < OPT_IN_PERCENT;
}

/** What the EC2 generator needs to know about an account beyond SimAccount. */
export interface AccountProfile {
  team: string;
  env: string;
  domain: string;
  joinedMs: number;
}

export interface GeneratedOrganization {
  organization: SimOrganization;
  organizationalUnits: SimOrganizationalUnit[];
  accounts: SimAccount[];
  profiles: Map<string, AccountProfile>;
}

type Placement =
  'Root' | 'Security' | 'Infrastructure' | 'Workloads' | 'Prod' | 'Dev' | 'Test' | 'Sandbox' | 'Suspended';

const OU_TREE: ReadonlyArray<
  readonly [name: Exclude<Placement, 'Root'> | 'NonProd', parent: Placement | 'NonProd']
> = [
  ['Security', 'Root'],
  ['Infrastructure', 'Root'],
  ['Workloads', 'Root'],
  ['Prod', 'Workloads'],
  ['NonProd', 'Workloads'],
  ['Dev', 'NonProd'],
  ['Test', 'NonProd'],
  ['Sandbox', 'Root'],
  ['Suspended', 'Root'],
];

const PLACEMENT_WEIGHTS: ReadonlyArray<readonly [Placement, number]> = [
  ['Prod', 30],
  ['Dev', 22],
  ['Test', 14],
  ['Sandbox', 14],
  ['Workloads', 5],
  ['Infrastructure', 6],
  ['Security', 3],
  ['Root', 6],
];

/** The first accounts of every organization: a landing-zone layout. */
const FIXED_ACCOUNTS: ReadonlyArray<readonly [Placement, string]> = [
  ['Security', 'log-archive'],
  ['Security', 'audit'],
  ['Infrastructure', 'network'],
  ['Infrastructure', 'shared-services'],
];

const INFRA_NAMES = ['ci-cd', 'backup', 'dns', 'egress', 'transit', 'identity-center'];
const SECURITY_NAMES = ['security-tooling', 'guardduty-admin', 'forensics'];

export function generateOrganization(seed: number, accountCount: number): GeneratedOrganization {
  const rng = Rng.from(`${seed}|organization`);
  const [companyName, domain] = rng.pick(COMPANIES);
  const managementId = accountIdAt(seed, 0);
  const orgId = `o-${rng.chars(10, LOWER_ALNUM)}`;
  const rootSuffix = rng.chars(4, LOWER_ALNUM);
  const rootId = `r-${rootSuffix}`;
  const arnPrefix = `arn:aws:organizations::${managementId}`;

  const ouIds = new Map<string, string>([['Root', rootId]]);
  const organizationalUnits: SimOrganizationalUnit[] = OU_TREE.map(([name, parent]) => {
    const id = `ou-${rootSuffix}-${rng.chars(8, LOWER_ALNUM)}`;
    ouIds.set(name, id);
    return { id, arn: `${arnPrefix}:ou/${orgId}/${id}`, name, parentId: ouIds.get(parent) ?? rootId };
  });

  const closing = chooseClosingAccounts(rng, accountCount);
  const usedNames = new Set<string>();
  const uniqueName = (base: string): string => {
    let name = base;
    for (let k = 2; usedNames.has(name); k++) name = `${base}-${k}`;
    usedNames.add(name);
    return name;
  };

  // Accounts joined in index order over about five and a half years before the reference time.
  const firstJoinedMs = REFERENCE_TIME_MS - 6 * 365 * DAY_MS + rng.int(0, 30) * DAY_MS;
  const slotMs = Math.max(1, Math.floor((REFERENCE_TIME_MS - 14 * DAY_MS - firstJoinedMs) / accountCount));

  const accounts: SimAccount[] = [];
  const profiles = new Map<string, AccountProfile>();
  for (let index = 0; index < accountCount; index++) {
    const id = accountIdAt(seed, index);
    const joinedMs = firstJoinedMs + index * slotMs + (index === 0 ? 0 : rng.int(0, slotMs - 1));
    const status: AccountStatus = closing.get(index) ?? 'ACTIVE';
    const shape = index === 0 ? managementShape(companyName) : memberShape(rng, index, status);
    const name = uniqueName(shape.name);
    const enabledRegions = new Set<string>(DEFAULT_ENABLED_REGIONS);
    for (const region of OPT_IN_REGIONS) {
      if (optInRegionEnabled(seed, id, region)) enabledRegions.add(region);
    }
    accounts.push({
      id,
      arn: `${arnPrefix}:account/${orgId}/${id}`,
      name,
      email: `aws+${name}@${domain}`,
      status,
      state: status satisfies AccountState,
      joinedMethod:
        index === 0 || shape.placement === 'Root' ? 'INVITED' : rng.chance(0.15) ? 'INVITED' : 'CREATED',
      joinedTimestamp: new Date(joinedMs),
      parentId: ouIds.get(shape.placement) ?? rootId,
      enabledRegions,
    });
    profiles.set(id, { team: shape.team, env: shape.env, domain, joinedMs });
  }

  const management = accounts[0];
  if (management === undefined)
    throw new Error('generateOrganization: an organization needs at least one account');
  const organization: SimOrganization = {
    id: orgId,
    arn: `${arnPrefix}:organization/${orgId}`,
    featureSet: 'ALL',
    managementAccountId: managementId,
    managementAccountArn: management.arn,
    managementAccountEmail: management.email,
    root: { id: rootId, arn: `${arnPrefix}:root/${orgId}/${rootId}`, name: 'Root' },
  };
  return { organization, organizationalUnits, accounts, profiles };
}

/** Which account indices are SUSPENDED or PENDING_CLOSURE: a few, never the landing-zone accounts. */
function chooseClosingAccounts(rng: Rng, accountCount: number): Map<number, AccountStatus> {
  const closing = new Map<number, AccountStatus>();
  const firstCandidate = FIXED_ACCOUNTS.length + 1;
  const candidates = accountCount - firstCandidate;
  const suspended = accountCount >= 6 ? Math.max(1, Math.floor(accountCount / 50)) : 0;
  const pendingClosure = accountCount >= 10 ? Math.max(1, Math.floor(accountCount / 100)) : 0;
  const wanted = Math.min(candidates, suspended + pendingClosure);
  while (closing.size < wanted) {
    const index = rng.int(firstCandidate, accountCount - 1);
    if (!closing.has(index)) closing.set(index, closing.size < suspended ? 'SUSPENDED' : 'PENDING_CLOSURE');
  }
  return closing;
}

interface AccountShape {
  placement: Placement;
  name: string;
  team: string;
  env: string;
}

function managementShape(companyName: string): AccountShape {
  return {
    placement: 'Root',
    name: `${companyName.toLowerCase().replaceAll(' ', '-')}-management`,
    team: 'platform',
    env: 'shared',
  };
}

function memberShape(rng: Rng, index: number, status: AccountStatus): AccountShape {
  const team = rng.pick(TEAMS);
  if (status !== 'ACTIVE') return { placement: 'Suspended', name: `${team}-retired`, team, env: 'dev' };
  const fixed = FIXED_ACCOUNTS[index - 1];
  if (fixed !== undefined) {
    const [placement, name] = fixed;
    return { placement, name, team: placement === 'Security' ? 'security' : 'platform', env: 'shared' };
  }
  const placement = rng.weighted(PLACEMENT_WEIGHTS);
  switch (placement) {
    case 'Prod':
      return { placement, name: `${team}-prod`, team, env: 'prod' };
    case 'Dev':
      return { placement, name: `${team}-dev`, team, env: 'dev' };
    case 'Test':
      return { placement, name: rng.chance(0.5) ? `${team}-test` : `${team}-staging`, team, env: 'test' };
    case 'Sandbox': {
      const person = rng.pick(PEOPLE);
      return { placement, name: `sandbox-${person.replace('.', '-')}`, team, env: 'sandbox' };
    }
    case 'Workloads':
      return { placement, name: `${team}-shared`, team, env: 'shared' };
    case 'Infrastructure':
      return { placement, name: rng.pick(INFRA_NAMES), team: 'platform', env: 'shared' };
    case 'Security':
      return { placement, name: rng.pick(SECURITY_NAMES), team: 'security', env: 'shared' };
    default:
      return { placement, name: `legacy-${team}`, team, env: 'prod' };
  }
}
