// The entry points: the organization, accounts, the organization-wide lists and node(id).
import type { QueryResolvers } from '../generated/resolvers-types.js';
import { checkEnv, requireValidArguments } from '../argument-checks.js';
import type { GraphContext } from '../context.js';
import type { AccountWhere, InputMaybe } from '../generated/resolvers-types.js';
import type { AccountRecord } from '../mappers.js';
import { accountModel, organizationModel } from '../mappers.js';
import { fanoutListFields, pageRequest, wholeListPage } from './lists.js';
import { resolveNode } from './Node.js';

const ALL = { all: true } as const;

export const Query: QueryResolvers = {
  node: (_, { id }, ctx) => resolveNode(id, ctx),
  // No call here: the organization's fields read what they need.
  organization: (_, __, ctx) => (ctx.organizations.hasOrganization ? organizationModel() : null),
  account: async (_, { id }, ctx) => {
    requireValidArguments('Query', 'account', { id }, checkEnv(ctx));
    const record = await ctx.targets.account(id);
    return record ? accountModel(id, record) : null;
  },
  accounts: (_, args, ctx, info) => accountsConnection(ctx, 'Query', info.fieldName, args),
  ...fanoutListFields(
    () => ALL,
    () => 'Query',
  ),
};

/** Every account in scope matching `where`, as a connection (Query.accounts and Organization.accounts). */
export async function accountsConnection(
  ctx: GraphContext,
  parentKey: string,
  field: string,
  args: { first?: InputMaybe<number>; after?: InputMaybe<string>; where?: InputMaybe<AccountWhere> },
) {
  const page = pageRequest(ctx, args, parentKey, field, { where: args.where });
  let accounts = await ctx.targets.accounts();
  accounts = await filterAccounts(ctx, accounts, args.where);
  return wholeListPage(
    ctx,
    accounts.map((a) => accountModel(a.accountId, a)),
    page,
  );
}

/** AccountWhere, applied to the list (Organizations offers no server-side filter for accounts). */
async function filterAccounts(
  ctx: GraphContext,
  accounts: AccountRecord[],
  where: InputMaybe<AccountWhere> | undefined,
): Promise<AccountRecord[]> {
  if (!where) return accounts;
  let out = accounts;
  if (where.accountIds != null) {
    const wanted = new Set(where.accountIds);
    out = out.filter((a) => wanted.has(a.accountId));
  }
  if (where.unitIds != null) {
    const inUnits = await ctx.targets.narrowByUnits(where.unitIds);
    out = out.filter((a) => inUnits.has(a.accountId));
  }
  if (where.states != null) {
    const wanted = new Set<string>(where.states);
    out = out.filter((a) => a.state !== undefined && wanted.has(a.state));
  }
  if (where.nameContains != null) {
    const needle = where.nameContains.toLowerCase();
    out = out.filter((a) => (a.name ?? '').toLowerCase().includes(needle));
  }
  return out;
}
