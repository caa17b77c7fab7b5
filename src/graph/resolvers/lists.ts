// The list fields shared by several types: organization-wide fan-outs (Query, Organization, unit,
// account), one target's lists (Region), and nested lists (a VPC's subnets, a subnet's instances).
// Each turns `where` into targets and EC2 Filters, reads through the loaders, and reports failures.
import type { GraphQLResolveInfo } from 'graphql';
import type { Subnet, Vpc } from '@aws-sdk/client-ec2';
import type { InstanceItem, Target } from '../../aws/data.js';
import { bindingOf } from '../cursor.js';
import type { GraphContext } from '../context.js';
import { listConnection, validateFirst } from '../connection.js';
import { partialFailureError } from '../errors.js';
import { emptyConnection, readFanout } from '../fanout.js';
import type { InputMaybe, InstanceWhere, SubnetWhere, VpcWhere } from '../generated/resolvers-types.js';
import type { ListKind } from '../list-kinds.js';
import { INSTANCES, SUBNETS, VPCS } from '../list-kinds.js';
import type { NestedAttribute } from '../loaders/ec2.js';
import type { ConnectionModel, InstanceModel, SubnetModel, VpcModel } from '../mappers.js';
import type { FanoutBase } from '../scope.js';
import type { PushedFilters, TargetNarrowing } from '../where.js';
import {
  instanceFilters,
  narrowingOf,
  narrowsToNothing,
  siblingFilters,
  subnetFilters,
  vpcFilters,
} from '../where.js';

interface ListArgs<W> {
  first?: InputMaybe<number>;
  after?: InputMaybe<string>;
  where?: InputMaybe<W>;
}

/** A list kind with the way its where becomes EC2 Filters. */
interface Listing<W, Item, Model> {
  kind: ListKind<Item, Model>;
  filters(where: W | null | undefined): PushedFilters;
}

export const INSTANCE_LISTING: Listing<InstanceWhere, InstanceItem, InstanceModel> = {
  kind: INSTANCES,
  filters: instanceFilters,
};
export const VPC_LISTING: Listing<VpcWhere, Vpc, VpcModel> = { kind: VPCS, filters: vpcFilters };
export const SUBNET_LISTING: Listing<SubnetWhere, Subnet, SubnetModel> = {
  kind: SUBNETS,
  filters: subnetFilters,
};

/**
 * A fan-out over the accounts of `base` and their Regions. Failed targets become `failures` and one
 * errors[] entry each (path = this field); every healthy target's items are returned.
 */
export async function fanoutList<W extends object, Item, Model>(
  listing: Listing<W, Item, Model>,
  base: FanoutBase,
  parentKey: string,
  args: ListArgs<W>,
  ctx: GraphContext,
  info: GraphQLResolveInfo,
): Promise<ConnectionModel<Model>> {
  const first = validateFirst(args.first, ctx.config.maxFirst);
  const binding = bindingOf(parentKey, info.fieldName, { where: args.where });
  const narrowing = narrowingOf(args.where);
  const filters = listing.filters(args.where);
  if (narrowsToNothing(narrowing) || filters === null) return checkedEmpty(ctx, binding, args.after);
  const plan = await ctx.scope.plan(base, narrowing);
  const { connection, failures } = await readFanout(ctx, {
    kind: listing.kind,
    plan,
    filters,
    ...(first !== undefined ? { first } : {}),
    ...(args.after != null ? { after: args.after } : {}),
    binding,
  });
  for (const failure of failures) ctx.partialErrors.push(partialFailureError(failure.facts, info));
  connection.failures = failures.map((f) => f.facts);
  return connection;
}

/** One (account, Region)'s list: a failure fails the field (null, with its error). */
export async function targetList<W extends object, Item, Model>(
  listing: Listing<W, Item, Model>,
  target: Target,
  parentKey: string,
  args: ListArgs<W>,
  ctx: GraphContext,
  info: GraphQLResolveInfo,
): Promise<ConnectionModel<Model>> {
  const first = validateFirst(args.first, ctx.config.maxFirst);
  const binding = bindingOf(parentKey, info.fieldName, { where: args.where });
  const filters = listing.filters(args.where);
  if (filters === null || !(await admitsTarget(ctx, target, narrowingOf(args.where))))
    return checkedEmpty(ctx, binding, args.after);
  const { connection, failures } = await readFanout(ctx, {
    kind: listing.kind,
    plan: { accountIds: [target.accountId], regionsOf: async () => [target.region] },
    filters,
    ...(first !== undefined ? { first } : {}),
    ...(args.after != null ? { after: args.after } : {}),
    binding,
  });
  if (failures[0]) throw failures[0].error;
  return connection;
}

/**
 * The items of one VPC or subnet: siblings share one list call per target (filtered by all their
 * ids); the page is cut from that list.
 */
export async function nestedList<W extends object, Item, Model>(
  listing: Listing<W, Item, Model>,
  target: Target,
  attribute: NestedAttribute,
  parentId: string,
  parentKey: string,
  args: ListArgs<W>,
  ctx: GraphContext,
  info: GraphQLResolveInfo,
): Promise<ConnectionModel<Model>> {
  const first = validateFirst(args.first, ctx.config.maxFirst);
  const binding = bindingOf(parentKey, info.fieldName, { where: args.where });
  const filters = siblingFilters(listing.filters(args.where), attribute, parentId);
  if (filters === null || !(await admitsTarget(ctx, target, narrowingOf(args.where))))
    return checkedEmpty(ctx, binding, args.after);
  const list = await ctx.ec2.nested(listing.kind, target, attribute, parentId, filters);
  return listConnection(list.items, { first, after: args.after, binding, cursors: ctx.cursors });
}

/** Whether a where's accounts, units and Regions admit one target. */
async function admitsTarget(ctx: GraphContext, target: Target, narrowing: TargetNarrowing): Promise<boolean> {
  if (narrowing.accountIds && !narrowing.accountIds.includes(target.accountId)) return false;
  if (narrowing.regions && !narrowing.regions.includes(target.region)) return false;
  if (narrowing.unitIds && !(await ctx.scope.narrowByUnits(narrowing.unitIds)).has(target.accountId))
    return false;
  return true;
}

/** An empty answer that still refuses a cursor this field did not issue. */
function checkedEmpty<Model>(
  ctx: GraphContext,
  binding: string,
  after: InputMaybe<string> | undefined,
): ConnectionModel<Model> {
  if (after != null) ctx.cursors.decode(binding, after);
  return emptyConnection();
}
