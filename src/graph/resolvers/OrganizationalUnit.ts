// A root or an organizational unit: its name and ARN from the list that found it, else read on demand.
import type { GraphContext } from '../context.js';
import { bindingOf } from '../cursor.js';
import { listConnection, validateFirst } from '../connection.js';
import type { OrganizationalUnitResolvers } from '../generated/resolvers-types.js';
import { encodeGlobalId } from '../global-id.js';
import type { UnitModel } from '../mappers.js';
import { accountModel, unitModel } from '../mappers.js';
import { required } from './fields.js';
import { INSTANCE_LISTING, SUBNET_LISTING, VPC_LISTING, fanoutList } from './lists.js';

const parentKey = (unit: UnitModel) => `OrganizationalUnit:${unit.unitId}`;

async function known(unit: UnitModel, ctx: GraphContext): Promise<{ name?: string; arn?: string }> {
  return unit.name !== undefined && unit.arn !== undefined ? unit : ctx.organizations.unit(unit.unitId);
}

export const OrganizationalUnit: OrganizationalUnitResolvers = {
  id: (unit) => encodeGlobalId('OrganizationalUnit', unit.unitId),
  unitId: (unit) => unit.unitId,
  type: (unit) => unit.type,
  name: async (unit, _, ctx) => required((await known(unit, ctx)).name, `name of ${unit.unitId}`),
  arn: async (unit, _, ctx) => required((await known(unit, ctx)).arn, `ARN of ${unit.unitId}`),
  parent: async (unit, _, ctx) => {
    const parentId = await ctx.organizations.parentOf(unit.unitId);
    return parentId === null ? null : unitModel(parentId);
  },
  units: async (unit, args, ctx, info) => {
    const children = await ctx.organizations.childUnits(unit.unitId);
    const models = children.flatMap((c) =>
      c.Id
        ? [
            unitModel(c.Id, {
              ...(c.Name !== undefined ? { name: c.Name } : {}),
              ...(c.Arn !== undefined ? { arn: c.Arn } : {}),
            }),
          ]
        : [],
    );
    return listConnection(models, {
      first: validateFirst(args.first, ctx.config.maxFirst),
      after: args.after,
      binding: bindingOf(parentKey(unit), info.fieldName, {}),
      cursors: ctx.cursors,
    });
  },
  accounts: async (unit, args, ctx, info) => {
    const first = validateFirst(args.first, ctx.config.maxFirst);
    const recursive = args.recursive === true;
    let accounts;
    if (recursive) accounts = await ctx.scope.unitAccounts(unit.unitId);
    else {
      const [direct, admits] = await Promise.all([
        ctx.organizations.accountsForParent(unit.unitId),
        ctx.scope.admits(),
      ]);
      accounts = direct.filter((a) => admits(a.accountId));
    }
    return listConnection(
      accounts.map((a) => accountModel(a.accountId, a)),
      {
        first,
        after: args.after,
        binding: bindingOf(parentKey(unit), info.fieldName, { recursive }),
        cursors: ctx.cursors,
      },
    );
  },
  instances: (unit, args, ctx, info) =>
    fanoutList(INSTANCE_LISTING, { unitId: unit.unitId }, parentKey(unit), args, ctx, info),
  vpcs: (unit, args, ctx, info) =>
    fanoutList(VPC_LISTING, { unitId: unit.unitId }, parentKey(unit), args, ctx, info),
  subnets: (unit, args, ctx, info) =>
    fanoutList(SUBNET_LISTING, { unitId: unit.unitId }, parentKey(unit), args, ctx, info),
};
