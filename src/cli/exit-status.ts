// The exit statuses of every `orgraph` command, in one place so the README, --help and the code agree.
import type { QueryResult } from '../gateway.js';

export const EXIT = {
  /** The answer is complete. */
  ok: 0,
  /** Nothing useful: AWS or the credentials unusable, or an unexpected error. */
  failure: 1,
  /** Bad usage: flags, configuration, or a query refused for bad input or over a budget. */
  usage: 2,
  /** Partial: data plus errors (some accounts or Regions could not be read). */
  partial: 3,
  /** Stopped by Ctrl-C (128 + SIGINT). */
  interrupted: 130,
} as const;

export type ExitStatus = (typeof EXIT)[keyof typeof EXIT];

/**
 * Error codes that mean the query itself was refused: the caller must change it, so they exit as bad
 * usage. Matched by code, so codes added by other layers (budgets) need no change here.
 */
export const USAGE_ERROR_CODES: ReadonlySet<string> = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'QUERY_TOO_EXPENSIVE',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/** The exit status for a GraphQL result: 0 complete, 2 refused query, 3 partial, 1 nothing useful. */
export function exitStatusOf(result: QueryResult): ExitStatus {
  const errors = result.errors ?? [];
  if (errors.length === 0) return EXIT.ok;
  if (errors.some((e) => USAGE_ERROR_CODES.has(String(e.extensions?.['code'] ?? '')))) return EXIT.usage;
  return hasData(result.data) ? EXIT.partial : EXIT.failure;
}

/** Whether `data` holds anything beyond nulls (a top-level field that failed is null). */
function hasData(data: QueryResult['data']): boolean {
  if (!data) return false;
  return Object.values(data).some((v) => v !== null && v !== undefined);
}
