// The list fields shared by several types: organization-wide fan-outs (Query, Organization, unit,
// account), one target's lists (Region), and nested lists (a VPC's subnets, a subnet's instances).
// Each turns `where` into targets and EC2 Filters, reads through the loaders, and reports failures.
import type { GraphQLResolveInfo } from 'graphql';
import type { Filter, Subnet, Vpc } from '@aws-sdk/client-ec2';
import type { InstanceItem, Target } from '../../aws/data.js';
import { bindingOf } from '../cursor.js';
import type { GraphContext } from '../context.js';
import { listConnection, validateFirst } from '../connection.js';
import type { PageArgs } from '../connection.js';
import { partialFailureError } from '../errors.js';
import { splitWhereFilters } from '../filter-split.js';
import { emptyConnection, readFanout } from '../fanout.js';
import type { FanoutPlan, FanoutResult } from '../fanout.js';
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
 * The fan-out list fields (instances, vpcs, subnets) of a type whose parent decides what the fan-out
 * covers (`baseOf`) and what its cursors are bound to (`keyOf`).
 */
export function fanoutListFields<P>(baseOf: (parent: P) => FanoutBase, keyOf: (parent: P) => string) {
  return {
    instances: (parent: P, args: ListArgs<InstanceWhere>, ctx: GraphContext, info: GraphQLResolveInfo) =>
      fanoutList(INSTANCE_LISTING, baseOf(parent), keyOf(parent), args, ctx, info),
    vpcs: (parent: P, args: ListArgs<VpcWhere>, ctx: GraphContext, info: GraphQLResolveInfo) =>
      fanoutList(VPC_LISTING, baseOf(parent), keyOf(parent), args, ctx, info),
    subnets: (parent: P, args: ListArgs<SubnetWhere>, ctx: GraphContext, info: GraphQLResolveInfo) =>
      fanoutList(SUBNET_LISTING, baseOf(parent), keyOf(parent), args, ctx, info),
  };
}

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
): Promise<ConnectionModel<Model> | null> {
  if (ctx.budget.stopped) return null;
  const page = pageRequest(ctx, args, parentKey, info.fieldName, { where: args.where });
  const narrowing = narrowingOf(args.where);
  const parts = partsOf(listing.filters(args.where));
  if (narrowsToNothing(narrowing) || parts === null) return checkedEmpty(ctx, page);
  const plan = await ctx.scope.plan(base, narrowing);
  const { connection, failures } = await readPage(ctx, listing, plan, parts, page);
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
): Promise<ConnectionModel<Model> | null> {
  if (ctx.budget.stopped) return null;
  const page = pageRequest(ctx, args, parentKey, info.fieldName, { where: args.where });
  const parts = partsOf(listing.filters(args.where));
  if (parts === null || !(await admitsTarget(ctx, target, narrowingOf(args.where))))
    return checkedEmpty(ctx, page);
  const plan = { accountIds: [target.accountId], regionsOf: async () => [target.region] };
  const { connection, failures } = await readPage(ctx, listing, plan, parts, page);
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
): Promise<ConnectionModel<Model> | null> {
  if (ctx.budget.stopped) return null;
  const page = pageRequest(ctx, args, parentKey, info.fieldName, { where: args.where });
  const filters = siblingFilters(listing.filters(args.where), attribute, parentId);
  // Refused before any call when the where cannot be split with room for the parent ids.
  if (filters !== null) splitWhereFilters(filters, 1);
  if (filters === null || !(await admitsTarget(ctx, target, narrowingOf(args.where))))
    return checkedEmpty(ctx, page);
  const list = await ctx.ec2.nested(listing.kind, target, attribute, parentId, filters);
  return wholeListPage(ctx, list.items, page);
}

/** The page a list field is asked for, and what its cursors are bound to. */
export interface PageRequest {
  /** Validated against maxFirst; undefined for everything. */
  first: number | undefined;
  after: InputMaybe<string> | undefined;
  binding: string;
}

/**
 * Checks `first` (BAD_USER_INPUT when out of range) and binds the cursors to the field and to the
 * arguments in `bound`. Called before any AWS call, so a bad argument costs none.
 */
export function pageRequest(
  ctx: GraphContext,
  args: PageArgs,
  parentKey: string,
  field: string,
  bound: Record<string, unknown> = {},
): PageRequest {
  // A query stopped by its response budget starts no more lists.
  ctx.budget.check();
  const binding = bindingOf(parentKey, field, bound);
  // A cursor this field did not issue is refused now, before the field reads anything.
  if (args.after != null) ctx.cursors.decode(binding, args.after);
  return { first: validateFirst(args.first, ctx.config.maxFirst), after: args.after, binding };
}

/** The requested page of a list read whole (accounts, units, Regions, a VPC's subnets). */
export function wholeListPage<T>(
  ctx: GraphContext,
  items: readonly T[],
  page: PageRequest,
): ConnectionModel<T> {
  const connection = listConnection(items, { ...page, cursors: ctx.cursors });
  ctx.budget.admit(connection.nodes.length);
  return connection;
}

/** The calls a target's list takes: its where's filters, split when EC2 would refuse them whole. */
function partsOf(filters: PushedFilters): Filter[][] | null {
  return filters === null ? null : splitWhereFilters(filters);
}

/** One page of `listing` over the targets of `plan`, admitted to the response budget. */
async function readPage<W, Item, Model>(
  ctx: GraphContext,
  listing: Listing<W, Item, Model>,
  plan: FanoutPlan,
  parts: readonly (readonly Filter[])[],
  page: PageRequest,
): Promise<FanoutResult<Model>> {
  const result = await readFanout(ctx, {
    kind: listing.kind,
    plan,
    parts,
    ...(page.first !== undefined ? { first: page.first } : {}),
    ...(page.after != null ? { after: page.after } : {}),
    binding: page.binding,
  });
  ctx.budget.admit(result.connection.nodes.length);
  return result;
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
function checkedEmpty<Model>(ctx: GraphContext, page: PageRequest): ConnectionModel<Model> {
  if (page.after != null) ctx.cursors.decode(page.binding, page.after);
  return emptyConnection();
}
