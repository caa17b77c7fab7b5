// An account: its id is all the parent carries; details come from the list that found it (or the
// account list, read once per request), Regions from the configured list or DescribeRegions.
import type { GraphContext } from '../context.js';
import { checkEnv, requireValidArguments } from '../argument-checks.js';
import type { AccountResolvers, AccountState } from '../generated/resolvers-types.js';
import { encodeGlobalId } from '../global-id.js';
import type { AccountModel, AccountRecord } from '../mappers.js';
import { regionModel, unitModel } from '../mappers.js';
import { enumOrNull } from './fields.js';
import { fanoutListFields, pageRequest, wholeListPage } from './lists.js';

const ACCOUNT_STATES: readonly AccountState[] = [
  'PENDING_ACTIVATION',
  'ACTIVE',
  'SUSPENDED',
  'PENDING_CLOSURE',
  'CLOSED',
];

const parentKey = (account: AccountModel) => `Account:${account.accountId}`;

async function record(account: AccountModel, ctx: GraphContext): Promise<AccountRecord | undefined> {
  return account.record ?? (await ctx.organizations.accountById()).get(account.accountId);
}

export const Account: AccountResolvers = {
  id: (account) => encodeGlobalId('Account', account.accountId),
  accountId: (account) => account.accountId,
  arn: async (account, _, ctx) => (await record(account, ctx))?.arn ?? null,
  name: async (account, _, ctx) => (await record(account, ctx))?.name ?? null,
  email: async (account, _, ctx) => (await record(account, ctx))?.email ?? null,
  state: async (account, _, ctx) => enumOrNull((await record(account, ctx))?.state, ACCOUNT_STATES),
  joinedMethod: async (account, _, ctx) => (await record(account, ctx))?.joinedMethod ?? null,
  joinedTimestamp: async (account, _, ctx) => (await record(account, ctx))?.joinedTimestamp ?? null,
  parent: async (account, _, ctx) => {
    if (!ctx.organizations.hasOrganization) return null;
    const parent = await ctx.organizations.parentOf(account.accountId);
    return parent === null ? null : unitModel(parent.unitId, parent);
  },
  access: (account) =>
    account.record
      ? { accountId: account.accountId, record: account.record }
      : { accountId: account.accountId },
  regions: async (account, args, ctx, info) => {
    const page = pageRequest(ctx, args, parentKey(account), info.fieldName);
    const regions = await ctx.ec2.regions(account.accountId);
    return wholeListPage(
      ctx,
      regions.map((r) => regionModel(account.accountId, r.region, r)),
      page,
    );
  },
  // No AWS call: a Region that is not enabled shows as errors on the fields that read it.
  region: (account, { name }, ctx) => {
    // Refused when it is not a Region name, or not one of the configured Regions.
    requireValidArguments('Account', 'region', { name }, checkEnv(ctx));
    return regionModel(account.accountId, name);
  },
  ...fanoutListFields(
    (account: AccountModel) =>
      account.record
        ? { accountId: account.accountId, record: account.record }
        : { accountId: account.accountId },
    parentKey,
  ),
};
