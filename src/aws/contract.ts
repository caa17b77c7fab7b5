// The contract between the GraphQL layer (src/graph) and the AWS data layer (src/aws). The graph asks
// for AWS data only through these interfaces; the data layer owns clients, sessions, paging, the
// response cache, the fan-out limits, throttling retries, timeouts and error classification.
// See docs/architecture.md ("One query's path").
import type { Account, Organization, OrganizationalUnit, Parent, Root } from '@aws-sdk/client-organizations';
import type { AvailabilityZone, Filter, Region } from '@aws-sdk/client-ec2';
import type { Ec2List } from './ec2-lists.js';

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

/**
 * The one page type, from the data layer to the connection: items (AWS items, or the graph's models
 * of them), the token the page was read with (absent: the first page), the token of the next one
 * (absent: the last page) and when it was read.
 */
export interface Page<T> {
  items: T[];
  token?: string;
  nextToken?: string;
  fetchedAt: Date;
}

/** Which page of an EC2 list to read. */
export interface PageRequest {
  /** Pushed down to AWS as EC2 Filters. */
  filters?: readonly Filter[];
  /** How many items are wanted (clamped to EC2's 5..1000); absent: the largest page. */
  wanted?: number;
  /** The page after this token (from a client cursor); absent: the first page. */
  token?: string;
}

export interface OrganizationsData {
  describeOrganization(options?: CallOptions): Promise<Fetched<Organization>>;
  /**
   * Every account (all pages), cached. `onPage` is told each page's accounts as it arrives when this
   * call reads them from AWS (not on a cache hit, nor when it joins a read another caller started), so
   * work on an account can start before the list is complete.
   */
  listAccounts(options?: CallOptions, onPage?: (accounts: Account[]) => void): Promise<Fetched<Account[]>>;
  /** One account, without reading the whole list (AccountNotFoundException when it is not a member). */
  describeAccount(accountId: string, options?: CallOptions): Promise<Fetched<Account>>;
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
  /** Exactly one page of a list (a NextToken answered back verbatim is an error, not a loop). */
  page<Item>(
    list: Ec2List<Item>,
    target: Target,
    request: PageRequest,
    options?: CallOptions,
  ): Promise<Page<Item>>;
  /** Every page of a list from the first, the largest pages; `fetchedAt` is the oldest page's. */
  all<Item>(
    list: Ec2List<Item>,
    target: Target,
    filters: readonly Filter[],
    options?: CallOptions,
  ): Promise<Page<Item>>;
  /** By-id lookups, one call per 1,000 ids; unknown and malformed ids are simply absent from the map. */
  byIds<Item>(
    list: Ec2List<Item>,
    target: Target,
    ids: readonly string[],
    options?: CallOptions,
  ): Promise<Fetched<Map<string, Item>>>;
}

/** The member-role sessions behind every EC2 call. */
export interface SessionData {
  /**
   * Makes sure the broker holds a session for the account (an AssumeRole when it has none); rejects with
   * an AwsCallError. `options.signal` (the query deadline, the client going away) ends the wait.
   */
  ensureSession(accountId: string, options?: CallOptions): Promise<void>;
  /** The member role ARN orgraph assumes in the account (after the per-account overrides). */
  roleArnFor(accountId: string): Promise<string>;
}

export interface AwsData {
  organizations: OrganizationsData;
  ec2: Ec2Data;
  sessions: SessionData;
}
