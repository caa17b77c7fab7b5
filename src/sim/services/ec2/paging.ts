// EC2 pagination: MaxResults 5..1000, no MaxResults together with an id list, and opaque NextTokens
// that only the call that issued them may use. A token carries the operation, the calling account,
// the Region, a fingerprint of the selection (ids and filters), the paging mode and the offset of the
// next item, and is sealed with an HMAC under a per-process key, so a tampered token, or one replayed
// with other filters, another operation, account, Region or paging mode, is refused with the error EC2
// gives for a bad token.
//
// Two paging modes. 'filtered' (the default) pages over the items that match the filters, so every
// page but the last is full. 'unfiltered' (the shortPages knob) is what EC2 really does: it pages over
// everything and filters each page afterwards, so pages come back short or even empty while NextToken
// is still set; offsets then count unfiltered items.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { QueryFilter } from '../../protocols/query.js';
import type { SimKnobs } from '../../knobs.js';
import { ec2Errors } from './errors.js';

/** The wording one operation uses for its paging errors (they differ between EC2 operations). */
export interface PagingRules {
  /** The id list's parameter as EC2 names it in the InvalidParameterCombination message. */
  combinationMessage: string;
  tooSmall: (value: string) => string;
  tooLarge: (value: string) => string;
  badToken: (token: string) => string;
  /** Whether an empty NextToken is refused (DescribeVpcs does; most operations ignore it). */
  emptyTokenIsInvalid: boolean;
}

export const MIN_MAX_RESULTS = 5;
export const MAX_MAX_RESULTS = 1000;

/**
 * DescribeInstances. Combination wording: "The parameter instancesSet cannot be used with the parameter
 * maxResults" (reported from AWS in getmoto/moto#6282). Lower bound: "Value ( 3 ) for parameter
 * maxResults is invalid. Expecting a value greater than 5." (a captured boto3 error). AWS publishes no
 * wording for values above 1000 (some captures suggest it silently caps them); the sim refuses them as
 * the API reference's 5..1000 range says, in the same sentence shape. Bad token: InvalidParameterValue
 * "Unable to parse pagination token" (the real-AWS answer mirrored by treelogic-swe/aws-mock's
 * MockEC2QueryHandler: "mock real AWS' 400 error message in case of invalid token").
 */
export const DESCRIBE_INSTANCES_PAGING: PagingRules = {
  combinationMessage: 'The parameter instancesSet cannot be used with the parameter maxResults',
  tooSmall: (v) => `Value ( ${v} ) for parameter maxResults is invalid. Expecting a value greater than 5.`,
  tooLarge: (v) =>
    `Value ( ${v} ) for parameter maxResults is invalid. Expecting a value less than or equal to 1000.`,
  badToken: () => 'Unable to parse pagination token',
  emptyTokenIsInvalid: false,
};

/**
 * The newer VPC APIs word their refusals differently: "Value ( 1000 ) for parameter MaxResults is
 * invalid. Expecting a value smaller than or equal to 100." (a captured DescribeRouteTables answer) and,
 * for a bad token, InvalidParameterValue "Value (  ) for parameter NextToken is invalid. The token is
 * invalid." (DescribeVpcs with NextToken='', boto/boto3#2673).
 */
function vpcApiPaging(idsParameter: string): PagingRules {
  return {
    combinationMessage: `The parameter ${idsParameter} cannot be used with the parameter MaxResults`,
    tooSmall: (v) =>
      `Value ( ${v} ) for parameter MaxResults is invalid. Expecting a value greater than or equal to 5.`,
    tooLarge: (v) =>
      `Value ( ${v} ) for parameter MaxResults is invalid. Expecting a value smaller than or equal to 1000.`,
    badToken: (t) => `Value ( ${t} ) for parameter NextToken is invalid. The token is invalid.`,
    emptyTokenIsInvalid: true,
  };
}

export const DESCRIBE_VPCS_PAGING = vpcApiPaging('VpcIds');
export const DESCRIBE_SUBNETS_PAGING = vpcApiPaging('SubnetIds');
/**
 * DescribeSecurityGroups got MaxResults/NextToken with the newer APIs; the API reference says only "You
 * cannot specify this parameter and the GroupIds parameter in the same request". No captured wording
 * of its refusals was found, so the sim words them as DescribeVpcs does.
 */
export const DESCRIBE_SECURITY_GROUPS_PAGING = vpcApiPaging('GroupIds');

export type PagingMode = 'filtered' | 'unfiltered';

/** What a token is bound to. */
export interface TokenScope {
  operation: string;
  accountId: string;
  region: string;
  /** Fingerprint of the selection (see selectionFingerprint). */
  selection: string;
  /** Absent means 'filtered'. */
  mode?: PagingMode;
}

/** Where a token resumes. */
export interface TokenPosition {
  /** Offset of the next item (in the filtered or the unfiltered list, per the scope's mode). */
  offset: number;
  /** The page that handed out this token was an injected empty one (so the next page makes progress). */
  afterEmpty?: boolean;
}

interface TokenPayload {
  o: string;
  a: string;
  r: string;
  s: string;
  n: number; // offset of the next item
  u?: 1; // unfiltered paging mode
  z?: 1; // issued by an injected empty page
}

const TOKEN_KEY = randomBytes(32);
const MAC_BYTES = 16;

