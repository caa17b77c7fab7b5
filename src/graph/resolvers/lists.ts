// The list fields shared by several types: organization-wide fan-outs (Query, Organization, unit,
// account), one target's lists (Region), and nested lists (a VPC's subnets, a subnet's instances).
// Each turns `where` into targets and EC2 Filters, reads through the loaders, and reports failures.
import type { GraphQLResolveInfo } from 'graphql';
import type { Filter } from '@aws-sdk/client-ec2';
import type { Target } from '../../aws/contract.js';
import { bindingOf } from '../cursor.js';
import type { GraphContext } from '../context.js';
import { listConnection, validateFirst } from '../connection.js';
import type { PageArgs } from '../connection.js';
import { partialFailureError } from '../errors.js';
import { splitWhereFilters } from '../filter-split.js';
import { emptyConnection, readFanout } from '../fanout.js';
import type { FanoutPlan, FanoutResult } from '../fanout.js';
import type { InputMaybe } from '../generated/resolvers-types.js';
import { KINDS } from '../kinds/index.js';
import type { AnyKind, ParentAttribute } from '../kinds/index.js';
import type { ConnectionModel } from '../mappers.js';
import type { FanoutBase } from '../targets.js';
import type { PushedFilters, TargetNarrowing } from '../where.js';
import { narrowingOf, narrowsToNothing, siblingFilters } from '../where.js';
import { GrowingList } from '../growing-list.js';

interface ListArgs {
  first?: InputMaybe<number>;
  after?: InputMaybe<string>;
  // Each kind's where type; the kind's own `filters` reads it.
  where?: InputMaybe<object>;
}

type ListResolver<P> = (
  parent: P,
  args: ListArgs,
  ctx: GraphContext,
  info: GraphQLResolveInfo,
) => Promise<ConnectionModel<unknown> | null>;

/** One resolver per kind, under the kind's list field. */
function perKind<P>(make: (kind: AnyKind) => ListResolver<P>): Record<string, ListResolver<P>> {
  return Object.fromEntries(KINDS.map((kind) => [kind.listField, make(kind)]));
}

/**
 * The fan-out list fields (one per resource kind) of a type whose parent decides what the fan-out
 * covers (`baseOf`) and what its cursors are bound to (`keyOf`).
 */
export function fanoutListFields<P>(baseOf: (parent: P) => FanoutBase, keyOf: (parent: P) => string) {
  return perKind<P>(
    (kind) => (parent, args, ctx, info) => fanoutList(kind, baseOf(parent), keyOf(parent), args, ctx, info),
  );
}

/** The list fields of one (account, Region): a failure fails the field. */
export function targetListFields<P>(targetOf: (parent: P) => Target, keyOf: (parent: P) => string) {
  return perKind<P>(
    (kind) => (parent, args, ctx, info) => targetList(kind, targetOf(parent), keyOf(parent), args, ctx, info),
  );
}

/** The lists nested under an item of `parentKind` (a VPC's subnets, instances …): the kinds whose items name it. */
export function nestedListFields<P>(
  parentKind: AnyKind,
  targetOf: (parent: P) => Target,
  idOf: (parent: P) => string,
) {
  const attribute = parentKind.childAttribute as ParentAttribute;
  const fields: Record<string, ListResolver<P>> = {};
  for (const kind of KINDS) {
    if (!kind.parentOf?.[attribute]) continue;
    fields[kind.listField] = (parent, args, ctx, info) =>
      nestedList(
        kind,
        targetOf(parent),
        attribute,
        idOf(parent),
        `${parentKind.typename}:${targetOf(parent).accountId}:${targetOf(parent).region}:${idOf(parent)}`,
        args,
        ctx,
        info,
      );
  }
  return fields;
}

/**
 * A fan-out over the accounts of `base` and their Regions. Failed targets become `failures` and one
 * errors[] entry each (path = this field); every healthy target's items are returned.
 */
async function fanoutList<Model>(
  kind: AnyKind,
  base: FanoutBase,
  parentKey: string,
  args: ListArgs,
  ctx: GraphContext,
  info: GraphQLResolveInfo,
): Promise<ConnectionModel<Model> | null> {
  if (ctx.budget.stopped) return null;
  const page = pageRequest(ctx, args, parentKey, info.fieldName, { where: args.where });
  const narrowing = narrowingOf(args.where);
  const parts = partsOf(kind, kind.filters(args.where));
  if (narrowsToNothing(narrowing) || parts === null) return checkedEmpty(ctx, page);
  const plan = await ctx.targets.plan(base, narrowing);
  const { connection, failures } = await readPage<Model>(ctx, kind, plan, parts, page);
  for (const failure of failures) ctx.partialErrors.push(partialFailureError(failure.facts, info));
  connection.failures = failures.map((f) => f.facts);
  return connection;
}

