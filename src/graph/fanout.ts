// The organization-wide fan-out: one EC2 list over many (account, Region) targets, merged in a stable
// order (the accounts' order, then Region name) and paged with cursors that survive the fan-out.
//
// A cursor carries the position of the next item: the target (account id + Region), the part of a
// `where` split over several calls (see filter-split.ts), the AWS token of the page the item is on, and
// the offset within that page. A failed target contributes one failure and its place is skipped.
//
// With `first`, a client page asks AWS for exactly the items it still needs (MaxResults = what is
// missing, within EC2's 5..1000), so it ends where an AWS page ends and its cursor carries that page's
// NextToken with offset 0: the next client page goes on from there and no item is read twice. Only
// when fewer than 5 items are missing (or a sibling field's larger read of the same page is shared,
// see Ec2Loaders.page) does a page hold more than the client page takes; the cursor then names that
// page and the offset in it. Targets are read in order, a window of them at a time (1, 2, 4, … up to
// MAX_WINDOW concurrently, so a long run of empty targets costs few round trips): the window's first
// target is asked for everything missing, the others only probe with EC2's smallest page and go on
// from the probe's NextToken when they are reached. Probes past the end of the page are read again by
// the next page (PROBE items each at most). With graph.fanOutPaging 'read-ahead' (exports), every
// window is MAX_WINDOW targets, each asked for everything missing: a round trip or two per page instead
// of one per probe, and up to a window of targets' items read again by the next page.
// Without `first`, targets are read as their accounts arrive (the account list may still be coming,
// see FanoutPlan).
// hasNextPage is true when the page is full and a NextToken or another target remains, so a last,
// empty page is possible when only empty targets (or an empty AWS page) remain. Without `first`, every
// target is read whole with the largest pages, concurrently (the data layer bounds the concurrency).
import type { Filter } from '@aws-sdk/client-ec2';
import type { Page, Target } from '../aws/contract.js';
import type { AwsCallErrorFacts } from '../aws/errors.js';
import { AwsCallError } from '../aws/errors.js';
import { EC2_MAX_MAX_RESULTS } from '../aws/ec2-lists.js';
import type { CursorCodec } from './cursor.js';
import { LazyEdge } from './connection.js';
import { badUserInput, failureFacts } from './errors.js';
import type { GrowingList } from './growing-list.js';
import type { AnyKind } from './kinds/index.js';
import type { Ec2Loaders } from './loaders/ec2.js';
import type { ConnectionModel, EdgeModel } from './mappers.js';

/** The targets of a fan-out: accounts in order, each expanding to its Regions (sorted by name). */
export interface FanoutPlan {
  /** In order; may still be arriving (ListAccounts page by page): each is read as soon as it is known. */
  accounts: GrowingList<string>;
  /** Rejects when the account's Regions cannot be read; that account becomes one failure. */
  regionsOf(accountId: string): Promise<readonly string[]>;
  /**
   * The Regions a `where` asked for, when it did: one that an account does not have enabled becomes a
   * REGION_NOT_ENABLED failure of that account, never a silently empty answer (a typo'd Region name
   * included, when graph.regions is not configured to refuse it up front).
   */
  requestedRegions?: readonly string[];
}

/** The failure of a Region a `where` named that the account's DescribeRegions does not list. */
function regionNotEnabled(accountId: string, region: string): { failure: TargetFailure } {
  const facts: AwsCallErrorFacts = {
    code: 'REGION_NOT_ENABLED',
    message: `Region ${region} is not enabled in account ${accountId} (DescribeRegions does not list it; check the name)`,
    accountId,
    region,
    service: 'ec2',
    operation: 'DescribeRegions',
    retryable: false,
  };
  return { failure: { facts, error: new AwsCallError(facts) } };
}

export interface TargetFailure {
  facts: AwsCallErrorFacts;
  /** The error as the data layer raised it. */
  error: unknown;
}

export interface FanoutDeps {
  ec2: Ec2Loaders;
  cursors: CursorCodec;
}

export interface FanoutSpec {
  kind: AnyKind;
  plan: FanoutPlan;
  /**
   * The EC2 Filters of each call a target's list takes (one part unless a `where` had to be split, see
   * filter-split.ts); null matches nothing (answered without any call).
   */
  parts: readonly (readonly Filter[])[] | null;
  /** Validated: 0..maxFirst, or undefined for everything. */
  first?: number;
  after?: string;
  /** What the cursors are bound to (see bindingOf). */
  binding: string;
  /** graph.fanOutPaging 'read-ahead': every target of a window of MAX_WINDOW asked for all that is missing. */
  readAhead?: boolean;
}

