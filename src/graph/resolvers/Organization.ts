// The organization: its details come from DescribeOrganization, read only when one is selected.
import type { Organization as AwsOrganization } from '@aws-sdk/client-organizations';
import type { GraphContext } from '../context.js';
import type { OrganizationResolvers } from '../generated/resolvers-types.js';
import { encodeGlobalId } from '../global-id.js';
import { accountModel, unitModel } from '../mappers.js';
import { required } from './fields.js';
import { INSTANCE_LISTING, SUBNET_LISTING, VPC_LISTING, fanoutList } from './lists.js';
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
    const record = await ctx.scope.account(id);
    return record ? accountModel(id, record) : null;
  },
  roots: async (_, __, ctx) =>
    (await ctx.organizations.roots()).flatMap((r) =>
      r.Id
        ? [
            unitModel(r.Id, {
              ...(r.Name !== undefined ? { name: r.Name } : {}),
              ...(r.Arn !== undefined ? { arn: r.Arn } : {}),
            }),
          ]
        : [],
    ),
  accounts: (_, args, ctx, info) => accountsConnection(ctx, 'Organization', info.fieldName, args),
  instances: (_, args, ctx, info) => fanoutList(INSTANCE_LISTING, ALL, 'Organization', args, ctx, info),
  vpcs: (_, args, ctx, info) => fanoutList(VPC_LISTING, ALL, 'Organization', args, ctx, info),
  subnets: (_, args, ctx, info) => fanoutList(SUBNET_LISTING, ALL, 'Organization', args, ctx, info),
};
