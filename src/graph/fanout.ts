// The organization-wide fan-out: one EC2 list over many (account, Region) targets, merged in a stable
// order (the accounts' order, then Region name) and paged with cursors that survive the fan-out.
//
// A cursor carries the position of the next item: the target (account id + Region), the AWS token of
// the page the item is on, and the offset within that page. Resuming asks AWS for that page again and
// skips the offset. A failed target contributes one failure and its place is skipped.
//
// With `first`, only what is needed is read: targets in order, a window of them at a time (1, 2, 4, …
// up to MAX_WINDOW concurrently, so a long run of empty targets costs few round trips) with MaxResults
// sized to what is still missing; one extra item proves hasNextPage. Without `first`, every target is
// read whole, concurrently (the data layer bounds the concurrency).
import type { Filter } from '@aws-sdk/client-ec2';
import type { AwsData, CallOptions, Target } from '../aws/data.js';
import type { AwsCallErrorFacts } from '../aws/errors.js';
import type { CursorCodec } from './cursor.js';
import { badUserInput, failureFacts } from './errors.js';
import type { ListKind } from './list-kinds.js';
import { clampMaxResults } from './list-kinds.js';
import type { Ec2Loaders, ReadPage } from './loaders/ec2.js';
import type { ConnectionModel, EdgeModel } from './mappers.js';

/** The targets of a fan-out: accounts in order, each expanding to its Regions (sorted by name). */
export interface FanoutPlan {
  accountIds: readonly string[];
  /** Rejects when the account's Regions cannot be read; that account becomes one failure. */
  regionsOf(accountId: string): Promise<readonly string[]>;
}

export interface TargetFailure {
  facts: AwsCallErrorFacts;
  /** The error as the data layer raised it. */
  error: unknown;
}

export interface FanoutDeps {
  data: AwsData;
  ec2: Ec2Loaders;
  cursors: CursorCodec;
  callOptions(): CallOptions;
}

export interface FanoutSpec<Item, Model> {
  kind: ListKind<Item, Model>;
  plan: FanoutPlan;
  /** EC2 Filters; null matches nothing (answered without any call). */
  filters: readonly Filter[] | null;
  /** Validated: 0..maxFirst, or undefined for everything. */
  first?: number;
  after?: string;
  /** What the cursors are bound to (see bindingOf). */
  binding: string;
}

export interface FanoutResult<Model> {
  connection: ConnectionModel<Model>;
  failures: TargetFailure[];
}

/** At most this many targets are read concurrently while filling a page. */
export const MAX_WINDOW = 16;

/** Where the next item is: in target (a, r), on the page read with token k, at offset o; x = target done. */
interface Position {
  a: string;
  r: string;
  k?: string;
  o: number;
  x?: 1;
}

type Entry = { target: Target; token?: string; skip: number } | { failure: TargetFailure };

interface Positioned<Model> {
  node: Model;
  after: Position;
}

interface TargetRead<Model> {
  items: Positioned<Model>[];
  failure?: TargetFailure;
}

export async function readFanout<Item, Model>(
  deps: FanoutDeps,
  spec: FanoutSpec<Item, Model>,
): Promise<FanoutResult<Model>> {
  const start = spec.after === undefined ? undefined : decodePosition(deps.cursors, spec.binding, spec.after);
  if (spec.filters === null) return { connection: emptyConnection(), failures: [] };
  const filters = spec.filters;
  const stream = await TargetStream.open(spec.plan, start);
  const read = (entry: Entry, limit: number): Promise<TargetRead<Model>> =>
    'failure' in entry
      ? Promise.resolve({ items: [], failure: entry.failure })
      : readTarget(deps, spec.kind, filters, entry, limit);

  if (spec.first === undefined) {
    const results = await Promise.all((await stream.take(Infinity)).map((entry) => read(entry, Infinity)));
    const items = results.flatMap((r) => r.items);
    const failures = results.flatMap((r) => (r.failure ? [r.failure] : []));
    const connection = toConnection(
      deps.cursors,
      spec.binding,
      items,
      false,
      start !== undefined,
      start === undefined ? items.length : null,
    );
    return { connection, failures };
  }

  const first = spec.first;
  const need = first + 1;
  const items: Positioned<Model>[] = [];
  const failures: TargetFailure[] = [];
  // Failures met after the page was full; reported only if no further item exists (no next page).
  const deferred: TargetFailure[] = [];
  let window = 1;
  while (items.length < need) {
    const entries = await stream.take(window);
    if (entries.length === 0) break;
    const missing = need - items.length;
    const results = await Promise.all(entries.map((entry) => read(entry, missing)));
    for (const result of results) {
      if (items.length >= need) break;
      if (result.failure) (items.length >= first ? deferred : failures).push(result.failure);
      for (const item of result.items) {
        if (items.length >= need) break;
        items.push(item);
      }
    }
    window = Math.min(window * 2, MAX_WINDOW);
  }
  const hasNextPage = items.length > first;
  if (!hasNextPage) failures.push(...deferred);
  const page = items.slice(0, first);
  const totalCount = start === undefined && !hasNextPage ? page.length : null;
  return {
    connection: toConnection(deps.cursors, spec.binding, page, hasNextPage, start !== undefined, totalCount),
    failures,
  };
}