export interface FanoutResult<Model> {
  connection: ConnectionModel<Model>;
  failures: TargetFailure[];
}

/** At most this many targets are read concurrently while filling a page. */
export const MAX_WINDOW = 16;

/** Items a target read ahead in a window asks for (EC2's smallest page), so little is read in vain. */
export const PROBE = 5;

/**
 * Where the next item is: in target (a, r), in part s of the split filters (absent: 0), on the page
 * read with token k (absent: the first page), at offset o; x = the target is done.
 */
interface Position {
  a: string;
  r: string;
  s?: number;
  k?: string;
  o: number;
  x?: 1;
}

/** A target to read from a position, or an account whose Regions could not be read. */
type Entry = { target: Target; part: number; token?: string; skip: number } | { failure: TargetFailure };

/** An edge of a fan-out page, with the position its cursor encodes. */
type Positioned<Model> = LazyEdge<Model, Position>;

interface TargetRead<Model> {
  items: Positioned<Model>[];
  failure?: TargetFailure;
}

export async function readFanout<Model>(deps: FanoutDeps, spec: FanoutSpec): Promise<FanoutResult<Model>> {
  const start =
    spec.after === undefined
      ? undefined
      : decodePosition(deps.cursors, spec.binding, spec.after, spec.parts?.length ?? 1);
  if (spec.parts === null) return { connection: emptyConnection(), failures: [] };
  const parts = spec.parts;
  const stream = await TargetStream.open(spec.plan, start);
  const read = (entry: Entry, limit: number): Promise<TargetRead<Model>> =>
    'failure' in entry
      ? Promise.resolve({ items: [], failure: entry.failure })
      : readTarget<Model>(deps, spec, parts, entry, limit);

  if (spec.first === undefined) {
    // Every target, each read as soon as its account is known.
    const reads: Promise<TargetRead<Model>>[] = [];
    try {
      for (let entries = await stream.available(); entries.length > 0; entries = await stream.available())
        for (const entry of entries) reads.push(read(entry, Infinity));
    } catch (error) {
      // The account list failed (or the budget refused the rest): the reads begun are abandoned.
      void Promise.allSettled(reads);
      throw error;
    }
    const results = await Promise.all(reads);
    const items = results.flatMap((r) => r.items);
    const failures = results.flatMap((r) => (r.failure ? [r.failure] : []));
    const connection = toConnection(
      items,
      false,
      start !== undefined,
      start === undefined ? items.length : null,
    );
    return { connection, failures };
  }

  const first = spec.first;
  const page: Positioned<Model>[] = [];
  const failures: TargetFailure[] = [];
  // Targets being read, in order. The first target of a window is asked for everything missing; the
  // others only probe (PROBE items) while it is read, and go on from their probe when they are reached.
  const queue: { limit: number; result: Promise<TargetRead<Model>> }[] = [];
  const readAhead = spec.readAhead === true;
  let window = readAhead ? MAX_WINDOW : 1;
  while (page.length < first) {
    if (queue.length === 0) {
      const entries = await stream.take(window);
      if (entries.length === 0) break;
      const missing = first - page.length;
      entries.forEach((entry, i) => {
        const limit = i === 0 || readAhead ? missing : Math.min(missing, PROBE);
        queue.push({ limit, result: observed(read(entry, limit)) });
      });
      window = Math.min(window * 2, MAX_WINDOW);
    }
    const head = queue.shift() as (typeof queue)[number];
    const result = await head.result;
    if (result.failure) failures.push(result.failure);
    for (const item of result.items) {
      if (page.length >= first) break;
      page.push(item);
    }
    const lastRead = result.items[result.items.length - 1];
    // A probe that reached its limit in a target with more to read: go on with that target first.
    if (page.length < first && result.items.length === head.limit && lastRead && !lastRead.after.x) {
      const limit = first - page.length;
      queue.unshift({ limit, result: observed(read(entryAt(lastRead.after), limit)) });
    }
  }
  // Probes past the end of the page are left to the next page (which reads them again).
  const beyond = (await Promise.all(queue.map((q) => q.result))).some(
    (r) => r.failure !== undefined || r.items.length > 0,
  );
  const last = page[page.length - 1];
  const hasNextPage =
    page.length >= first &&
    ((last !== undefined && last.after.x === undefined) || beyond || (await stream.hasMore()));
  const totalCount = start === undefined && !hasNextPage ? page.length : null;
  return {
    connection: toConnection(page, hasNextPage, start !== undefined, totalCount),
    failures,
  };
}

