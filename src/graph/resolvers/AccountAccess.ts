// Whether orgraph can read an account, as data: the same facts a failed field reports in errors[].
// An account that is not ACTIVE is answered from its Organizations state without asking STS (AWS
// refuses AssumeRole into suspended and closing accounts).
import type { GatewayErrorCode } from '../../aws/errors.js';
import type { GraphContext } from '../context.js';
import type { AccessStatus, AccountAccessResolvers } from '../generated/resolvers-types.js';
import type { AccountAccessModel } from '../mappers.js';

/**
 * The status of each code the one error model (aws/classify.ts) can give a failed access check; a
 * Record over the whole enum, so a new code cannot be added without deciding its status here.
 */
const STATUSES: Record<GatewayErrorCode, AccessStatus> = {
  ROLE_NOT_ASSUMABLE: 'ROLE_NOT_ASSUMABLE',
  ACCESS_DENIED: 'ACCESS_DENIED',
  THROTTLED: 'THROTTLED',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  UPSTREAM_ERROR: 'UPSTREAM_ERROR',
  // A session is the account's, not a Region's, and the account id comes from Organizations: neither
  // can be why an access check fails, so they are reported as what they would be, an upstream error.
  REGION_NOT_ENABLED: 'UPSTREAM_ERROR',
  BAD_USER_INPUT: 'UPSTREAM_ERROR',
};

/** True when Organizations reports the account in a state other than ACTIVE (a static list has none). */
async function notActive(access: AccountAccessModel, ctx: GraphContext): Promise<boolean> {
  const record = access.record ?? (await ctx.organizations.accountById()).get(access.accountId);
  return record?.state !== undefined && record.state !== 'ACTIVE';
}

export const AccountAccess: AccountAccessResolvers = {
  status: async (access, _, ctx) => {
    if (await notActive(access, ctx)) return 'ACCOUNT_NOT_ACTIVE';
    const result = await ctx.access.check(access.accountId);
    return result.ok ? 'OK' : STATUSES[result.failure.code];
  },
  roleArn: ({ accountId }, _, ctx) => ctx.data.sessions.roleArnFor(accountId),
  failure: async (access, _, ctx) => {
    if (await notActive(access, ctx)) return null;
    const result = await ctx.access.check(access.accountId);
    return result.ok ? null : result.failure;
  },
};
