// `where` arguments, split into what narrows the fan-out targets (accounts, units, Regions) and what is
// pushed down to AWS as EC2 Filters. Nothing here filters fetched items: an empty list in `where`
// (e.g. `states: []`) matches nothing, which is answered without calling AWS at all (null filters).
import type { Filter } from '@aws-sdk/client-ec2';
import type { InputMaybe, TagFilter } from './generated/resolvers-types.js';

/** What narrows the (account, Region) targets of a fan-out. Absent lists do not narrow. */
export interface TargetNarrowing {
  accountIds?: readonly string[];
  unitIds?: readonly string[];
  regions?: readonly string[];
}

/** EC2 Filters for a where, or null when the where matches nothing. */
export type PushedFilters = Filter[] | null;

type ListWhere = {
  accountIds?: InputMaybe<string[]>;
  unitIds?: InputMaybe<string[]>;
  regions?: InputMaybe<string[]>;
};

export function narrowingOf(where: ListWhere | null | undefined): TargetNarrowing {
  if (!where) return {};
  return {
    ...(where.accountIds != null ? { accountIds: where.accountIds } : {}),
    ...(where.unitIds != null ? { unitIds: where.unitIds } : {}),
    ...(where.regions != null ? { regions: where.regions } : {}),
  };
}

/** True when the narrowing lists an empty set (nothing can match). */
export function narrowsToNothing(narrowing: TargetNarrowing): boolean {
  return (
    narrowing.accountIds?.length === 0 || narrowing.unitIds?.length === 0 || narrowing.regions?.length === 0
  );
}

/** Builds a kind's EC2 Filters from its `where` (see src/graph/kinds/). */
export class FilterBuilder {
  readonly filters: Filter[] = [];
  empty = false;

  /** A filter matching any of `values`; an empty list matches nothing. */
  add(name: string, values: readonly string[] | null | undefined): this {
    if (values == null) return this;
    if (values.length === 0) this.empty = true;
    else this.filters.push({ Name: name, Values: [...new Set(values)] });
    return this;
  }

  tags(tags: readonly TagFilter[] | null | undefined): this {
    for (const tag of tags ?? []) {
      if (tag.values == null) this.filters.push({ Name: 'tag-key', Values: [tag.key] });
      else this.add(`tag:${tag.key}`, tag.values);
    }
    return this;
  }

  build(): PushedFilters {
    return this.empty ? null : this.filters;
  }
}

/**
 * The filters of a nested list (a VPC's subnets, a subnet's instances) other than the parent's own
 * `attribute` (vpc-id, subnet-id), which the nested loader adds for all siblings at once. When the where
 * names that attribute too, the parent must match one of its values, or nothing matches (null).
 */
export function siblingFilters(filters: PushedFilters, attribute: string, parentId: string): PushedFilters {
  if (filters === null) return null;
  const own = filters.find((f) => f.Name === attribute);
  if (own && !(own.Values ?? []).some((pattern) => wildcardMatches(pattern, parentId))) return null;
  return filters.filter((f) => f.Name !== attribute);
}

/** EC2's filter value matching: `*` any run, `?` one character, a backslash escapes. */
export function wildcardMatches(pattern: string, value: string): boolean {
  if (!/[*?\\]/.test(pattern)) return pattern === value;
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i] as string);
    else if (ch === '*') source += '[\\s\\S]*';
    else if (ch === '?') source += '[\\s\\S]';
    else source += escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`).test(value);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