/**
 * Reads up to `limit` items of one target from its start position, asking each AWS page for what is
 * still missing (the largest page when reading everything); a failure is returned, not thrown.
 */
async function readTarget<Model>(
  deps: FanoutDeps,
  spec: FanoutSpec,
  parts: readonly (readonly Filter[])[],
  entry: { target: Target; part: number; token?: string; skip: number },
  limit: number,
): Promise<TargetRead<Model>> {
  const { target } = entry;
  const items: Positioned<Model>[] = [];
  let { part, token, skip } = entry;
  try {
    while (part < parts.length && items.length < limit) {
      const wanted = limit === Infinity ? EC2_MAX_MAX_RESULTS : skip + limit - items.length;
      const page = await deps.ec2.page(spec.kind, target, parts[part] as readonly Filter[], token, wanted);
      for (let i = skip; i < page.items.length && items.length < limit; i++) {
        const after = positionAfter(target, part, parts.length, page, i);
        items.push(new LazyEdge(page.items[i] as Model, after, deps.cursors, spec.binding));
      }
      // A page shorter than the offset (the list changed) carries the rest of the offset over.
      skip = Math.max(0, skip - page.items.length);
      if (page.nextToken !== undefined) token = page.nextToken;
      else {
        part++;
        token = undefined;
        skip = 0;
      }
    }
    return { items };
  } catch (error) {
    const facts = failureFacts(error, target);
    if (!facts) throw error;
    return { items: [], failure: { facts, error } };
  }
}

/**
 * A read waiting in the queue: a failure that is not a target's (AWS and aborts are returned as
 * failures) rejects the page when its turn comes; until then — or if the page ends first — it must
 * not count as an unhandled rejection.
 */
function observed<T>(read: Promise<T>): Promise<T> {
  read.catch(() => undefined);
  return read;
}

/** The entry that reads a target from `position` (not a done one). */
function entryAt(position: Position): Entry {
  return {
    target: { accountId: position.a, region: position.r },
    part: position.s ?? 0,
    ...(position.k !== undefined ? { token: position.k } : {}),
    skip: position.o,
  };
}

/** The position of the item following item `index` of `page` (read in part `part` of `partCount`). */
function positionAfter(
  target: Target,
  part: number,
  partCount: number,
  page: Page<unknown>,
  index: number,
): Position {
  const at = { a: target.accountId, r: target.region };
  const inPart = part > 0 ? { ...at, s: part } : at;
  if (index + 1 < page.items.length)
    return { ...inPart, ...(page.token !== undefined ? { k: page.token } : {}), o: index + 1 };
  if (page.nextToken !== undefined) return { ...inPart, k: page.nextToken, o: 0 };
  if (part + 1 < partCount) return { ...at, s: part + 1, o: 0 };
  return { ...at, o: 0, x: 1 };
}

type RegionsOrFailure = { list: readonly string[] } | { failure: TargetFailure };

/** The targets in order from a start position, resolving each account's Regions only when reached. */
class TargetStream {
  #accountIndex: number;
  readonly #buffer: Entry[] = [];
  readonly #plan: FanoutPlan;

  private constructor(plan: FanoutPlan, accountIndex: number) {
    this.#plan = plan;
    this.#accountIndex = accountIndex;
  }