function mac(body: Buffer): Buffer {
  return createHmac('sha256', TOKEN_KEY).update(body).digest().subarray(0, MAC_BYTES);
}

export function encodeToken(scope: TokenScope, offset: number, afterEmpty = false): string {
  const payload: TokenPayload = {
    o: scope.operation,
    a: scope.accountId,
    r: scope.region,
    s: scope.selection,
    n: offset,
    ...(scope.mode === 'unfiltered' ? { u: 1 as const } : {}),
    ...(afterEmpty ? { z: 1 as const } : {}),
  };
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  return Buffer.concat([body, mac(body)]).toString('base64url');
}

/** The offset a token resumes at, or undefined when it is not a token this scope issued. */
export function decodeToken(token: string, scope: TokenScope): number | undefined {
  return decodeTokenPosition(token, scope)?.offset;
}

/** Where a token resumes, or undefined when it is not a token this scope issued. */
export function decodeTokenPosition(token: string, scope: TokenScope): TokenPosition | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const raw = Buffer.from(token, 'base64url');
  // Only the canonical spelling is accepted (base64 leaves spare bits in the last character).
  if (raw.length <= MAC_BYTES || raw.toString('base64url') !== token) return undefined;
  const body = raw.subarray(0, raw.length - MAC_BYTES);
  const given = raw.subarray(raw.length - MAC_BYTES);
  if (!timingSafeEqual(given, mac(body))) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const p = payload as Partial<TokenPayload>;
  if (p.o !== scope.operation || p.a !== scope.accountId || p.r !== scope.region || p.s !== scope.selection)
    return undefined;
  if ((p.u === 1) !== (scope.mode === 'unfiltered')) return undefined;
  if (typeof p.n !== 'number' || !Number.isInteger(p.n) || p.n < 0) return undefined;
  return p.z === 1 ? { offset: p.n, afterEmpty: true } : { offset: p.n };
}

/**
 * A stable digest of what a call selects: its ids, its filters and, for operations that select by name
 * too, its names (order of ids, names, filters and values ignored).
 */
export function selectionFingerprint(
  ids: readonly string[],
  filters: readonly QueryFilter[],
  names: readonly string[] = [],
): string {
  const canonical = {
    ids: [...ids].sort(),
    ...(names.length > 0 ? { names: [...names].sort() } : {}),
    filters: filters
      .map((f) => [f.name, [...f.values].sort()] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url').slice(0, 22);
}

/** The paging parameters of one call, validated. */
export interface PageRequest {
  /** Undefined when the caller sent no MaxResults. */
  maxResults?: number;
  /** Undefined when the caller sent no (usable) NextToken. */
  nextToken?: string;
}

/**
 * Reads MaxResults and NextToken. The id-list combination is checked before the range (AWS refuses the
 * combination even when MaxResults is also out of range).
 */
export function readPageRequest(
  params: Record<string, string>,
  hasIds: boolean,
  rules: PagingRules,
): PageRequest {
  const rawMax = params['MaxResults'];
  const out: PageRequest = {};
  if (rawMax !== undefined) {
    if (hasIds) throw ec2Errors.invalidParameterCombination(rules.combinationMessage);
    if (!/^-?\d+$/.test(rawMax.trim()))
      throw ec2Errors.invalidParameterValue(`Invalid value '${rawMax}' for MaxResults`);
    const n = Number(rawMax);
    if (n < MIN_MAX_RESULTS) throw ec2Errors.invalidParameterValue(rules.tooSmall(rawMax));
    if (n > MAX_MAX_RESULTS) throw ec2Errors.invalidParameterValue(rules.tooLarge(rawMax));
    out.maxResults = n;
  }
  const token = params['NextToken'];
  if (token !== undefined) {
    if (token === '') {
      if (rules.emptyTokenIsInvalid) throw ec2Errors.invalidParameterValue(rules.badToken(token));
    } else out.nextToken = token;
  }
  return out;
}

/** The offset a call starts at: 0, or the one its (validated) NextToken carries. */
export function startOffset(request: PageRequest, scope: TokenScope, rules: PagingRules): number {
  return startPosition(request, scope, rules).offset;
}

/** Where a call starts: offset 0, or the position its (validated) NextToken carries. */
export function startPosition(request: PageRequest, scope: TokenScope, rules: PagingRules): TokenPosition {
  if (request.nextToken === undefined) return { offset: 0 };
  const position = decodeTokenPosition(request.nextToken, scope);
  if (position === undefined) throw ec2Errors.invalidParameterValue(rules.badToken(request.nextToken));
  return position;
}

/**
 * How many items one answer holds: MaxResults, capped by the pageCap knob. Without either, everything
 * (as AWS answers an unpaginated Describe call).
 */
export function pageSize(request: PageRequest, knobs: Pick<SimKnobs, 'pageCap'>): number {
  const cap = knobs.pageCap !== undefined && knobs.pageCap > 0 ? knobs.pageCap : Infinity;
  return Math.min(request.maxResults ?? Infinity, cap);
}

/** One page of `items` from `start`, and the offset of the next page when items remain. */
export function slicePage<T>(items: readonly T[], start: number, size: number): { page: T[]; next?: number } {
  const end = size === Infinity ? items.length : Math.min(items.length, start + size);
  const page = items.slice(start, end);
  return end < items.length ? { page, next: end } : { page };
}
