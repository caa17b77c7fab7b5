// The AWS-call estimate of an operation, made before any STS or EC2 call: the worst case of what its
// fields can cost, from the arguments alone and the number of accounts in scope (the account list is
// read through the per-request loaders, so resolvers reuse it; no role is assumed).
//
// The model follows how the loaders batch work. Every object carries a "span": how many accounts and
// (account, Region) targets the objects of its list reach together. A fan-out list makes one EC2 call
// per target it covers and per part of its `where` (a filter list over EC2's 200 values is split, see
// filter-split.ts); a list below a Region, VPC or subnet, and a by-id lookup (an instance's VPC, a
// Region's `vpc(id)`), make one batched call per target of their parents, however many parents there
// are. Each account reached needs one AssumeRole, and, when `graph.regions` is not configured, one
// DescribeRegions — the Regions are then assumed to be `limits.assumedRegionsPerAccount` per account;
// fields whose objects come from the same accounts (a span's origin) share those, and all of them
// together never count more than the accounts in scope.
// Unknowns are counted at their worst: a unit's subtree as every account, each list's first AWS page
// only (further pages depend on the data), and aliases with the same arguments as distinct lists.
// Organizations calls are not counted: they are made at most once per request whatever the shape.
import type { Filter } from '@aws-sdk/client-ec2';
import type {
  FieldNode,
  FragmentDefinitionNode,
  GraphQLField,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { Kind, getArgumentValues, getNamedType, isInterfaceType, isObjectType } from 'graphql/index.js';
import type { GraphConfig } from '../../config/graph.js';
import { splitWhereFilters } from '../filter-split.js';
import { decodeGlobalId } from '../global-id.js';
import { KINDS, kindOfType } from '../kinds/index.js';
import type { AnyKind } from '../kinds/index.js';
import type { PushedFilters } from '../where.js';
import { narrowingOf, narrowsToNothing } from '../where.js';

export interface CallEstimate {
  /** Every AWS call counted below. */
  total: number;
  ec2: number;
  assumeRole: number;
  describeRegions: number;
  /** The field (response path) that costs most, and its EC2 calls. */
  costliest?: { path: string; calls: number };
}

export interface EstimateInput {
  schema: GraphQLSchema;
  config: GraphConfig;
  operation: OperationDefinitionNode;
  fragments: Readonly<Record<string, FragmentDefinitionNode>>;
  /** Coerced variable values. */
  variables: Readonly<Record<string, unknown>>;
  /** The accounts a whole-scope fan-out reads (in scope, in a fan-out state); read at most once. */
  fanOutAccounts(): Promise<number>;
}

/** How many accounts and (account, Region) targets the objects of a list reach together. */
interface Span {
  accounts: number;
  targets: number;
  /**
   * The set of accounts the span is drawn from: spans with one origin share their accounts, so their
   * sessions (and DescribeRegions) are counted once, for the widest of them.
   */
  origin: object;
}

/** The origin of every span over all accounts in scope, not narrowed. */
const ALL_ACCOUNTS = {};

const NOTHING: Span = { accounts: 0, targets: 0, origin: {} };

/**
 * The span of the operation's root fields: no account yet, but NOT nothing — what is below them
 * (Query.organization → Organization.instances, its roots' lists …) costs what its rules say.
 */
const ROOT: Span = { accounts: 0, targets: 0, origin: {} };

/** A span over accounts of its own (narrowed, or picked by id). */
const own = (accounts: number, targets: number): Span => ({ accounts, targets, origin: {} });

/** What one field costs and the span of the objects it returns. */
interface FieldCost {
  ec2?: number;
  /** Accounts whose session (AssumeRole) the field needs. */
  sessions?: number;
  describeRegions?: number;
  /** The span of what the field returns (default: its parent's); per-account costs are charged to it. */
  child?: Span | (() => Promise<Span>);
}

type Args = Record<string, unknown>;

interface Env {
  config: GraphConfig;
  allAccounts(): Promise<number>;
}

type Rule = (args: Args, span: Span, env: Env) => FieldCost | Promise<FieldCost>;

type Where = Record<string, unknown> | null | undefined;

/** The EC2 calls one target's list takes (0: it matches nothing, or the resolver refuses it). */
function partsOf(kind: AnyKind, where: Where, nestedAttribute?: string): number {
  let filters: PushedFilters = kind.filters(where);
  if (filters === null) return 0;
  if (nestedAttribute !== undefined) filters = filters.filter((f: Filter) => f.Name !== nestedAttribute);
  try {
    return splitWhereFilters(filters, nestedAttribute === undefined ? 0 : 1, kind).length;
  } catch {
    return 0;
  }
}

const distinct = (values: unknown): number =>
  Array.isArray(values) ? new Set(values).size : Number.POSITIVE_INFINITY;

/** Regions per account: the configured list, else the assumption; narrowed by a where's `regions`. */
function regionsPerAccount(config: GraphConfig, wanted?: readonly string[]): number {
  const configured = config.regions ? [...new Set(config.regions)] : undefined;
  if (wanted === undefined) return configured?.length ?? config.limits.assumedRegionsPerAccount;
  if (configured === undefined) return new Set(wanted).size;
  const set = new Set(wanted);
  return configured.filter((r) => set.has(r)).length;
}

function firstOf(args: Args): number {
  return typeof args['first'] === 'number' ? Math.max(0, args['first']) : Number.POSITIVE_INFINITY;
}

/** A fan-out list over every account in scope (`all`) or over the parents' accounts. */
function fanout(kind: AnyKind, base: 'all' | 'parents'): Rule {
  return async (args, span, env) => {
    const where = args['where'] as Where;
    const narrowing = narrowingOf(where as Parameters<typeof narrowingOf>[0]);
    const parts = partsOf(kind, where);
    if (parts === 0 || narrowsToNothing(narrowing)) return { child: NOTHING };
    const baseAccounts = base === 'all' ? await env.allAccounts() : span.accounts;
    const accounts = Math.min(baseAccounts, distinct(narrowing.accountIds));
    const targets = accounts * regionsPerAccount(env.config, narrowing.regions);
    if (targets === 0) return { child: NOTHING };
    return {
      ec2: targets * parts,
      sessions: accounts,
      describeRegions: env.config.regions ? 0 : accounts,
      child: narrowing.accountIds
        ? own(accounts, targets)
        : { accounts, targets, origin: base === 'all' ? ALL_ACCOUNTS : span.origin },
    };
  };
}

/** A list of each parent's own target (a Region's lists) or of its parent id (a VPC's subnets). */
function perTarget(kind: AnyKind, nestedAttribute?: string): Rule {
  return (args, span) => {
    const where = args['where'] as Where;
    const parts = partsOf(kind, where, nestedAttribute);
    if (parts === 0 || narrowsToNothing(narrowingOf(where as Parameters<typeof narrowingOf>[0])))
      return { child: NOTHING };
    return { ec2: span.targets * parts, sessions: span.accounts, child: span };
  };
}

/** A by-id lookup: the ids of one target are one call. */
const byId: Rule = (_args, span) => ({ ec2: span.targets, sessions: span.accounts, child: span });

/** An account list: at most every account in scope, fewer with `first` or `where.accountIds`. */
const accountList: Rule = (args, _span, env) => ({
  child: async () => {
    const where = args['where'] as Where;
    const wanted = Math.min(firstOf(args), distinct(where?.['accountIds']));
    const accounts = Math.min(wanted, await env.allAccounts());
    return wanted === Number.POSITIVE_INFINITY
      ? { accounts, targets: accounts, origin: ALL_ACCOUNTS }
      : own(accounts, accounts);
  },
});

const RULES: Readonly<Record<string, Rule>> = {
  ...kindRules(),
  'Region.availabilityZones': byId,
  'Region.optInStatus': (_args, span) => ({ describeRegions: span.accounts, sessions: span.accounts }),
  'Region.endpoint': (_args, span) => ({ describeRegions: span.accounts, sessions: span.accounts }),
  'AccountAccess.status': (_args, span) => ({ sessions: span.accounts }),
  'AccountAccess.failure': (_args, span) => ({ sessions: span.accounts }),
  'Account.regions': (args, span, env) => ({
    ...(env.config.regions ? {} : { describeRegions: span.accounts, sessions: span.accounts }),
    child: {
      ...span,
      targets: span.accounts * Math.min(firstOf(args), regionsPerAccount(env.config)),
    },
  }),
  'Account.region': (_args, span) => ({ child: { ...span, targets: span.accounts } }),
  'Query.account': () => ({ child: own(1, 1) }),
  'Organization.managementAccount': () => ({ child: own(1, 1) }),
  'Query.accounts': accountList,
  'Organization.accounts': accountList,
  'OrganizationalUnit.accounts': accountList,
  'Query.node': (args) => {
    let type: string;
    try {
      type = decodeGlobalId(String(args['id'])).type;
    } catch {
      return { child: NOTHING };
    }
    const one = own(1, 1);
    return kindOfType(type) !== undefined ? { ec2: 1, sessions: 1, child: one } : { child: one };
  },
};

/** Each resource kind's lists (fan-out, per target, nested under its parents) and its lookup by id. */
function kindRules(): Record<string, Rule> {
  const rules: Record<string, Rule> = {};
  for (const kind of KINDS) {
    const list = kind.listField;
    for (const type of ['Query', 'Organization', 'OrganizationalUnit'])
      rules[`${type}.${list}`] = fanout(kind, 'all');
    rules[`Account.${list}`] = fanout(kind, 'parents');
    rules[`Region.${list}`] = perTarget(kind);
    rules[`Region.${kind.lookupField}`] = byId;
    for (const parent of KINDS) {
      const attribute = parent.childAttribute;
      if (attribute && kind.parentOf?.[attribute])
        rules[`${parent.typename}.${list}`] = perTarget(kind, attribute);
    }
  }
  return rules;
}

/** Rules that only set the span of what they return (no call of their own). */
const SPAN_ONLY = new Set([
  'Query.account',
  'Organization.managementAccount',
  'Account.region',
  'Query.accounts',
  'Organization.accounts',
  'OrganizationalUnit.accounts',
]);

/** Type.field names with a cost of their own (every other field only passes its span on). */
const COSTLY = new Set(Object.keys(RULES).filter((k) => !SPAN_ONLY.has(k)));

/**
 * The rule of a field: its own, or — for a field that returns items of a resource kind (Instance.vpc,
 * Instance.securityGroups, SecurityGroupPeer.group …) — a by-id lookup, so a new relation to a kind
 * is never estimated at 0 calls.
 */
function ruleOf(typeName: string, def: GraphQLField<unknown, unknown>): Rule | undefined {
  const own = RULES[`${typeName}.${def.name}`];
  if (own) return own;
  // A connection's nodes and an edge's node carry what their list read: no call of their own.
  if (typeName.endsWith('Connection') || typeName.endsWith('Edge')) return undefined;
  return kindOfType(getNamedType(def.type).name) ? byId : undefined;
}

function isCostly(typeName: string, def: GraphQLField<unknown, unknown>): boolean {
  return (
    COSTLY.has(`${typeName}.${def.name}`) ||
    (!RULES[`${typeName}.${def.name}`] && ruleOf(typeName, def) !== undefined)
  );
}

export async function estimateAwsCalls(input: EstimateInput): Promise<CallEstimate> {
  const { schema, config, fragments, variables } = input;
  let all: Promise<number> | undefined;
  let allKnown: number | undefined;
  const env: Env = {
    config,
    allAccounts: () =>
      (all ??= input.fanOutAccounts().then((n) => {
        allKnown = n;
        return n;
      })),
  };
  let ec2Total = 0;
  // Per origin, the most accounts any field needed a session (a Region list) in.
  const sessions = new Map<object, number>();
  const regionLists = new Map<object, number>();
  const charge = (map: Map<object, number>, span: Span, accounts: number | undefined) => {
    if (accounts) map.set(span.origin, Math.max(map.get(span.origin) ?? 0, accounts));
  };
  let costliest: CallEstimate['costliest'];
  const costlyCache = new Map<SelectionSetNode, Map<string, boolean>>();

  const fieldOf = (typeName: string, name: string): GraphQLField<unknown, unknown> | undefined => {
    const type = schema.getType(typeName);
    return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
  };

  /** Whether anything in `set` (of type `typeName`) costs AWS calls. */
  const costly = (set: SelectionSetNode, typeName: string, seen: ReadonlySet<string>): boolean => {
    let byType = costlyCache.get(set);
    const cached = byType?.get(typeName);
    if (cached !== undefined) return cached;
    let found = false;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const def = fieldOf(typeName, selection.name.value);
        if (!def) continue;
        if (isCostly(typeName, def)) found = true;
        else if (selection.selectionSet)
          found = costly(selection.selectionSet, getNamedType(def.type).name, seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        found = costly(selection.selectionSet, selection.typeCondition?.name.value ?? typeName, seen);
      } else {
        const fragment = fragments[selection.name.value];
        if (fragment && !seen.has(fragment.name.value))
          found = costly(
            fragment.selectionSet,
            fragment.typeCondition.name.value,
            new Set([...seen, fragment.name.value]),
          );
      }
      if (found) break;
    }
    if (!byType) costlyCache.set(set, (byType = new Map()));
    byType.set(typeName, found);
    return found;
  };

  const argsOf = (def: GraphQLField<unknown, unknown>, node: FieldNode): Args => {
    try {
      return getArgumentValues(def, node, variables as Record<string, unknown>);
    } catch {
      return {}; // execution reports the bad argument
    }
  };

  const walk = async (
    set: SelectionSetNode,
    typeName: string,
    span: Span,
    path: string,
    seen: ReadonlySet<string>,
  ): Promise<void> => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        await walk(selection.selectionSet, selection.typeCondition?.name.value ?? typeName, span, path, seen);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments[selection.name.value];
        if (fragment && !seen.has(fragment.name.value))
          await walk(
            fragment.selectionSet,
            fragment.typeCondition.name.value,
            span,
            path,
            new Set([...seen, fragment.name.value]),
          );
        continue;
      }
      const name = selection.name.value;
      const def = fieldOf(typeName, name);
      if (!def) continue;
      const fieldPath = `${path}${path ? '.' : ''}${selection.alias?.value ?? name}`;
      const rule = ruleOf(typeName, def);
      const cost: FieldCost = rule ? await rule(argsOf(def, selection), span, env) : {};
      const ec2 = cost.ec2 ?? 0;
      ec2Total += ec2;
      const charged = typeof cost.child === 'object' ? cost.child : span;
      charge(sessions, charged, cost.sessions);
      charge(regionLists, charged, cost.describeRegions);
      if (ec2 > 0 && (!costliest || ec2 > costliest.calls)) costliest = { path: fieldPath, calls: ec2 };
      const below = selection.selectionSet;
      const childType = getNamedType(def.type).name;
      if (!below || !costly(below, childType, seen)) continue;
      const child = typeof cost.child === 'function' ? await cost.child() : (cost.child ?? span);
      if (child !== ROOT && child.targets === 0 && child.accounts === 0) continue;
      await walk(below, childType, child, fieldPath, seen);
    }
  };

  const rootType = schema.getRootType(input.operation.operation);
  if (rootType) await walk(input.operation.selectionSet, rootType.name, ROOT, '', new Set());

  // Sessions and Region lists are per account, so never more than the accounts in scope.
  const sum = (map: Map<object, number>) => [...map.values()].reduce((a, b) => a + b, 0);
  const cap = (n: number) => (allKnown !== undefined ? Math.min(n, allKnown) : n);
  const assumeRole = cap(sum(sessions));
  const describeRegions = cap(sum(regionLists));
  return {
    total: ec2Total + assumeRole + describeRegions,
    ec2: ec2Total,
    assumeRole,
    describeRegions,
    ...(costliest ? { costliest } : {}),
  };
}
