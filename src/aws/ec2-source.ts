// The EC2 calls of the data layer, one SDK request each: what is sent (the largest page unless asked,
// filters pushed down, id lists without MaxResults) and how the answer is read. Limits, retries,
// caching and NextToken loops are the caller's (aws-data.ts); these functions only talk to the SDK.
import {
  DescribeAvailabilityZonesCommand,
  DescribeInstancesCommand,
  DescribeRegionsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import type { AvailabilityZone, EC2Client, Filter, Region, Subnet, Vpc } from '@aws-sdk/client-ec2';
import type { InstanceItem } from './data.js';

export const EC2_MIN_MAX_RESULTS = 5;
export const EC2_MAX_MAX_RESULTS = 1000;
/** Ids per by-id Describe call. */
export const EC2_IDS_PER_CALL = 1000;

/** A page size EC2 accepts: the request's clamped to 5..1000, or 1000 (the largest) by default. */
export function clampMaxResults(requested?: number): number {
  if (requested === undefined || !Number.isFinite(requested)) return EC2_MAX_MAX_RESULTS;
  return Math.min(EC2_MAX_MAX_RESULTS, Math.max(EC2_MIN_MAX_RESULTS, Math.trunc(requested)));
}

/** What one SDK call answered, with the SDK's attempt count (to notice SDK-level retries). */
export interface SourceAnswer<T> {
  value: T;
  sdkAttempts: number;
}

export interface SourcePage<T> {
  items: T[];
  nextToken?: string;
}

export interface Ec2PageRequest {
  filters?: Filter[];
  maxResults: number;
  nextToken?: string;
}

/** How EC2 names the ids of one resource type (their not-found and malformed codes are classify.ts's). */
export interface Ec2IdKind {
  prefix: string;
}

export interface Ec2List<T> {
  operation: 'DescribeInstances' | 'DescribeVpcs' | 'DescribeSubnets';
  ids: Ec2IdKind;
  idOf(item: T): string | undefined;
  /** One page of the list. */
  page(
    client: EC2Client,
    request: Ec2PageRequest,
    abortSignal: AbortSignal,
  ): Promise<SourceAnswer<SourcePage<T>>>;
  /** One call with an id list (no MaxResults: EC2 refuses the combination); `nextToken` only if EC2 pages it anyway. */
  byIds(
    client: EC2Client,
    ids: readonly string[],
    nextToken: string | undefined,
    abortSignal: AbortSignal,
  ): Promise<SourceAnswer<SourcePage<T>>>;
}

function attemptsOf(out: { $metadata?: { attempts?: number } }): number {
  return out.$metadata?.attempts ?? 1;
}

function pageInput(request: Ec2PageRequest): { Filters?: Filter[]; MaxResults: number; NextToken?: string } {
  return {
    ...(request.filters && request.filters.length > 0 ? { Filters: request.filters } : {}),
    MaxResults: request.maxResults,
    ...(request.nextToken !== undefined ? { NextToken: request.nextToken } : {}),
  };
}

function page<T>(items: T[], nextToken: string | undefined): SourcePage<T> {
  // Some services answer the last page with an empty string as token.
  return nextToken ? { items, nextToken } : { items };
}

function instanceItems(
  reservations:
    { ReservationId?: string; OwnerId?: string; Instances?: InstanceItem['instance'][] }[] | undefined,
): InstanceItem[] {
  const items: InstanceItem[] = [];
  for (const r of reservations ?? []) {
    for (const instance of r.Instances ?? [])
      items.push({ instance, reservationId: r.ReservationId ?? '', ownerId: r.OwnerId ?? '' });
  }
  return items;
}

export const INSTANCES: Ec2List<InstanceItem> = {
  operation: 'DescribeInstances',
  ids: {
    prefix: 'i',
  },
  idOf: (item) => item.instance.InstanceId,
  async page(client, request, abortSignal) {
    const out = await client.send(new DescribeInstancesCommand(pageInput(request)), { abortSignal });
    return { value: page(instanceItems(out.Reservations), out.NextToken), sdkAttempts: attemptsOf(out) };
  },
  async byIds(client, ids, nextToken, abortSignal) {
    const out = await client.send(
      new DescribeInstancesCommand({ InstanceIds: [...ids], ...(nextToken ? { NextToken: nextToken } : {}) }),
      { abortSignal },
    );
    return { value: page(instanceItems(out.Reservations), out.NextToken), sdkAttempts: attemptsOf(out) };
  },
};

export const VPCS: Ec2List<Vpc> = {
  operation: 'DescribeVpcs',
  ids: { prefix: 'vpc' },
  idOf: (vpc) => vpc.VpcId,
  async page(client, request, abortSignal) {
    const out = await client.send(new DescribeVpcsCommand(pageInput(request)), { abortSignal });
    return { value: page(out.Vpcs ?? [], out.NextToken), sdkAttempts: attemptsOf(out) };
  },
  async byIds(client, ids, nextToken, abortSignal) {
    const out = await client.send(
      new DescribeVpcsCommand({ VpcIds: [...ids], ...(nextToken ? { NextToken: nextToken } : {}) }),
      { abortSignal },
    );
    return { value: page(out.Vpcs ?? [], out.NextToken), sdkAttempts: attemptsOf(out) };
  },
};

export const SUBNETS: Ec2List<Subnet> = {
  operation: 'DescribeSubnets',
  ids: {
    prefix: 'subnet',
  },
  idOf: (subnet) => subnet.SubnetId,
  async page(client, request, abortSignal) {
    const out = await client.send(new DescribeSubnetsCommand(pageInput(request)), { abortSignal });
    return { value: page(out.Subnets ?? [], out.NextToken), sdkAttempts: attemptsOf(out) };
  },
  async byIds(client, ids, nextToken, abortSignal) {
    const out = await client.send(
      new DescribeSubnetsCommand({ SubnetIds: [...ids], ...(nextToken ? { NextToken: nextToken } : {}) }),
      { abortSignal },
    );
    return { value: page(out.Subnets ?? [], out.NextToken), sdkAttempts: attemptsOf(out) };
  },
};

/** The Regions enabled for the calling account (no AllRegions), each with its OptInStatus. Not paginated. */
export async function describeRegions(
  client: EC2Client,
  abortSignal: AbortSignal,
): Promise<SourceAnswer<Region[]>> {
  const out = await client.send(new DescribeRegionsCommand({}), { abortSignal });
  return { value: out.Regions ?? [], sdkAttempts: attemptsOf(out) };
}

/** The availability zones of the client's Region that are available to the account. Not paginated. */
export async function describeAvailabilityZones(
  client: EC2Client,
  abortSignal: AbortSignal,
): Promise<SourceAnswer<AvailabilityZone[]>> {
  const out = await client.send(new DescribeAvailabilityZonesCommand({}), { abortSignal });
  return { value: out.AvailabilityZones ?? [], sdkAttempts: attemptsOf(out) };
}