/** Reads up to `limit` items of one target from its start position; a failure is returned, not thrown. */
async function readTarget<Item, Model>(
  deps: FanoutDeps,
  kind: ListKind<Item, Model>,
  filters: readonly Filter[],
  entry: { target: Target; token?: string; skip: number },
  limit: number,
): Promise<TargetRead<Model>> {
  const { target } = entry;
  const items: Positioned<Model>[] = [];
  try {
    if (entry.token === undefined && entry.skip === 0 && limit === Infinity) {
      // The whole list: shared with every other field of this request that reads the same list.
      for (const page of await deps.ec2.readAll(kind, target, filters)) collect(page, 0);
      return { items };
    }
    let skip = entry.skip;
    let token = entry.token;
    const request = {
      filters: [...filters],
      ...(token !== undefined ? { nextToken: token } : {}),
      ...(limit !== Infinity ? { maxResults: clampMaxResults(skip + limit) } : {}),
    };
    for await (const page of kind.pages(deps.data, target, request, deps.callOptions())) {
      const models = page.items.map((item) => kind.toModel(target, item, page.fetchedAt));
      const read: ReadPage<Model> = {
        ...(token !== undefined ? { token } : {}),
        ...(page.nextToken !== undefined ? { nextToken: page.nextToken } : {}),
        items: models,
      };
      skip = collect(read, skip);
      if (items.length >= limit) break;
      token = page.nextToken;
    }
    return { items };
  } catch (error) {
    const facts = failureFacts(error, target);
    if (!facts) throw error;
    return { items: [], failure: { facts, error } };
  }

  // Adds a page's items after skipping `skip` of them (a shorter page carries the rest of the skip over).
  function collect(page: ReadPage<Model>, skip: number): number {
    const length = page.items.length;
    for (let i = 0; i < length; i++) {
      if (skip > 0) {
        skip--;
        continue;
      }
      if (items.length >= limit) break;
      items.push({ node: page.items[i] as Model, after: positionAfter(target, page, i) });
    }
    return skip;
  }
}

/** The position of the item following item `index` of `page`. */
function positionAfter(target: Target, page: ReadPage<unknown>, index: number): Position {
  const at = { a: target.accountId, r: target.region };
  if (index + 1 < page.items.length)
    return { ...at, ...(page.token !== undefined ? { k: page.token } : {}), o: index + 1 };
  if (page.nextToken !== undefined) return { ...at, k: page.nextToken, o: 0 };
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
    const index = plan.accountIds.indexOf(start.a);
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
        stream.#buffer.push({ target, ...(start.k !== undefined ? { token: start.k } : {}), skip: start.o });
      else if (region > start.r) stream.#buffer.push({ target, skip: 0 });
    }
    return stream;
  }

  /** The next `count` entries (fewer at the end); the Regions of the accounts needed are read concurrently. */
  async take(count: number): Promise<Entry[]> {
    while (this.#buffer.length < count && this.#accountIndex < this.#plan.accountIds.length) {
      const wanted = count === Infinity ? Infinity : Math.max(1, count - this.#buffer.length);
      const accounts = this.#plan.accountIds.slice(
        this.#accountIndex,
        wanted === Infinity ? undefined : this.#accountIndex + wanted,
      );
      this.#accountIndex += accounts.length;
      const resolved = await Promise.all(accounts.map((a) => this.#regions(a)));
      accounts.forEach((accountId, i) => {
        const regions = resolved[i] as RegionsOrFailure;
        if ('failure' in regions) this.#buffer.push(regions);
        else for (const region of regions.list) this.#buffer.push({ target: { accountId, region }, skip: 0 });
      });
    }
    return this.#buffer.splice(0, count === Infinity ? this.#buffer.length : count);
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

function decodePosition(cursors: CursorCodec, binding: string, cursor: string): Position {
  const p = cursors.decode(binding, cursor);
  const valid =
    typeof p['a'] === 'string' &&
    typeof p['r'] === 'string' &&
    (p['k'] === undefined || typeof p['k'] === 'string') &&
    typeof p['o'] === 'number' &&
    Number.isInteger(p['o']) &&
    p['o'] >= 0 &&
    (p['x'] === undefined || p['x'] === 1);
  if (!valid) throw badUserInput('Invalid cursor: not a position in this list');
  return p as unknown as Position;
}

function toConnection<Model>(
  cursors: CursorCodec,
  binding: string,
  items: readonly Positioned<Model>[],
  hasNextPage: boolean,
  hasPreviousPage: boolean,
  totalCount: number | null,
): ConnectionModel<Model> {
  const edges: EdgeModel<Model>[] = items.map((item) => ({
    cursor: cursors.encode(binding, item.after),
    node: item.node,
  }));
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