/** One (account, Region)'s list: a failure fails the field (null, with its error). */
async function targetList<Model>(
  kind: AnyKind,
  target: Target,
  parentKey: string,
  args: ListArgs,
  ctx: GraphContext,
  info: GraphQLResolveInfo,
): Promise<ConnectionModel<Model> | null> {
  if (ctx.budget.stopped) return null;
  const page = pageRequest(ctx, args, parentKey, info.fieldName, { where: args.where });
  const parts = partsOf(kind, kind.filters(args.where));
  if (parts === null || !(await admitsTarget(ctx, target, narrowingOf(args.where))))
    return checkedEmpty(ctx, page);
  const plan = { accounts: GrowingList.of([target.accountId]), regionsOf: async () => [target.region] };
  const { connection, failures } = await readPage<Model>(ctx, kind, plan, parts, page);
  if (failures[0]) throw failures[0].error;
  return connection;
}

/**
 * The items of one VPC or subnet: siblings share one list call per target (filtered by all their
 * ids); the page is cut from that list.
 */
async function nestedList<Model>(
  kind: AnyKind,
  target: Target,
  attribute: ParentAttribute,
  parentId: string,
  parentKey: string,
  args: ListArgs,
  ctx: GraphContext,
  info: GraphQLResolveInfo,
): Promise<ConnectionModel<Model> | null> {
  if (ctx.budget.stopped) return null;
  const page = pageRequest(ctx, args, parentKey, info.fieldName, { where: args.where });
  const filters = siblingFilters(kind.filters(args.where), attribute, parentId);
  // Refused before any call when the where cannot be split with room for the parent ids.
  if (filters !== null) splitWhereFilters(filters, 1, kind);
  if (filters === null || !(await admitsTarget(ctx, target, narrowingOf(args.where))))
    return checkedEmpty(ctx, page);
  const list = await ctx.ec2.nested(kind, target, attribute, parentId, filters);
  return wholeListPage(ctx, list.items as Model[], page);
}

/** The page a list field is asked for, and what its cursors are bound to. */
export interface FieldPage {
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
): FieldPage {
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
  page: FieldPage,
): ConnectionModel<T> {
  const connection = listConnection(items, { ...page, cursors: ctx.cursors });
  ctx.budget.admit(connection.nodes.length);
  return connection;
}

/** The calls a target's list takes: its where's filters, split when EC2 would refuse them whole. */
function partsOf(kind: AnyKind, filters: PushedFilters): Filter[][] | null {
  return filters === null ? null : splitWhereFilters(filters, 0, kind);
}

/** One page of `kind` over the targets of `plan`, admitted to the response budget. */
async function readPage<Model>(
  ctx: GraphContext,
  kind: AnyKind,
  plan: FanoutPlan,
  parts: readonly (readonly Filter[])[],
  page: FieldPage,
): Promise<FanoutResult<Model>> {
  const result = await readFanout<Model>(ctx, {
    kind,
    plan,
    parts,
    ...(page.first !== undefined ? { first: page.first } : {}),
    ...(page.after != null ? { after: page.after } : {}),
    binding: page.binding,
    ...(ctx.config.fanOutPaging === 'read-ahead' ? { readAhead: true } : {}),
  });
  ctx.budget.admit(result.connection.nodes.length);
  return result;
}

/** Whether a where's accounts, units and Regions admit one target. */
async function admitsTarget(ctx: GraphContext, target: Target, narrowing: TargetNarrowing): Promise<boolean> {
  if (narrowing.accountIds && !narrowing.accountIds.includes(target.accountId)) return false;
  if (narrowing.regions && !narrowing.regions.includes(target.region)) return false;
  if (narrowing.unitIds && !(await ctx.targets.narrowByUnits(narrowing.unitIds)).has(target.accountId))
    return false;
  return true;
}

/** An empty answer that still refuses a cursor this field did not issue. */
function checkedEmpty<Model>(ctx: GraphContext, page: FieldPage): ConnectionModel<Model> {
  if (page.after != null) ctx.cursors.decode(page.binding, page.after);
  return emptyConnection();
}
