// Whether orgraph can read an account, as data: the same facts a failed field reports in errors[].
// An account that is not ACTIVE is answered from its Organizations state without asking STS (AWS
// refuses AssumeRole into suspended and closing accounts).
import type { GraphContext } from '../context.js';
import type { AccessStatus, AccountAccessResolvers } from '../generated/resolvers-types.js';
import type { AccountAccessModel } from '../mappers.js';

const STATUSES: Partial<Record<string, AccessStatus>> = {
  ROLE_NOT_ASSUMABLE: 'ROLE_NOT_ASSUMABLE',
  ACCESS_DENIED: 'ACCESS_DENIED',
  THROTTLED: 'THROTTLED',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
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
    return result.ok ? 'OK' : (STATUSES[result.failure.code] ?? 'UPSTREAM_ERROR');
  },
  roleArn: ({ accountId }, _, ctx) => ctx.data.access.roleArnFor(accountId),
  failure: async (access, _, ctx) => {
    if (await notActive(access, ctx)) return null;
    const result = await ctx.access.check(access.accountId);
    return result.ok ? null : result.failure;
  },
};
