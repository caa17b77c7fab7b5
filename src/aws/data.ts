// The contract between the GraphQL layer (src/graph) and the AWS data layer (src/aws). The graph asks
// for AWS data only through these interfaces; the data layer owns clients, sessions, paging, the
// response cache, the fan-out limits, throttling retries, timeouts and error classification.
import type { Account, Organization, OrganizationalUnit, Parent, Root } from '@aws-sdk/client-organizations';
import type { AvailabilityZone, Filter, Instance, Region, Subnet, Vpc } from '@aws-sdk/client-ec2';

/** One account in one Region: the unit of EC2 fan-out, limiting and failure. */
export interface Target {
  accountId: string;
  region: string;
}

export interface CallOptions {
  /** Aborted when the query's deadline passes or the client goes away; stops work in flight. */
  signal?: AbortSignal;
  /** Bypass the response cache for this call (the answer still refreshes the cache). */
  fresh?: boolean;
}

/** Data with the time it was read from AWS (a cache hit keeps the original time). */
export interface Fetched<T> {
  value: T;
  fetchedAt: Date;
}

/** One AWS page of a list and the token of the next one (absent on the last page). */
export interface AwsPage<T> {
  items: T[];
  nextToken?: string;
  fetchedAt: Date;
}

export interface Ec2ListRequest {
  /** Pushed down to AWS as EC2 Filters. */
  filters?: Filter[];
  /** 5..1000; default 1000 (the largest page). */
  maxResults?: number;
  /** Resume from this AWS token (from a client cursor). */
  nextToken?: string;
}

/** An instance with the reservation fields DescribeInstances reports beside it. */
export interface InstanceItem {
  instance: Instance;
  reservationId: string;
  ownerId: string;
}

export interface OrganizationsData {
  describeOrganization(options?: CallOptions): Promise<Fetched<Organization>>;
  /** Every account (all pages), cached. */
  listAccounts(options?: CallOptions): Promise<Fetched<Account[]>>;
  listRoots(options?: CallOptions): Promise<Fetched<Root[]>>;
  listOrganizationalUnitsForParent(
    parentId: string,
    options?: CallOptions,
  ): Promise<Fetched<OrganizationalUnit[]>>;
  listAccountsForParent(parentId: string, options?: CallOptions): Promise<Fetched<Account[]>>;
  listParents(childId: string, options?: CallOptions): Promise<Fetched<Parent[]>>;
  describeOrganizationalUnit(unitId: string, options?: CallOptions): Promise<Fetched<OrganizationalUnit>>;
}

export interface Ec2Data {
  /** Regions enabled for the account (DescribeRegions without AllRegions), with OptInStatus. */
  describeRegions(accountId: string, options?: CallOptions): Promise<Fetched<Region[]>>;
  describeAvailabilityZones(target: Target, options?: CallOptions): Promise<Fetched<AvailabilityZone[]>>;
  /** Pages of a list, following NextToken from `request.nextToken`; stop iterating to stop fetching. */
  instancePages(
    target: Target,
    request?: Ec2ListRequest,
    options?: CallOptions,
  ): AsyncGenerator<AwsPage<InstanceItem>>;
  vpcPages(target: Target, request?: Ec2ListRequest, options?: CallOptions): AsyncGenerator<AwsPage<Vpc>>;
  subnetPages(
    target: Target,
    request?: Ec2ListRequest,
    options?: CallOptions,
  ): AsyncGenerator<AwsPage<Subnet>>;
  /** By-id lookups, one call per 1,000 ids; unknown ids are simply absent from the map. */
  instancesByIds(
    target: Target,
    ids: readonly string[],
    options?: CallOptions,
  ): Promise<Fetched<Map<string, InstanceItem>>>;
  vpcsByIds(
    target: Target,
    ids: readonly string[],
    options?: CallOptions,
  ): Promise<Fetched<Map<string, Vpc>>>;
  subnetsByIds(
    target: Target,
    ids: readonly string[],
    options?: CallOptions,
  ): Promise<Fetched<Map<string, Subnet>>>;
}

export interface AccessData {
  /**
   * Assumes the member role of the account (through the session broker); rejects with an AwsCallError.
   * `options.signal` (the query deadline, the client going away) ends the wait, queued or not.
   */
  checkAccess(accountId: string, options?: CallOptions): Promise<void>;
  /** The member role ARN orgraph assumes in the account (after the per-account overrides). */
  roleArnFor(accountId: string): Promise<string>;
}

export interface AwsData {
  organizations: OrganizationsData;
  ec2: Ec2Data;
  access: AccessData;
}
