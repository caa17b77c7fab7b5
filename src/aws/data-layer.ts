// The AWS data layer: the implementation of the AwsData contract (data.ts) that the GraphQL layer
// reads AWS through. Every call goes through one CallRunner (fair fan-out limits, adaptive throttle
// gates, timeouts, session retry, throttling retries, classification) and, for list results, through
// one process-wide ResponseCache (TTL, fetchedAt, `fresh`, single flight).
//
// Retries and the SDK: build the ClientPool — and the session broker's STS client — with
// `maxAttempts: SDK_MAX_ATTEMPTS` (1). This layer retries throttling and transient failures itself,
// those of the AssumeRole behind a call included — releasing its fan-out slot while it backs off,
// slowing the throttled (account, Region, API) down and pacing it — so the SDK must not retry as
// well, or each of our attempts would become up to three requests. `stats().sdkRetries` shows any
// SDK retries that still happen (it stays 0 with a pool built as advised).
import type { Account, Organization, OrganizationalUnit, Parent, Root } from '@aws-sdk/client-organizations';
import type { AvailabilityZone, Filter, Region } from '@aws-sdk/client-ec2';
import type { ClientPool } from './client-pool.js';
import type {
  AwsData,
  CallOptions,
  Ec2Data,
  Fetched,
  OrganizationsData,
  Page,
  PageRequest,
  SessionData,
  Target,
} from './contract.js';
import { AwsCallError } from './errors.js';
import type { GatewayErrorCode } from './errors.js';
import type { ResolvedAwsOptions } from '../config/aws.js';
import type { SessionSource } from './session-retry.js';
import { FairLimiter } from './limiter.js';
import { ResponseCache } from './response-cache.js';
import type { ResponseCacheStats } from './response-cache.js';
import { CallRunner } from './call-runner.js';
import type { SdkAnswer } from './call-runner.js';
import { callerIdentityCheck } from './session-check.js';
import type { Sleep } from './throttle-retry.js';
import { realSleep } from './throttle-retry.js';
import { classifyAwsError, isNotFound } from './classify.js';
import type { CallContext } from './classify.js';
import { pageOf, readAllPages } from './paging.js';
import { chunk, describeKnownIds } from './by-ids.js';
import { isEc2Id } from './ids.js';
import type { Ec2List, Ec2ListOutput } from './ec2-lists.js';
import { describeAvailabilityZones, describeRegions, filtersKey, pageInput } from './ec2-lists.js';
import type { OrganizationsPageFetch } from './organizations-source.js';
import * as org from './organizations-source.js';

/** What the data layer needs from the session broker (SessionBroker satisfies it). */
export interface AwsDataBroker extends SessionSource {
  roleArnFor(accountId: string): Promise<string>;
}

export interface DataLayerDeps {
  pool: ClientPool;
  broker: AwsDataBroker;
  /** The `aws` section as the config loader resolved it (parseAwsOptions): not parsed again here. */
  options: ResolvedAwsOptions;
  /** For fetchedAt and the cache's TTL; default Date.now. */
  clock?: () => number;
  /** The backoff sleep; tests inject one that moves a clock instead of waiting. */
  sleep?: Sleep;
  /** Jitter source; default Math.random. */
  random?: () => number;
}

export interface DataLayerStats {
  /**
   * Requests sent to AWS per 'service:Operation' (AssumeRole is the broker's, not counted here;
   * 'sts:GetCallerIdentity' is the check of a session EC2 refused with AuthFailure).
   */
  calls: Record<string, number>;
  totalCalls: number;
  cache: ResponseCacheStats;
  /** Our retries of throttled or transiently failed calls. */
  retries: number;
  /** Throttling answers received from AWS. */
  throttled: number;
  /** Calls that failed as THROTTLED after all their attempts. */
  throttledOut: number;
  /** Extra attempts made by the SDK itself (0 when the pool uses SDK_MAX_ATTEMPTS). */
  sdkRetries: number;
  errors: Partial<Record<GatewayErrorCode, number>>;
  inFlight: number;
  peakInFlight: number;
  queued: number;
  /** (account, Region, API) gates currently slowed down after throttling. */
  slowedGates: number;
}

export type DataLayer = AwsData & {
  stats(): DataLayerStats;
  cache: ResponseCache;
  options: ResolvedAwsOptions;
};

