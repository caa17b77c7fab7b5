// Small field helpers shared by the resolvers of several types.
import type { Tag as Ec2Tag } from '@aws-sdk/client-ec2';

export interface TagModel {
  key: string;
  value: string;
}

export function tagsOf(tags: readonly Ec2Tag[] | undefined): TagModel[] {
  return (tags ?? []).flatMap((t) => (t.Key !== undefined ? [{ key: t.Key, value: t.Value ?? '' }] : []));
}

export function tagValue(tags: readonly Ec2Tag[] | undefined, key: string): string | null {
  return tags?.find((t) => t.Key === key)?.Value ?? null;
}

/** A value AWS always reports; its absence is a bug upstream, reported (masked) rather than guessed. */
export function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`AWS reported no ${what}`);
  return value;
}

/** `value` if it is one of `allowed`, else null (AWS added a value the schema does not know yet). */
export function enumOrNull<E extends string>(value: string | undefined, allowed: readonly E[]): E | null {
  return value !== undefined && (allowed as readonly string[]).includes(value) ? (value as E) : null;
}
