// The shared pipeline of the paginated Describe* calls (instances, VPCs, subnets, security groups): an
// optional id list (and, for security groups, a name list), filters, MaxResults/NextToken. The order of the checks follows EC2: the ids+MaxResults combination,
// then the MaxResults range, filter names, id shapes, the token, and finally whether every id exists.
//
// Paging: by default a page holds MaxResults matching items (pages are full until the last). With the
// shortPages knob the sim pages as EC2 really does: over the unfiltered list, filtering each page after
// it is cut, so a filtered call gets short or empty pages while NextToken is still set; now and then it
// also answers an empty page with a token (never twice in a row), or hands out a token after the last
// item that leads to one final empty page.
import type { SimKnobs } from '../../knobs.js';
import type { Ec2Call } from './call.js';
import { filterParams, listParam } from '../../protocols/query.js';
import type { CompiledFilter, FilterSpec } from './filters.js';
import { applyFilters, compileFilters } from './filters.js';
import type { IdScope } from './ids.js';
import { assertIdsExist, assertIdsWellFormed } from './ids.js';
import type { PagingRules, TokenPosition, TokenScope } from './paging.js';
import {
  encodeToken,
  pageSize,
  readPageRequest,
  selectionFingerprint,
  slicePage,
  startPosition,
} from './paging.js';

/** With shortPages: the chance that a page is answered empty (with a token that resumes in place). */
export const EMPTY_PAGE_CHANCE = 0.1;
/** With shortPages: the chance that the last page still hands out a token (leading to an empty page). */
export const TRAILING_EMPTY_PAGE_CHANCE = 0.2;

export interface ListDescribe<T> {
  operation: string;
  /** The id list's parameter prefix, e.g. 'InstanceId' for InstanceId.N. */
  idParam: string;
  idScope: IdScope;
  idOf: (item: T) => string;
  filters: FilterSpec<T>;
  paging: PagingRules;
  /**
   * A second selection by name (DescribeSecurityGroups' GroupName.N), OR-ed with the id list: `select`
   * returns the items the names select and throws EC2's error for a name that selects nothing. Unlike an
   * id list it may be combined with MaxResults.
   */
  names?: { param: string; select: (items: readonly T[], names: readonly string[]) => ReadonlySet<T> };
}

export interface ListCall {
  params: Record<string, string>;
  accountId: string;
  region: string;
  knobs: SimKnobs;
  /** Random source for the shortPages knob (0..1); Math.random when absent. */
  random?: () => number;
}

export interface ListPage<T> {
  page: T[];
  nextToken?: string;
}

export function runListDescribe<T>(spec: ListDescribe<T>, call: ListCall, items: readonly T[]): ListPage<T> {
  const ids = listParam(call.params, spec.idParam);
  const names = spec.names ? listParam(call.params, spec.names.param) : [];
  const request = readPageRequest(call.params, ids.length > 0, spec.paging);
  const filters = filterParams(call.params);
  const compiled = compileFilters(filters, spec.filters);
  assertIdsWellFormed(spec.idScope, ids);
  // An id list is answered whole, as EC2 does (it cannot be combined with MaxResults either).
  const size = ids.length > 0 ? Infinity : pageSize(request, call.knobs);
  const unfiltered = call.knobs.shortPages && size !== Infinity;
  const scope: TokenScope = {
    operation: spec.operation,
    accountId: call.accountId,
    region: call.region,
    selection: selectionFingerprint(ids, filters, names),
    ...(unfiltered ? { mode: 'unfiltered' as const } : {}),
  };
  const start = startPosition(request, scope, spec.paging);

  let selected: readonly T[] = items;
  if (ids.length > 0 || names.length > 0) {
    const wanted = new Set(ids);
    const known = new Set<string>();
    for (const item of items) {
      const id = spec.idOf(item);
      if (wanted.has(id)) known.add(id);
    }
    assertIdsExist(spec.idScope, ids, known);
    const named = spec.names && names.length > 0 ? spec.names.select(items, names) : undefined;
    selected = items.filter((item) => wanted.has(spec.idOf(item)) || named?.has(item) === true);
  }
  if (unfiltered) return shortPage(selected, compiled, start, size, scope, call.random ?? Math.random);
  const matching = applyFilters(selected, compiled);
  const { page, next } = slicePage(matching, start.offset, size);
  return next === undefined ? { page } : { page, nextToken: encodeToken(scope, next) };
}

/**
 * A whole list answer for an EC2 call: runs the pipeline over `items` and serializes the page as
 * `<setName><item>…</item>…</setName>`, then `<nextToken>` when more pages remain.
 */
export function listDescribeXml<T>(
  spec: ListDescribe<T>,
  call: Ec2Call,
  items: readonly T[],
  setName: string,
  itemXml: (item: T) => string,
): string {
  const { page, nextToken } = runListDescribe(
    spec,
    { ...call, knobs: call.ctx.knobs, random: call.ctx.random },
    items,
  );
  let xml = `<${setName}>`;
  for (const item of page) xml += itemXml(item);
  xml += `</${setName}>`;
  if (nextToken !== undefined) xml += `<nextToken>${nextToken}</nextToken>`;
  return xml;
}

/** One page cut from the unfiltered list and filtered afterwards (the shortPages knob). */
function shortPage<T>(
  items: readonly T[],
  filters: readonly CompiledFilter<T>[],
  start: TokenPosition,
  size: number,
  scope: TokenScope,
  random: () => number,
): ListPage<T> {
  const offset = Math.min(start.offset, items.length);
  if (offset < items.length && !start.afterEmpty && random() < EMPTY_PAGE_CHANCE)
    return { page: [], nextToken: encodeToken(scope, offset, true) };
  const { page: window, next } = slicePage(items, offset, size);
  const page = applyFilters(window, filters);
  if (next !== undefined) return { page, nextToken: encodeToken(scope, next) };
  if (window.length > 0 && random() < TRAILING_EMPTY_PAGE_CHANCE)
    return { page, nextToken: encodeToken(scope, items.length) };
  return { page };
}
