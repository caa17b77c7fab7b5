// A root or an organizational unit: its name and ARN from the list that found it, else read on demand.
import type { GraphContext } from '../context.js';
import type { OrganizationalUnitResolvers } from '../generated/resolvers-types.js';
import { encodeGlobalId } from '../global-id.js';
import type { UnitModel } from '../mappers.js';
import { accountModel, unitModel, unitModelsOf } from '../mappers.js';
import { required } from './fields.js';
import { fanoutListFields, pageRequest, wholeListPage } from './lists.js';

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
    const parent = await ctx.organizations.parentOf(unit.unitId);
    return parent === null ? null : unitModel(parent.unitId, parent);
  },
  units: async (unit, args, ctx, info) => {
    const page = pageRequest(ctx, args, parentKey(unit), info.fieldName);
    return wholeListPage(ctx, unitModelsOf(await ctx.organizations.childUnits(unit.unitId)), page);
  },
  accounts: async (unit, args, ctx, info) => {
    const recursive = args.recursive === true;
    const page = pageRequest(ctx, args, parentKey(unit), info.fieldName, { recursive });
    const accounts = recursive
      ? await ctx.targets.unitAccounts(unit.unitId)
      : await ctx.targets.parentAccounts(unit.unitId);
    return wholeListPage(
      ctx,
      accounts.map((a) => accountModel(a.accountId, a)),
      page,
    );
  },
  ...fanoutListFields((unit: UnitModel) => ({ unitId: unit.unitId }), parentKey),
};
