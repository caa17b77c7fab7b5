// What orgraph knows about EC2's Describe lists, once: the MaxResults range, the id-list size, the
// filter value limit, a stable key for a filter list, and how one list (a resource kind's `aws` part,
// see src/graph/kinds/) is asked for a page or for ids. The data layer (data-layer.ts) adds limits,
// retries, caching and the NextToken guard; these functions only build requests and read answers.
import { ec2Sdk } from './sdk-clients.js';
import type { AvailabilityZone, EC2Client, Filter, Region } from '@aws-sdk/client-ec2';
import type { Ec2IdPrefix } from './ids.js';

/** EC2's MaxResults range for the Describe lists. */
export const EC2_MIN_MAX_RESULTS = 5;
export const EC2_MAX_MAX_RESULTS = 1000;
/** Ids per by-id Describe call. */
export const EC2_IDS_PER_CALL = 1000;
/** EC2's limit on the values of all filters of one call (more: FilterLimitExceeded). */
export const EC2_MAX_FILTER_VALUES = 200;

/** A page size EC2 accepts for `wanted` items: rounded up, within 5..1000; 1000 when unsaid. */
export function clampMaxResults(wanted?: number): number {
  if (wanted === undefined || !Number.isFinite(wanted)) return EC2_MAX_MAX_RESULTS;
  return Math.min(EC2_MAX_MAX_RESULTS, Math.max(EC2_MIN_MAX_RESULTS, Math.ceil(wanted)));
}

/** A stable text for a filter list (order of filters and values ignored), for cache and batch keys. */
export function filtersKey(filters: readonly Filter[] | undefined): string {
  if (!filters || filters.length === 0) return '';
  return JSON.stringify(
    filters
      .map((f) => [f.Name ?? '', [...(f.Values ?? [])].sort()] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
  );
}

/** An EC2 Describe list operation (DescribeInstances, DescribeSecurityGroups …). */
export type Ec2ListOperation = `Describe${string}`;

/** One request of a list: a page (Filters, MaxResults, NextToken) or an id list (no MaxResults: EC2 refuses both). */
export interface Ec2ListInput {
  Filters?: Filter[];
  MaxResults?: number;
  NextToken?: string;
  ids?: string[];
}

/** What the SDK answered, as every Describe output has it. */
export interface Ec2ListOutput {
  NextToken?: string;
  $metadata: { attempts?: number };
}

/** How one EC2 list is called and read: the AWS half of a resource kind. */
export interface Ec2List<Item, Out extends Ec2ListOutput = Ec2ListOutput> {
  operation: Ec2ListOperation;
  /** The id prefix (`i`, `vpc`, `subnet`, `sg`): ids.ts decides the shape. */
  idPrefix: Ec2IdPrefix;
  /** One SDK call; `input.ids` goes to the operation's id-list parameter. */
  send(client: EC2Client, input: Ec2ListInput, abortSignal: AbortSignal): Promise<Out>;
  items(output: Out): Item[];
  idOf(item: Item): string | undefined;
}

/** A list with its SDK output type checked where it is declared, and erased for the generic callers. */
export function ec2List<Item, Out extends Ec2ListOutput>(list: Ec2List<Item, Out>): Ec2List<Item> {
  // Sound: `items` only ever reads what this list's own `send` returned.
  return list as unknown as Ec2List<Item>;
}

/** The request of one page: the filters, the page size for `wanted` items, and the token to resume from. */
export function pageInput(
  filters: readonly Filter[] | undefined,
  wanted: number | undefined,
  nextToken?: string,
): Ec2ListInput {
  return {
    ...(filters && filters.length > 0 ? { Filters: [...filters] } : {}),
    MaxResults: clampMaxResults(wanted),
    // Some services answer the last page with an empty string as token.
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}

/** The Regions enabled for the calling account (no AllRegions), each with its OptInStatus. Not paginated. */
export async function describeRegions(client: EC2Client, abortSignal: AbortSignal) {
  return client.send(new (ec2Sdk().DescribeRegionsCommand)({}), { abortSignal });
}

/** The availability zones of the client's Region that are available to the account. Not paginated. */
export async function describeAvailabilityZones(client: EC2Client, abortSignal: AbortSignal) {
  return client.send(new (ec2Sdk().DescribeAvailabilityZonesCommand)({}), { abortSignal });
}

export type { AvailabilityZone, Region };
