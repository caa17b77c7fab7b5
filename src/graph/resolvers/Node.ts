// Query.node: a global id back to its object, checked against the account scope. Objects that do not
// exist (or are out of scope) are null; a malformed id is BAD_USER_INPUT.
import { isNotFound } from '../../aws/classify.js';
import type { GraphContext } from '../context.js';
import { decodeGlobalId } from '../global-id.js';
import { kindOfType } from '../kinds/index.js';
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
      const record = await ctx.targets.account(first);
      return record ? accountModel(first, record) : null;
    }
    default:
  }
  // Region and the EC2 resources live in an account that must be in scope.
  if (!(await ctx.targets.account(first))) return null;
  const configured = ctx.config.regions;
  if (configured && !configured.includes(region)) return null;
  if (type === 'Region') return regionModel(first, region);
  const kind = kindOfType(type);
  // A resource kind's model is a NodeModel of that kind's type.
  return kind
    ? (ctx.ec2.lookup(kind, { accountId: first, region }, resourceId) as Promise<NodeModel | null>)
    : null;
}
