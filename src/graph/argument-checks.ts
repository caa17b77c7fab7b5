// What every argument of the schema must look like, checked before any AWS call: an argument AWS would
// refuse, or one that can never match anything, is a BAD_USER_INPUT error naming the argument, the bad
// value (shortened and safely printable) and what is expected — never a silently empty answer.
//
// One table per kind of argument: the fields of the `where` inputs (by field name; every list at most
// MAX_WHERE_VALUES long), the id arguments of lookups, and the paging arguments of every connection.
import { isIPv4 } from 'node:net';
import type { GraphQLError } from 'graphql';
import {
  EXPECTED,
  canMatchEc2Id,
  isAccountId,
  isAvailabilityZone,
  isEc2Id,
  isRegionName,
  isUnitId,
  regionOfZone,
} from '../aws/ids.js';
import type { Ec2IdPrefix } from '../aws/ids.js';
import { validateFirst } from './connection.js';
import type { GraphContext } from './context.js';
import { isCursorShaped } from './cursor.js';
import { badUserInput } from './errors.js';
import { whereSplitProblem } from './filter-split.js';
import { decodeGlobalId, globalIdProblem } from './global-id.js';
import { shown } from './shown.js';
import { KINDS, kindOfList, kindOfType } from './kinds/index.js';

/** The most values a list in `where` may hold (each tag's `values` too). */
export const MAX_WHERE_VALUES = 1_000;

/** What the checks need to know about the gateway. */
export interface CheckEnv {
  /** graph.regions, when configured: no other Region is ever read. */
  regions?: readonly string[];
  /** False with a static account list (no units). */
  hasOrganization: boolean;
  maxFirst: number;
}

/** What the argument checks need to know, from a request's context. */
export function checkEnv(ctx: Pick<GraphContext, 'config' | 'organizations'>): CheckEnv {
  return {
    ...(ctx.config.regions ? { regions: ctx.config.regions } : {}),
    hasOrganization: ctx.organizations.hasOrganization,
    maxFirst: ctx.config.maxFirst,
  };
}

/** A refused argument: where it is inside the field's arguments, and what is wrong. */
export interface Refusal {
  /** e.g. 'where.regions[0]' */
  argument: string;
  /** The complete sentence after "Argument <argument> of <field> ". */
  problem: string;
}

/**
 * The first problem of one field's (coerced) arguments, or undefined when they are fine.
 * `typeName.fieldName` selects the lookup checks; `where`, `first` and `after` are checked on every field.
 */
export function argumentRefusal(
  typeName: string,
  fieldName: string,
  args: Readonly<Record<string, unknown>>,
  env: CheckEnv,
): Refusal | undefined {
  for (const [name, value] of Object.entries(args)) {
    if (value === undefined || value === null) continue;
    const lookup = LOOKUP_CHECKS[`${typeName}.${fieldName}.${name}`];
    const refusal =
      lookup !== undefined
        ? valueRefusal(name, value, lookup, env)
        : name === 'where'
          ? whereRefusal(value, env)
          : name === 'first'
            ? firstRefusal(value, env)
            : name === 'after'
              ? afterRefusal(value)
              : undefined;
    if (refusal) return refusal;
  }
  return args['where'] != null ? ec2FilterRefusal(typeName, fieldName, args['where']) : undefined;
}

/** The BAD_USER_INPUT error for a refusal of an argument of `field` (its path in the operation). */
export function refusalError(field: string, refusal: Refusal): GraphQLError {
  return badUserInput(`Argument ${refusal.argument} of ${field} ${refusal.problem}`);
}

/** Throws the refusal of a field's arguments (resolvers call this too: the same rule everywhere). */
export function requireValidArguments(
  typeName: string,
  fieldName: string,
  args: Readonly<Record<string, unknown>>,
  env: CheckEnv,
): void {
  const refusal = argumentRefusal(typeName, fieldName, args, env);
  if (refusal) throw refusalError(fieldName, refusal);
}

/** A check of one string: the expectation it fails ("an AWS Region name …"), or undefined. */
type StringCheck = (value: string, env: CheckEnv) => string | undefined;

const shape =
  (test: (value: string) => boolean, expected: string): StringCheck =>
  (value) =>
    test(value) ? undefined : expected;

const accountId = shape(isAccountId, EXPECTED.accountId);

const unitId: StringCheck = (value, env) =>
  !env.hasOrganization
    ? 'absent: unit ids need the Organizations account source, and this gateway reads a static account list'
    : isUnitId(value)
      ? undefined
      : EXPECTED.unitId;

