// Whether orgraph can read an account, as data: the same facts a failed field reports in errors[].
import type { AccessStatus, AccountAccessResolvers } from '../generated/resolvers-types.js';

const STATUSES: Partial<Record<string, AccessStatus>> = {
  ROLE_NOT_ASSUMABLE: 'ROLE_NOT_ASSUMABLE',
  ACCESS_DENIED: 'ACCESS_DENIED',
  THROTTLED: 'THROTTLED',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
};

export const AccountAccess: AccountAccessResolvers = {
  status: async ({ accountId }, _, ctx) => {
    const result = await ctx.access.check(accountId);
    return result.ok ? 'OK' : (STATUSES[result.failure.code] ?? 'UPSTREAM_ERROR');
  },
  roleArn: ({ accountId }, _, ctx) => ctx.data.access.roleArnFor(accountId),
  failure: async ({ accountId }, _, ctx) => {
    const result = await ctx.access.check(accountId);
    return result.ok ? null : result.failure;
  },
};
