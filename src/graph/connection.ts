// Relay connections over a list already read whole (accounts, units, Regions, a VPC's subnets): the
// cursor is the offset of the next item, signed and bound to the field and its arguments.
import type { CursorCodec } from './cursor.js';
import { badUserInput } from './errors.js';
import type { ConnectionModel, EdgeModel } from './mappers.js';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** `first` checked against the configured maximum; undefined means everything. */
export function validateFirst(first: number | null | undefined, maxFirst: number): number | undefined {
  if (first === null || first === undefined) return undefined;
  if (!Number.isInteger(first) || first < 0)
    throw badUserInput(`'first' must be a whole number from 0 to ${maxFirst} (got ${first})`);
  if (first > maxFirst)
    throw badUserInput(`'first' must be at most ${maxFirst} (got ${first}); page with 'after'`);
  return first;
}

export function listConnection<T>(
  items: readonly T[],
  page: {
    first: number | undefined;
    after: string | null | undefined;
    binding: string;
    cursors: CursorCodec;
  },
): ConnectionModel<T> {
  let start = 0;
  if (page.after !== null && page.after !== undefined) {
    const position = page.cursors.decode(page.binding, page.after);
    const offset = position['o'];
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0)
      throw badUserInput('Invalid cursor: not a position in this list');
    start = Math.min(offset, items.length);
  }
  const end = page.first === undefined ? items.length : Math.min(items.length, start + page.first);
  const edges: EdgeModel<T>[] = items
    .slice(start, end)
    .map((node, i) => new LazyEdge(node, { o: start + i + 1 }, page.cursors, page.binding));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: items.length,
    failures: [],
  };
}

/**
 * An edge whose cursor is signed only when read: most queries select `nodes`, and signing a cursor
 * for every item they never show would cost an HMAC each. One object per item (a class, not a closure).
 */
export class LazyEdge<T, Position extends object = object> implements EdgeModel<T> {
  #cursor: string | undefined;

  constructor(
    readonly node: T,
    /** The position the cursor encodes: where the list goes on after this item. */
    readonly after: Position,
    private readonly cursors: CursorCodec,
    private readonly binding: string,
  ) {}

  get cursor(): string {
    this.#cursor ??= this.cursors.encode(this.binding, this.after);
    return this.#cursor;
  }
}