const region: StringCheck = (value, env) => {
  if (!isRegionName(value)) return EXPECTED.region;
  if (env.regions && !env.regions.includes(value))
    return `one of the Regions this gateway reads (graph.regions: ${env.regions.join(', ')})`;
  return undefined;
};

const ec2Id =
  (prefix: Ec2IdPrefix): StringCheck =>
  (value) =>
    isEc2Id(prefix, value) ? undefined : EXPECTED[prefix];

/** Filter values may use EC2's wildcards; a pattern is refused only when no id could ever match it. */
const ec2IdFilter =
  (prefix: Ec2IdPrefix): StringCheck =>
  (value) =>
    value.length <= 64 && canMatchEc2Id(prefix, value)
      ? undefined
      : `${EXPECTED[prefix]} (EC2 wildcards * and ? allowed)`;

const WILDCARDS = /[*?\\]/;

const INSTANCE_TYPE = /^[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*$/;
const INSTANCE_TYPE_PATTERN = /^[a-z0-9.*?-]{1,64}$/;
const instanceType: StringCheck = (value) =>
  (WILDCARDS.test(value) ? INSTANCE_TYPE_PATTERN : INSTANCE_TYPE).test(value) && value.length <= 64
    ? undefined
    : 'an instance type such as t3.micro (lowercase letters, digits, . and -; EC2 wildcards * and ? allowed)';

// A VPC security group's name: 1–255 of a-z A-Z 0-9, spaces and ._-:/()#,@[]+=&;{}!$* (EC2's rule),
// with the filter wildcards ? and \ besides.
const GROUP_NAME = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*?\\]{1,255}$/;
const groupName: StringCheck = (value) =>
  GROUP_NAME.test(value)
    ? undefined
    : 'a security group name: 1 to 255 of letters, digits, spaces and ._-:/()#,@[]+=&;{}!$* (EC2 wildcards * and ? allowed)';

const ZONE_PATTERN = /^[a-z0-9*?-]{1,64}$/;
const availabilityZone: StringCheck = (value, env) => {
  if (WILDCARDS.test(value))
    return ZONE_PATTERN.test(value)
      ? undefined
      : `${EXPECTED.availabilityZone} (EC2 wildcards * and ? allowed)`;
  if (!isAvailabilityZone(value)) return `${EXPECTED.availabilityZone} (EC2 wildcards * and ? allowed)`;
  const zoneRegion = regionOfZone(value) as string;
  if (env.regions && !env.regions.includes(zoneRegion))
    return `a zone of the Regions this gateway reads (graph.regions: ${env.regions.join(', ')})`;
  return undefined;
};

