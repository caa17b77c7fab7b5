// EC2 refuses a Describe call whose filters carry more than 200 values in total (FilterLimitExceeded).
// A longer list is split into several calls whose results are disjoint and together are the original
// call's result: one filter's values are divided between the calls, which is exact only when every
// item has at most one value for that filter (an instance has one type, one VPC, one value per tag
// key) and no value is a wildcard (`t3.*` and `t3.micro` would both match a t3.micro in two calls).
// A list that cannot be split that way is refused as BAD_USER_INPUT naming the `where` argument.
import type { Filter } from '@aws-sdk/client-ec2';
import { badUserInput } from './errors.js';
import { EC2_MAX_FILTER_VALUES as MAX_FILTER_VALUES } from '../aws/ec2-lists.js';
import { SINGLE_VALUED, whereArgumentOf } from './kinds/index.js';
import type { AnyKind } from './kinds/index.js';

/** At most this many calls per (account, Region) for one list a user's `where` asks for. */
export const MAX_SPLIT_CALLS = 50;

export interface SplitOptions {
  /** Filters with at most one value per item of the list being read (its kind's); default: any kind's. */
  singleValued?: ReadonlySet<string>;
  /** Values allowed per call; default MAX_FILTER_VALUES. */
  budget?: number;
  /** Calls allowed; default unbounded. */
  maxCalls?: number;
}

/** Why a filter list could not be split; `filter` is the name of the filter to blame. */
export class FilterSplitError extends Error {
  constructor(
    readonly filter: string,
    readonly values: number,
    readonly reason: 'unsplittable' | 'too-many-calls',
  ) {
    super(`cannot split the EC2 filter ${filter} (${values} values): ${reason}`);
    this.name = 'FilterSplitError';
  }
}

/**
 * `filters` as one or more filter lists of at most `budget` values each, selecting disjoint items
 * whose union is what `filters` selects (in a fixed order, so cursors can name a part by its index).
 * Throws FilterSplitError when that cannot be done exactly or takes more than `maxCalls` calls.
 */
export function splitFilters(filters: readonly Filter[], options: SplitOptions = {}): Filter[][] {
  const budget = options.budget ?? MAX_FILTER_VALUES;
  const maxCalls = options.maxCalls ?? Infinity;
  const singleValued = options.singleValued ?? SINGLE_VALUED;
  const isSplittable = (filter: Filter): boolean => {
    const name = filter.Name ?? '';
    if (!singleValued.has(name) && !name.startsWith('tag:')) return false;
    return valuesOf(filter).every((v) => !/[*?\\]/.test(v));
  };
  const parts: Filter[][] = [];
  const visit = (current: Filter[]): void => {
    const total = valueCount(current);
    if (total <= budget) {
      parts.push(current);
      if (parts.length > maxCalls) {
        const blamed = largest(filters, () => true) ?? 0;
        throw new FilterSplitError(
          nameOf(filters, blamed),
          valuesOf(filters[blamed]).length,
          'too-many-calls',
        );
      }
      return;
    }
    const index = largest(current, (f) => isSplittable(f) && valuesOf(f).length >= 2);
    if (index === undefined) {
      const blamed = largest(filters, (f) => !isSplittable(f)) ?? largest(filters, () => true) ?? 0;
      throw new FilterSplitError(nameOf(filters, blamed), valuesOf(filters[blamed]).length, 'unsplittable');
    }
    const filter = current[index] as Filter;
    const values = valuesOf(filter);
    const others = total - values.length;
    // All the room the other filters leave; when they leave none, halve and split the halves further.
    const size = others < budget ? budget - others : Math.ceil(values.length / 2);
    for (let i = 0; i < values.length; i += size) {
      const part = { ...filter, Values: values.slice(i, i + size) };
      visit(current.map((f, j) => (j === index ? part : f)));
    }
  };
  visit([...filters]);
  return parts;
}

/**
 * The parts of a user's `where` filters (see splitFilters), keeping `reserve` values of each call free
 * for ids the loaders add; BAD_USER_INPUT naming the argument when they cannot be split.
 */
export function splitWhereFilters(
  filters: readonly Filter[],
  reserve = 0,
  kind?: Pick<AnyKind, 'singleValued'>,
): Filter[][] {
  const split = trySplitWhere(filters, reserve, kind);
  if ('argument' in split) throw badUserInput(`'${split.argument}' ${split.problem}`);
  return split.parts;
}

/**
 * Why a user's `where` filters cannot be sent to EC2 (the `where` argument to blame and the rest of the
 * sentence), or undefined when they can.
 */
export function whereSplitProblem(
  filters: readonly Filter[],
  reserve = 0,
  kind?: Pick<AnyKind, 'singleValued'>,
): { argument: string; problem: string } | undefined {
  const split = trySplitWhere(filters, reserve, kind);
  return 'argument' in split ? split : undefined;
}

function trySplitWhere(
  filters: readonly Filter[],
  reserve: number,
  kind: Pick<AnyKind, 'singleValued'> | undefined,
): { parts: Filter[][] } | { argument: string; problem: string } {
  try {
    return {
      parts: splitFilters(filters, {
        budget: MAX_FILTER_VALUES - reserve,
        maxCalls: MAX_SPLIT_CALLS,
        ...(kind ? { singleValued: new Set(kind.singleValued) } : {}),
      }),
    };
  } catch (error) {
    if (!(error instanceof FilterSplitError)) throw error;
    const argument = `where.${whereArgumentOf(error.filter)}`;
    const total = valueCount(filters);
    if (error.reason === 'too-many-calls')
      return {
        argument,
        problem: `has too many values: EC2 accepts ${MAX_FILTER_VALUES} filter values per call and this where (${total} values) would need more than ${MAX_SPLIT_CALLS} calls per account and Region; query in smaller batches`,
      };
    return {
      argument,
      problem: `cannot be sent to EC2: a call accepts at most ${MAX_FILTER_VALUES} filter values (this where has ${total}), and only lists of exact values (no * or ?) of ${SPLITTABLE_ARGUMENTS} or tag values can be split over several calls; use fewer values`,
    };
  }
}

/** The `where` arguments whose lists can be split, for the message. */
const SPLITTABLE_ARGUMENTS = [...new Set([...SINGLE_VALUED].map(whereArgumentOf))].join(', ');

/** The number of filter values a call with `filters` carries. */
export function valueCount(filters: readonly Filter[]): number {
  return filters.reduce((sum, f) => sum + valuesOf(f).length, 0);
}

/** The index of the filter with the most values among those `eligible` accepts. */
function largest(filters: readonly Filter[], eligible: (f: Filter) => boolean): number | undefined {
  let best: number | undefined;
  filters.forEach((f, i) => {
    if (!eligible(f)) return;
    if (best === undefined || valuesOf(f).length > valuesOf(filters[best]).length) best = i;
  });
  return best;
}

function valuesOf(filter: Filter | undefined): string[] {
  return filter?.Values ?? [];
}

function nameOf(filters: readonly Filter[], index: number): string {
  return filters[index]?.Name ?? '';
}
