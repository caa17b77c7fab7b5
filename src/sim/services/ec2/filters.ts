// EC2 Describe* filters as the service applies them: `Filter.N.Name` with `Filter.N.Value.M`; the values
// of one filter are OR-ed, separate filters are AND-ed, values may use the `*` (any run of characters)
// and `?` (one character) wildcards, with `\` escaping a literal `*`, `?` or `\`. Matching is
// case-sensitive. A filter name the operation does not know is refused with InvalidParameterValue
// ("The filter 'x' is invalid"), and more than 200 values over all filters of one call with
// FilterLimitExceeded, as EC2 does.
import type { QueryFilter } from '../../protocols/query.js';
import type { Tag } from '../../model.js';
import { ec2Errors } from './errors.js';

/** What a resource exposes to one filter name: its values (none when the attribute is absent). */
export type FilterValues<T> = (item: T) => readonly (string | undefined)[];

/** The filter names an operation understands. `tag:<key>`, `tag-key` and `tag-value` come from `tagsOf`. */
export interface FilterSpec<T> {
  fields: Record<string, FilterValues<T>>;
  tagsOf?: (item: T) => readonly Tag[];
}

/** A validated, compiled filter: true when the item matches one of its values. */
export type CompiledFilter<T> = (item: T) => boolean;

const REGEX_SPECIALS = /[.+^${}()|[\]\\/-]/g;

/** Compiles an EC2 filter value with `*`/`?` wildcards and `\` escapes into an anchored RegExp. */
export function wildcardToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length) {
      const next = pattern[++i] as string;
      source += next.replace(REGEX_SPECIALS, '\\$&').replace(/[*?]/g, '\\$&');
    } else if (ch === '*') source += '[\\s\\S]*';
    else if (ch === '?') source += '[\\s\\S]';
    else source += ch.replace(REGEX_SPECIALS, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** A matcher for a list of filter values; plain values (no wildcard or escape) are compared directly. */
export function valueMatcher(patterns: readonly string[]): (value: string) => boolean {
  const exact = new Set<string>();
  const regexes: RegExp[] = [];
  for (const p of patterns) {
    if (/[*?\\]/.test(p)) regexes.push(wildcardToRegExp(p));
    else exact.add(p);
  }
  return (value) => exact.has(value) || regexes.some((re) => re.test(value));
}

function anyValueMatches(
  values: readonly (string | undefined)[],
  match: (value: string) => boolean,
): boolean {
  for (const v of values) if (v !== undefined && match(v)) return true;
  return false;
}

/** EC2's limit on the filter values of one call, counted over all its filters. */
export const MAX_FILTER_VALUES = 200;

/**
 * Validates the filters (the total number of values, then every name, throwing EC2's error for the
 * first unknown one) and compiles them.
 */
export function compileFilters<T>(filters: readonly QueryFilter[], spec: FilterSpec<T>): CompiledFilter<T>[] {
  const totalValues = filters.reduce((n, f) => n + f.values.length, 0);
  if (totalValues > MAX_FILTER_VALUES) throw ec2Errors.filterLimitExceeded();
  const compiled: CompiledFilter<T>[] = [];
  for (const filter of filters) {
    const { name, values } = filter;
    // A filter without values constrains nothing (the SDK never sends one; EC2's answer is not documented).
    const match = valueMatcher(values);
    const field = Object.prototype.hasOwnProperty.call(spec.fields, name) ? spec.fields[name] : undefined;
    const tagsOf = spec.tagsOf;
    if (field) {
      if (values.length > 0) compiled.push((item) => anyValueMatches(field(item), match));
    } else if (tagsOf && name.startsWith('tag:') && name.length > 4) {
      const key = name.slice(4);
      if (values.length > 0)
        compiled.push((item) => tagsOf(item).some((t) => t.key === key && match(t.value)));
    } else if (tagsOf && name === 'tag-key') {
      if (values.length > 0) compiled.push((item) => tagsOf(item).some((t) => match(t.key)));
    } else if (tagsOf && name === 'tag-value') {
      if (values.length > 0) compiled.push((item) => tagsOf(item).some((t) => match(t.value)));
    } else {
      throw ec2Errors.invalidFilter(name);
    }
  }
  return compiled;
}

/** Keeps the items every filter matches (filters are AND-ed). */
export function applyFilters<T>(items: readonly T[], filters: readonly CompiledFilter<T>[]): T[] {
  if (filters.length === 0) return [...items];
  return items.filter((item) => filters.every((f) => f(item)));
}

/** 'true' / 'false', as EC2 compares boolean attributes. */
export const bool = (b: boolean): string => (b ? 'true' : 'false');
