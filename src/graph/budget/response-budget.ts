// The response budget: every list of an answer admits its items here as it is built. The first list
// that would take the answer past `limit` items stops the query: its error is QUERY_TOO_EXPENSIVE, the
// request's AWS work is aborted (through `onExceeded`), and every list resolved afterwards answers
// null without any work, so the answer stops growing long before memory runs out. The budget is
// shared by every (shallow) copy of the request's context.
import type { GraphQLError } from 'graphql';
import { queryTooExpensive } from './too-expensive.js';

export class ResponseBudget {
  readonly limit: number;
  readonly #onExceeded: (error: GraphQLError) => void;
  #items = 0;
  #error: GraphQLError | undefined;

  constructor(limit: number, onExceeded: (error: GraphQLError) => void = () => {}) {
    this.limit = limit;
    this.#onExceeded = onExceeded;
  }

  /** Items admitted so far. */
  get items(): number {
    return this.#items;
  }

  /** The error that stopped the query, once the budget is exceeded. */
  get exceeded(): GraphQLError | undefined {
    return this.#error;
  }

  /** Throws the budget's error once it is exceeded (called before a list starts any work). */
  check(): void {
    if (this.#error) throw this.#error;
  }

  /** Whether the budget is exceeded (lists resolved afterwards answer null: no error, no work). */
  get stopped(): boolean {
    return this.#error !== undefined;
  }

  /**
   * Stops the query with another budget's error (the AWS-call budget, checked as the account list
   * arrives): the same effect as exceeding this one. The first error stays.
   */
  stop(error: GraphQLError): void {
    if (this.#error) return;
    this.#error = error;
    this.#onExceeded(error);
  }

  /** Counts `count` more items of the answer; throws QUERY_TOO_EXPENSIVE when that passes the limit. */
  admit(count: number): void {
    this.check();
    if (this.#items + count <= this.limit) {
      this.#items += count;
      return;
    }
    const wanted = this.#items + count;
    this.#error = queryTooExpensive(
      `The answer would hold more than ${this.limit} list items (graph.limits.maxResponseItems; this list brought it to ${wanted}), so the query was stopped. Narrow it: page with first/after, use where (accountIds, regions, filters), or select fewer nested lists.`,
      'items',
      wanted,
      this.limit,
    );
    this.#onExceeded(this.#error);
    throw this.#error;
  }
}
