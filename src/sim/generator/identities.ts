// IAM identities of a world: the central user (long-lived AKIA key, derived from the seed) and the
// roles — the read role in every account, and OrgraphCentralRole (for Roles Anywhere) in the central
// account.
import type { SimAccount, SimRole, SimUser } from '../model.js';
import { hash32, IAM_ID_ALPHABET, Rng, SECRET_ALPHABET } from './prng.js';

export const CENTRAL_USER_NAME = 'orgraph-central';
export const CENTRAL_ROLE_NAME = 'OrgraphCentralRole';

const CENTRAL_PERMISSIONS = [
  'sts:AssumeRole',
  'sts:GetCallerIdentity',
  'organizations:Describe*',
  'organizations:List*',
];
const READ_PERMISSIONS = ['ec2:Describe*', 'sts:GetCallerIdentity'];
const ORGANIZATIONS_READ = ['organizations:Describe*', 'organizations:List*'];

/** Percentage of accounts whose read role allows 12-hour sessions (the rest allow the default hour). */
export const LONG_SESSION_PERCENT = 10;

export function generateCentralUser(seed: number, centralAccountId: string): SimUser {
  const rng = Rng.from(`${seed}|central-user`);
  return {
    accountId: centralAccountId,
    name: CENTRAL_USER_NAME,
    arn: `arn:aws:iam::${centralAccountId}:user/${CENTRAL_USER_NAME}`,
    userId: `AIDA${rng.chars(17, IAM_ID_ALPHABET)}`,
    accessKeyId: `AKIA${rng.chars(16, IAM_ID_ALPHABET)}`,
    secretAccessKey: rng.chars(40, SECRET_ALPHABET),
    permissions: [...CENTRAL_PERMISSIONS],
  };
}

export function centralRoleArn(centralAccountId: string): string {
  return `arn:aws:iam::${centralAccountId}:role/${CENTRAL_ROLE_NAME}`;
}

export interface RoleSettings {
  seed: number;
  readRoleName: string;
  externalId: string;
  managementAccountId: string;
  centralUser: SimUser;
}

/** Every role of the world, keyed by ARN: the read role in each account, plus the central role. */
export function generateRoles(accounts: readonly SimAccount[], settings: RoleSettings): Map<string, SimRole> {
  const { seed, readRoleName, externalId, managementAccountId, centralUser } = settings;
  const centralArn = centralRoleArn(centralUser.accountId);
  const roles = new Map<string, SimRole>();
  for (const account of accounts) {
    const arn = `arn:aws:iam::${account.id}:role/${readRoleName}`;
    const longSessions = hash32(`${seed}|${account.id}|max-session`) % 100 < LONG_SESSION_PERCENT;
    roles.set(arn, {
      accountId: account.id,
      name: readRoleName,
      path: '/',
      arn,
      roleId: roleIdFor(seed, arn),
      trustedPrincipals: [centralUser.arn, centralArn],
      externalId,
      maxSessionDuration: longSessions ? 43_200 : 3_600,
      permissions:
        account.id === managementAccountId
          ? [...READ_PERMISSIONS, ...ORGANIZATIONS_READ]
          : [...READ_PERMISSIONS],
    });
  }
  roles.set(centralArn, {
    accountId: centralUser.accountId,
    name: CENTRAL_ROLE_NAME,
    path: '/',
    arn: centralArn,
    roleId: roleIdFor(seed, centralArn),
    trustedPrincipals: [],
    trustsRolesAnywhere: true,
    maxSessionDuration: 3_600,
    permissions: [...CENTRAL_PERMISSIONS],
  });
  return roles;
}

function roleIdFor(seed: number, arn: string): string {
  return `AROA${Rng.from(`${seed}|${arn}|role-id`).chars(17, IAM_ID_ALPHABET)}`;
}