export function createDataLayer(deps: DataLayerDeps): DataLayer {
  const { options } = deps;
  const clock = deps.clock ?? Date.now;
  const cache = new ResponseCache({
    ttlMs: options.cache.ttlSeconds * 1000,
    maxEntries: options.cache.maxEntries,
    maxItems: options.cache.maxItems,
    clock,
  });
  const limiter = new FairLimiter({
    globalLimit: options.concurrency.global,
    perLaneLimit: options.concurrency.perTarget,
    clock,
  });
  const { pool, broker } = deps;
  // EC2 AuthFailure: GetCallerIdentity with the refused session tells "Region not enabled" (session
  // valid: keep it) from "session no longer valid" (drop it, assume the role again). It asks STS in
  // `homeRegion`, a Region every account has enabled: STS refuses a member's token in an opt-in
  // Region that member has not enabled, which would look like an invalid session.
  const checkSession = callerIdentityCheck(
    (credentials) => pool.stsWith(credentials, options.homeRegion),
    () => runner.noteCall('sts:GetCallerIdentity'),
  );
  const runner: CallRunner = new CallRunner({
    limiter,
    broker,
    policy: options.retry,
    timeoutMs: options.callTimeoutMs,
    sleep: deps.sleep ?? realSleep,
    random: deps.random ?? Math.random,
    clock,
    checkSession,
  });
  const now = () => new Date(clock());

  // ---- EC2 ----

  const ec2Key = (target: Target, operation: string) =>
    `ec2|${target.accountId}|${target.region}|${operation}`;

  function ec2Call<Out extends SdkAnswer>(
    target: Target,
    operation: string,
    signal: AbortSignal,
    send: (client: ReturnType<ClientPool['ec2']>, abortSignal: AbortSignal) => Promise<Out>,
  ): Promise<Out> {
    return runner.run({
      service: 'ec2',
      operation,
      accountId: target.accountId,
      region: target.region,
      signal,
      send: (abortSignal) => send(pool.ec2(target.accountId, target.region), abortSignal),
    });
  }

  /** An unpaginated Describe call, cached whole. */
  async function ec2Single<T, Out extends SdkAnswer>(
    target: Target,
    operation: string,
    call: (client: ReturnType<ClientPool['ec2']>, abortSignal: AbortSignal) => Promise<Out>,
    itemsOf: (out: Out) => T[] | undefined,
    callOptions: CallOptions = {},
  ): Promise<Fetched<T[]>> {
    return classified(
      { service: 'ec2', operation, ...target },
      cache.get(
        ec2Key(target, operation),
        async (signal) => itemsOf(await ec2Call(target, operation, signal, call)) ?? [],
        { ...cacheOptions(callOptions), size: (items) => items.length + 1 },
      ),
    );
  }

  async function ec2Page<Item>(
    list: Ec2List<Item>,
    target: Target,
    request: PageRequest,
    callOptions: CallOptions = {},
  ): Promise<Page<Item>> {
    const input = pageInput(request.filters, request.wanted, request.token);
    const key = `${ec2Key(target, list.operation)}|page|${input.MaxResults}|${filtersKey(request.filters)}|${request.token ?? ''}`;
    const cached = await classified(
      { service: 'ec2', operation: list.operation, ...target },
      cache.get(
        key,
        async (signal) => {
          const out: Ec2ListOutput = await ec2Call(target, list.operation, signal, (client, abortSignal) =>
            list.send(client, input, abortSignal),
          );
          return { items: list.items(out), ...(out.NextToken ? { nextToken: out.NextToken } : {}) };
        },
        { ...cacheOptions(callOptions), size: (page: { items: Item[] }) => page.items.length + 1 },
      ),
    );
    return pageOf(cached.value.items, request.token, cached.value.nextToken, cached.fetchedAt, () =>
      repeatedToken('ec2', list.operation, target),
    );
  }

  async function ec2ByIds<Item>(
    list: Ec2List<Item>,
    target: Target,
    ids: readonly string[],
    callOptions: CallOptions = {},
  ): Promise<Fetched<Map<string, Item>>> {
    // Malformed ids would fail the whole call: they are simply absent, without asking AWS.
    const wanted = [...new Set(ids)].filter((id) => isEc2Id(list.idPrefix, id));
    if (wanted.length === 0) return { value: new Map(), fetchedAt: now() };
    const prefix = `${ec2Key(target, list.operation)}|id|`;
    const idErrorMessage = (err: unknown): string | undefined => {
      // An id EC2 says does not exist (or is malformed): classify.ts decides, as for every AWS error.
      if (!(err instanceof AwsCallError) || !isNotFound(err)) return undefined;
      return err.cause instanceof Error ? err.cause.message : err.message;
    };
    const answers = await classified(
      { service: 'ec2', operation: list.operation, ...target },
      cache.getMany<Item>(
        wanted.map((id) => prefix + id),
        async (missingKeys, signal) => {
          const missing = missingKeys.map((key) => key.slice(prefix.length));
          // One call per id list; EC2 may page an id list anyway, so its NextToken is followed.
          const describeOnce = async (some: string[]): Promise<Item[]> => {
            const all = await readAllPages(async (token) => {
              const out: Ec2ListOutput = await ec2Call(
                target,
                list.operation,
                signal,
                (client, abortSignal) =>
                  list.send(client, { ids: some, ...(token ? { NextToken: token } : {}) }, abortSignal),
              );
              return pageOf(list.items(out), token, out.NextToken, now(), () =>
                repeatedToken('ec2', list.operation, target),
              );
            });
            return all.items;
          };
          const parts = await Promise.all(
            chunk(missing).map((part) => describeKnownIds(part, describeOnce, idErrorMessage)),
          );
          const found = new Map<string, Item>();
          for (const item of parts.flat()) {
            const id = list.idOf(item);
            if (id !== undefined) found.set(prefix + id, item);
          }
          return found;
        },
        { ...cacheOptions(callOptions), size: () => 1 },
      ),
    );
    const value = new Map<string, Item>();
    let oldest: Date | undefined;
    for (const id of wanted) {
      const answer = answers.get(prefix + id);
      if (!answer) continue;
      if (!oldest || answer.fetchedAt < oldest) oldest = answer.fetchedAt;
      if (answer.value !== undefined) value.set(id, answer.value);
    }
    return { value, fetchedAt: oldest ?? now() };
  }

  const ec2: Ec2Data = {
    describeRegions: (accountId, callOptions) =>
      ec2Single<Region, Awaited<ReturnType<typeof describeRegions>>>(
        { accountId, region: options.homeRegion },
        'DescribeRegions',
        describeRegions,
        (out) => out.Regions,
        callOptions,
      ),
    describeAvailabilityZones: (target, callOptions) =>
      ec2Single<AvailabilityZone, Awaited<ReturnType<typeof describeAvailabilityZones>>>(
        target,
        'DescribeAvailabilityZones',
        describeAvailabilityZones,
        (out) => out.AvailabilityZones,
        callOptions,
      ),
    page: ec2Page,
    all: (list, target, filters: readonly Filter[], callOptions) =>
      readAllPages((token) =>
        ec2Page(list, target, { filters, ...(token !== undefined ? { token } : {}) }, callOptions),
      ),
    byIds: ec2ByIds,
  };

  // ---- Organizations ----

  function orgCall<Out extends SdkAnswer>(
    operation: string,
    signal: AbortSignal,
    send: (client: ReturnType<ClientPool['organizations']>, abortSignal: AbortSignal) => Promise<Out>,
  ): Promise<Out> {
    return runner.run({
      service: 'organizations',
      operation,
      signal,
      send: (abortSignal) => send(pool.organizations(), abortSignal),
    });
  }

  /** A whole Organizations list (every page, through short and empty ones), cached as one value. */
  async function orgList<T>(
    operation: string,
    scope: string,
    fetchPage: OrganizationsPageFetch<T>,
    callOptions: CallOptions = {},
    onPage?: (items: T[]) => void,
  ): Promise<Fetched<T[]>> {
    const cached = await classified(
      { service: 'organizations', operation },
      cache.get(
        `organizations|${operation}|${scope}`,
        async (signal) => {
          const all = await readAllPages(async (token) => {
            const out = await orgCall(operation, signal, (client, abortSignal) =>
              fetchPage(client, token, abortSignal),
            );
            const page = pageOf(out.items, token, out.nextToken, now(), () =>
              repeatedToken('organizations', operation),
            );
            try {
              onPage?.(page.items);
            } catch {
              // The caller's bookkeeping; the read is shared with others and the cache, so it goes on.
            }
            return page;
          });
          return all.items;
        },
        { ...cacheOptions(callOptions), size: (items) => items.length + 1 },
      ),
    );
    return { value: cached.value, fetchedAt: cached.fetchedAt };
  }

  async function orgSingle<T>(
    operation: string,
    scope: string,
    send: (
      client: ReturnType<ClientPool['organizations']>,
      abortSignal: AbortSignal,
    ) => Promise<{ value: T } & SdkAnswer>,
    callOptions: CallOptions = {},
  ): Promise<Fetched<T>> {
    const cached = await classified(
      { service: 'organizations', operation },
      cache.get(
        `organizations|${operation}|${scope}`,
        async (signal) => (await orgCall(operation, signal, send)).value,
        cacheOptions(callOptions),
      ),
    );
    return { value: cached.value, fetchedAt: cached.fetchedAt };
  }

  const organizations: OrganizationsData = {
    describeOrganization: (callOptions) =>
      orgSingle<Organization>('DescribeOrganization', '', org.describeOrganization, callOptions),
    listAccounts: (callOptions, onPage) =>
      orgList<Account>('ListAccounts', '', org.listAccountsPage, callOptions, onPage),
    describeAccount: (accountId, callOptions) =>
      orgSingle<Account>(
        'DescribeAccount',
        accountId,
        (client, abortSignal) => org.describeAccount(client, accountId, abortSignal),
        callOptions,
      ),
    listRoots: (callOptions) => orgList<Root>('ListRoots', '', org.listRootsPage, callOptions),
    listOrganizationalUnitsForParent: (parentId, callOptions) =>
      orgList<OrganizationalUnit>(
        'ListOrganizationalUnitsForParent',
        parentId,
        org.listOrganizationalUnitsForParentPage(parentId),
        callOptions,
      ),
    listAccountsForParent: (parentId, callOptions) =>
      orgList<Account>(
        'ListAccountsForParent',
        parentId,
        org.listAccountsForParentPage(parentId),
        callOptions,
      ),
    listParents: (childId, callOptions) =>
      orgList<Parent>('ListParents', childId, org.listParentsPage(childId), callOptions),
    describeOrganizationalUnit: (unitId, callOptions) =>
      orgSingle<OrganizationalUnit>(
        'DescribeOrganizationalUnit',
        unitId,
        (client, abortSignal) => org.describeOrganizationalUnit(client, unitId, abortSignal),
        callOptions,
      ),
  };

  // ---- sessions ----

  const sessions: SessionData = {
    ensureSession: (accountId, callOptions) => runner.ensureSession(accountId, callOptions?.signal),
    roleArnFor: (accountId) => broker.roleArnFor(accountId),
  };

  function stats(): DataLayerStats {
    const run = runner.stats();
    const lim = limiter.stats();
    return {
      calls: run.calls,
      totalCalls: Object.values(run.calls).reduce((sum, n) => sum + n, 0),
      cache: cache.stats(),
      retries: run.retries,
      throttled: run.throttled,
      throttledOut: run.throttledOut,
      sdkRetries: run.sdkRetries,
      errors: run.errors,
      inFlight: lim.inFlight,
      peakInFlight: lim.peakInFlight,
      queued: lim.queued,
      slowedGates: lim.slowedGates,
    };
  }

  return { organizations, ec2, sessions, stats, cache, options };
}

/** Errors that did not come from a call (a caller leaving a shared load) are classified here. */
async function classified<T>(ctx: CallContext, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw classifyAwsError(err, ctx);
  }
}

function cacheOptions(callOptions: CallOptions): { fresh?: boolean; signal?: AbortSignal } {
  return {
    ...(callOptions.fresh ? { fresh: true } : {}),
    ...(callOptions.signal ? { signal: callOptions.signal } : {}),
  };
}

function repeatedToken(service: 'ec2' | 'organizations', operation: string, target?: Target): AwsCallError {
  return new AwsCallError({
    code: 'UPSTREAM_ERROR',
    message: `${service === 'ec2' ? 'EC2' : 'Organizations'} ${operation} answered the NextToken it was given; stopped paging to avoid a loop`,
    service,
    operation,
    ...(target ? { accountId: target.accountId, region: target.region } : {}),
    retryable: false,
  });
}
