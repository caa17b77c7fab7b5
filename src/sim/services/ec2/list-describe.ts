// The shared pipeline of the paginated Describe* calls (instances, VPCs, subnets): an optional id list,
// filters, MaxResults/NextToken. The order of the checks follows EC2: the ids+MaxResults combination,
// then the MaxResults range, filter names, id shapes, the token, and finally whether every id exists.
import type { SimKnobs } from '../../knobs.js';
import { filterParams, listParam } from '../../protocols/query.js';
import type { FilterSpec } from './filters.js';
import { applyFilters, compileFilters } from './filters.js';
import type { IdScope } from './ids.js';
import { assertIdsExist, assertIdsWellFormed } from './ids.js';
import type { PagingRules, TokenScope } from './paging.js';
import {
  encodeToken,
  pageSize,
  readPageRequest,
  selectionFingerprint,
  slicePage,
  startOffset,
} from './paging.js';

export interface ListDescribe<T> {
  operation: string;
  /** The id list's parameter prefix, e.g. 'InstanceId' for InstanceId.N. */
  idParam: string;
  idScope: IdScope;
  idOf: (item: T) => string;
  filters: FilterSpec<T>;
  paging: PagingRules;
}

export interface ListCall {
  params: Record<string, string>;
  accountId: string;
  region: string;
  knobs: SimKnobs;
}

export interface ListPage<T> {
  page: T[];
  nextToken?: string;
}

export function runListDescribe<T>(spec: ListDescribe<T>, call: ListCall, items: readonly T[]): ListPage<T> {
  const ids = listParam(call.params, spec.idParam);
  const request = readPageRequest(call.params, ids.length > 0, spec.paging);
  const filters = filterParams(call.params);
  const compiled = compileFilters(filters, spec.filters);
  assertIdsWellFormed(spec.idScope, ids);
  const scope: TokenScope = {
    operation: spec.operation,
    accountId: call.accountId,
    region: call.region,
    selection: selectionFingerprint(ids, filters),
  };
  const start = startOffset(request, scope, spec.paging);

  let selected: readonly T[] = items;
  if (ids.length > 0) {
    const wanted = new Set(ids);
    const known = new Set<string>();
    selected = items.filter((item) => {
      const id = spec.idOf(item);
      if (!wanted.has(id)) return false;
      known.add(id);
      return true;
    });
    assertIdsExist(spec.idScope, ids, known);
  }
  const matching = applyFilters(selected, compiled);
  // An id list is answered whole, as EC2 does (it cannot be combined with MaxResults either).
  const size = ids.length > 0 ? Infinity : pageSize(request, call.knobs);
  const { page, next } = slicePage(matching, start, size);
  return next === undefined ? { page } : { page, nextToken: encodeToken(scope, next) };
}