  static async open(plan: FanoutPlan, start: Position | undefined): Promise<TargetStream> {
    if (start === undefined) return new TargetStream(plan, 0);
    const accounts = plan.accounts;
    let index = accounts.items.indexOf(start.a);
    while (index < 0 && !accounts.done) {
      const seen = accounts.items.length;
      await accounts.beyond(seen);
      const found = accounts.items.indexOf(start.a, seen);
      if (found >= 0) index = found;
    }
    await accounts.beyond(index); // rethrows the list's failure
    if (index < 0)
      throw badUserInput(
        `Invalid cursor: account ${start.a} is no longer in this list's scope; start again without 'after'`,
      );
    const stream = new TargetStream(plan, index + 1);
    const regions = await stream.#regions(start.a);
    if ('failure' in regions) {
      stream.#buffer.push(regions);
      return stream;
    }
    for (const region of regions.list) {
      const target = { accountId: start.a, region };
      if (region === start.r && start.x === undefined)
        stream.#buffer.push({
          target,
          part: start.s ?? 0,
          ...(start.k !== undefined ? { token: start.k } : {}),
          skip: start.o,
        });
      else if (region > start.r) stream.#buffer.push({ target, part: 0, skip: 0 });
    }
    return stream;
  }

  /**
   * The next `count` entries (fewer at the end), waiting for accounts still to arrive; the Regions of
   * the accounts needed are read concurrently.
   */
  async take(count: number): Promise<Entry[]> {
    const accounts = this.#plan.accounts;
    while (this.#buffer.length < count) {
      await accounts.beyond(this.#accountIndex);
      if (this.#accountIndex >= accounts.items.length) break; // complete, and all taken
      await this.#expand(Math.max(1, count - this.#buffer.length));
    }
    return this.#buffer.splice(0, count);
  }

  /**
   * Every entry of the accounts known now — waiting for the next to arrive when none is left; empty
   * once every target was taken.
   */
  async available(): Promise<Entry[]> {
    const accounts = this.#plan.accounts;
    while (this.#buffer.length === 0) {
      await accounts.beyond(this.#accountIndex);
      if (this.#accountIndex >= accounts.items.length) break;
      await this.#expand(Infinity);
    }
    return this.#buffer.splice(0);
  }

  /**
   * Whether any target may remain (an account whose Regions are not read yet counts); waits for the
   * next account while the list is still arriving.
   */
  async hasMore(): Promise<boolean> {
    if (this.#buffer.length > 0) return true;
    const accounts = this.#plan.accounts;
    await accounts.beyond(this.#accountIndex);
    return this.#accountIndex < accounts.items.length;
  }

  /** Up to `wanted` known accounts, expanded into their targets (their Regions read concurrently). */
  async #expand(wanted: number): Promise<void> {
    const known = this.#plan.accounts.items;
    const accounts = known.slice(
      this.#accountIndex,
      wanted === Infinity ? undefined : this.#accountIndex + wanted,
    );
    this.#accountIndex += accounts.length;
    const resolved = await Promise.all(accounts.map((a) => this.#regions(a)));
    accounts.forEach((accountId, i) => {
      const regions = resolved[i] as RegionsOrFailure;
      if ('failure' in regions) this.#buffer.push(regions);
      else {
        for (const region of regions.list)
          this.#buffer.push({ target: { accountId, region }, part: 0, skip: 0 });
        for (const region of this.#plan.requestedRegions ?? [])
          if (!regions.list.includes(region)) this.#buffer.push(regionNotEnabled(accountId, region));
      }
    });
  }

  async #regions(accountId: string): Promise<RegionsOrFailure> {
    try {
      return { list: await this.#plan.regionsOf(accountId) };
    } catch (error) {
      const facts = failureFacts(error, { accountId });
      if (!facts) throw error;
      return { failure: { facts, error } };
    }
  }
}

function decodePosition(cursors: CursorCodec, binding: string, cursor: string, partCount: number): Position {
  const p = cursors.decode(binding, cursor);
  const part = p['s'];
  const valid =
    typeof p['a'] === 'string' &&
    typeof p['r'] === 'string' &&
    (part === undefined ||
      (typeof part === 'number' && Number.isInteger(part) && part >= 0 && part < partCount)) &&
    (p['k'] === undefined || typeof p['k'] === 'string') &&
    typeof p['o'] === 'number' &&
    Number.isInteger(p['o']) &&
    p['o'] >= 0 &&
    (p['x'] === undefined || p['x'] === 1);
  if (!valid) throw badUserInput('Invalid cursor: not a position in this list');
  return p as unknown as Position;
}

function toConnection<Model>(
  items: readonly Positioned<Model>[],
  hasNextPage: boolean,
  hasPreviousPage: boolean,
  totalCount: number | null,
): ConnectionModel<Model> {
  const edges: EdgeModel<Model>[] = [...items];
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount,
    failures: [],
  };
}

export function emptyConnection<Model>(): ConnectionModel<Model> {
  return {
    edges: [],
    nodes: [],
    pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    totalCount: 0,
    failures: [],
  };
}