const CIDR_PATTERN = /^[0-9./*?]{1,18}$/;
const cidrBlock: StringCheck = (value) => {
  const [address, bits, ...rest] = value.split('/');
  const exact =
    rest.length === 0 &&
    address !== undefined &&
    isIPv4(address) &&
    bits !== undefined &&
    /^\d{1,2}$/.test(bits) &&
    Number(bits) <= 32;
  return exact || (WILDCARDS.test(value) && CIDR_PATTERN.test(value))
    ? undefined
    : 'an IPv4 CIDR block such as 10.0.0.0/16';
};

// Tags: keys 1–128 characters, values up to 256 (AWS's limits), no control characters.
const CONTROL = /\p{Cc}/u;
const tagKey: StringCheck = (value) =>
  value.length >= 1 && value.length <= 128 && !CONTROL.test(value)
    ? undefined
    : 'a tag key: 1 to 128 characters, no control characters';
const tagValue: StringCheck = (value) =>
  value.length <= 256 && !CONTROL.test(value)
    ? undefined
    : 'a tag value: at most 256 characters, no control characters';

// Organizations account names are 1–50 printable ASCII characters.
const nameContains: StringCheck = (value) =>
  value.length <= 50 && /^[\x20-\x7e]*$/.test(value)
    ? undefined
    : 'part of an account name: at most 50 printable ASCII characters (what Organizations allows in a name)';

/** Types whose global id names a Region (account, Region, resource id). */
const REGIONAL_TYPES: ReadonlySet<string> = new Set(['Region', ...KINDS.map((k) => k.typename)]);
const globalId: StringCheck = (value, env) => {
  const problem = globalIdProblem(value);
  if (problem !== undefined) return `an id issued by this API (${problem})`;
  // As everywhere else, a Region outside graph.regions is refused, not answered null.
  const { type, parts } = decodeGlobalId(value);
  const named = parts[1];
  if (env.regions && REGIONAL_TYPES.has(type) && named !== undefined && !env.regions.includes(named))
    return `an id of a Region this gateway reads (graph.regions: ${env.regions.join(', ')}; this ${type} id names ${named})`;
  return undefined;
};

/** Lookup arguments, by Type.field.argument. */
const LOOKUP_CHECKS: Partial<Record<string, StringCheck>> = {
  'Query.node.id': globalId,
  'Query.account.id': accountId,
  'Account.region.name': region,
  ...Object.fromEntries(KINDS.map((k) => [`Region.${k.lookupField}.id`, ec2Id(k.aws.idPrefix)])),
};

/** The fields of InstanceWhere, VpcWhere, SubnetWhere and AccountWhere (enums and booleans need none). */
const WHERE_LISTS: Partial<Record<string, StringCheck>> = {
  accountIds: accountId,
  unitIds: unitId,
  regions: region,
  types: instanceType,
  // Each kind's id list (instanceIds, vpcIds, …), wherever a where names it.
  ...Object.fromEntries(KINDS.map((k) => [k.whereArguments[k.idFilter], ec2IdFilter(k.aws.idPrefix)])),
  availabilityZones: availabilityZone,
  groupNames: groupName,
  cidrBlocks: cidrBlock,
};

function valueRefusal(argument: string, value: unknown, check: StringCheck, env: CheckEnv) {
  if (typeof value !== 'string') return undefined;
  const expected = check(value, env);
  return expected === undefined
    ? undefined
    : { argument, problem: `must be ${expected} (got ${shown(value)})` };
}

function listRefusal(argument: string, values: unknown, check: StringCheck | undefined, env: CheckEnv) {
  if (!Array.isArray(values)) return undefined;
  if (values.length > MAX_WHERE_VALUES)
    return {
      argument,
      problem: `lists ${values.length} values; at most ${MAX_WHERE_VALUES} are accepted (query in smaller batches)`,
    };
  if (!check) return undefined;
  for (let i = 0; i < values.length; i++) {
    const refusal = valueRefusal(`${argument}[${i}]`, values[i], check, env);
    if (refusal) return refusal;
  }
  return undefined;
}

function whereRefusal(where: unknown, env: CheckEnv): Refusal | undefined {
  if (where === null || typeof where !== 'object') return undefined;
  for (const [field, value] of Object.entries(where as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    const argument = `where.${field}`;
    let refusal: Refusal | undefined;
    if (field === 'tags') refusal = tagsRefusal(argument, value);
    else if (field === 'nameContains') refusal = valueRefusal(argument, value, nameContains, env);
    else if (Array.isArray(value)) refusal = listRefusal(argument, value, WHERE_LISTS[field], env);
    if (refusal) return refusal;
  }
  return undefined;
}

function tagsRefusal(argument: string, tags: unknown): Refusal | undefined {
  if (!Array.isArray(tags)) return undefined;
  const env: CheckEnv = { hasOrganization: true, maxFirst: 0 };
  const tooMany = listRefusal(argument, tags, undefined, env);
  if (tooMany) return tooMany;
  for (let i = 0; i < tags.length; i++) {
    const tag = tags[i] as { key?: unknown; values?: unknown };
    const refusal =
      valueRefusal(`${argument}[${i}].key`, tag.key, tagKey, env) ??
      listRefusal(`${argument}[${i}].values`, tag.values, tagValue, env);
    if (refusal) return refusal;
  }
  return undefined;
}

function firstRefusal(first: unknown, env: CheckEnv): Refusal | undefined {
  if (typeof first !== 'number') return undefined;
  try {
    validateFirst(first, env.maxFirst);
    return undefined;
  } catch {
    return {
      argument: 'first',
      problem: `must be a whole number from 0 to ${env.maxFirst} (got ${first})${first > env.maxFirst ? "; page with 'after'" : ''}`,
    };
  }
}

function afterRefusal(after: unknown): Refusal | undefined {
  if (typeof after !== 'string' || isCursorShaped(after)) return undefined;
  return { argument: 'after', problem: `must be a cursor this API issued (got ${shown(after)})` };
}

/** A where that EC2 would refuse in any split (more than 200 values that cannot be divided). */
function ec2FilterRefusal(typeName: string, fieldName: string, where: unknown): Refusal | undefined {
  const kind = kindOfList(fieldName);
  const filters = kind?.filters(where);
  if (kind === undefined || filters === undefined || filters === null) return undefined;
  // A nested list adds a filter for its parents (a VPC's or a subnet's id), whose room is kept.
  const attribute = kindOfType(typeName)?.childAttribute;
  const own = attribute === undefined ? filters : filters.filter((f) => f.Name !== attribute);
  return whereSplitProblem(own, attribute === undefined ? 0 : 1, kind);
}
