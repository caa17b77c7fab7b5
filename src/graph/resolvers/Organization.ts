// The organization: its details come from DescribeOrganization, read only when one is selected.
import type { Organization as AwsOrganization } from '@aws-sdk/client-organizations';
import type { GraphContext } from '../context.js';
import type { OrganizationResolvers } from '../generated/resolvers-types.js';
import { encodeGlobalId } from '../global-id.js';
import { accountModel, unitModelsOf } from '../mappers.js';
import { required } from './fields.js';
import { fanoutListFields } from './lists.js';
import { accountsConnection } from './Query.js';

const ALL = { all: true } as const;

async function details(ctx: GraphContext): Promise<AwsOrganization> {
  return (await ctx.organizations.organization()).value;
}

export const Organization: OrganizationResolvers = {
  id: async (_, __, ctx) =>
    encodeGlobalId('Organization', required((await details(ctx)).Id, 'organization Id')),
  organizationId: async (_, __, ctx) => required((await details(ctx)).Id, 'organization Id'),
  arn: async (_, __, ctx) => required((await details(ctx)).Arn, 'organization Arn'),
  featureSet: async (_, __, ctx) => required((await details(ctx)).FeatureSet, 'organization FeatureSet'),
  managementAccountId: async (_, __, ctx) =>
    required((await details(ctx)).MasterAccountId, 'organization MasterAccountId'),
  managementAccountArn: async (_, __, ctx) =>
    required((await details(ctx)).MasterAccountArn, 'organization MasterAccountArn'),
  managementAccountEmail: async (_, __, ctx) =>
    required((await details(ctx)).MasterAccountEmail, 'organization MasterAccountEmail'),
  managementAccount: async (_, __, ctx) => {
    const id = required((await details(ctx)).MasterAccountId, 'organization MasterAccountId');
    const record = await ctx.targets.account(id);
    return record ? accountModel(id, record) : null;
  },
  roots: async (_, __, ctx) => unitModelsOf(await ctx.organizations.roots()),
  accounts: (_, args, ctx, info) => accountsConnection(ctx, 'Organization', info.fieldName, args),
  ...fanoutListFields(
    () => ALL,
    () => 'Organization',
  ),
};
