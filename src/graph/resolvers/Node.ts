// Query.node: a global id back to its object, checked against the account scope. Objects that do not
// exist (or are out of scope) are null; a malformed id is BAD_USER_INPUT.
import { isNotFound } from '../../aws/classify.js';
import type { GraphContext } from '../context.js';
import { decodeGlobalId } from '../global-id.js';
import { Ec2Loaders } from '../loaders/ec2.js';
import type { NodeModel } from '../mappers.js';
import { accountModel, organizationModel, regionModel, unitModel } from '../mappers.js';
import type { NodeResolvers } from '../generated/resolvers-types.js';

export const Node: NodeResolvers = {
  __resolveType: (node) => node.__typename,
};

export async function resolveNode(id: string, ctx: GraphContext): Promise<NodeModel | null> {
  const { type, parts } = decodeGlobalId(id);
  const [first = '', region = '', resourceId = ''] = parts;
  switch (type) {
    case 'Organization': {
      if (!ctx.organizations.hasOrganization) return null;
      const org = await ctx.organizations.organization();
      return org.value.Id === first ? organizationModel() : null;
    }
    case 'OrganizationalUnit': {
      if (!ctx.organizations.hasOrganization) return null;
      if (first.startsWith('r-')) {
        const root = (await ctx.organizations.roots()).find((r) => r.Id === first);
        return root
          ? unitModel(first, {
              ...(root.Name !== undefined ? { name: root.Name } : {}),
              ...(root.Arn !== undefined ? { arn: root.Arn } : {}),
            })
          : null;
      }
      try {
        return unitModel(first, await ctx.organizations.unit(first));
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    }
    case 'Account': {
      const record = await ctx.scope.account(first);
      return record ? accountModel(first, record) : null;
    }
    default:
  }
  // Region and the EC2 resources live in an account that must be in scope.
  if (!(await ctx.scope.account(first))) return null;
  const configured = ctx.config.regions;
  if (configured && !configured.includes(region)) return null;
  const target = { accountId: first, region };
  switch (type) {
    case 'Region':
      return regionModel(first, region);
    case 'Vpc':
      return ctx.ec2.vpcById.load(Ec2Loaders.idKey(target, resourceId));
    case 'Subnet':
      return ctx.ec2.subnetById.load(Ec2Loaders.idKey(target, resourceId));
    case 'Instance':
      return ctx.ec2.instanceById.load(Ec2Loaders.idKey(target, resourceId));
  }
}
