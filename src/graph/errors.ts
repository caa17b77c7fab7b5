// How failures leave the graph. AWS failures (AwsCallError, classified by the data layer) become errors
// whose extensions carry { code, accountId, region, service, operation, awsErrorCode, requestId,
// retryable }; a bad argument is BAD_USER_INPUT; anything else is masked as "Internal server error" so
// no stack trace, SQL-like detail or secret reaches a client.
import type { GraphQLFormattedError, GraphQLResolveInfo } from 'graphql';
import { GraphQLError } from './graphql-runtime.js';
import { unwrapResolverError } from '@apollo/server/errors';
import type { AwsCallErrorFacts } from '../aws/errors.js';
import { AwsCallError, ERROR_CODES } from '../aws/errors.js';
import { isAbort } from '../aws/classify.js';

/** Extensions of the errors this gateway reports. */
declare module 'graphql' {
  interface GraphQLErrorExtensions {
    accountId?: string;
    region?: string;
    service?: string;
    operation?: string;
    awsErrorCode?: string;
    requestId?: string;
    retryable?: boolean;
  }
}

export const INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR';
const MASKED_MESSAGE = 'Internal server error';

/** Codes whose errors are shown as they are: ours, and those Apollo gives to malformed requests. */
const PUBLIC_CODES = new Set<string>([
  ...ERROR_CODES,
  'UNAUTHENTICATED',
  'QUERY_TOO_EXPENSIVE',
  // Federation: an entity representation that names nothing in scope.
  'NOT_FOUND',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/** A BAD_USER_INPUT error; `message` states the contract and shows the bad value. */
export function badUserInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** True for the errors an abort (deadline, client gone) makes a call reject with. */
export function isAbortError(error: unknown): boolean {
  return isAbort(error);
}

/**
 * The facts of a failure confined to one account or Region, or undefined when the error is not one
 * (a bug, which must fail loudly instead of being reported as an AWS problem).
 */
export function failureFacts(
  error: unknown,
  where: { accountId?: string; region?: string } = {},
): AwsCallErrorFacts | undefined {
  if (error instanceof AwsCallError) {
    const facts = error.facts();
    return {
      ...facts,
      ...(facts.accountId === undefined && where.accountId !== undefined
        ? { accountId: where.accountId }
        : {}),
      ...(facts.region === undefined && where.region !== undefined ? { region: where.region } : {}),
    };
  }
  if (isAbortError(error)) {
    return {
      code: 'UPSTREAM_TIMEOUT',
      message: 'The query was stopped (its deadline passed or the client went away) before AWS answered',
      ...(where.accountId !== undefined ? { accountId: where.accountId } : {}),
      ...(where.region !== undefined ? { region: where.region } : {}),
      retryable: true,
    };
  }
  return undefined;
}

/** The extensions of a failure: every fact but the message. */
export function failureExtensions(facts: AwsCallErrorFacts): Record<string, unknown> {
  const { message: _message, ...rest } = facts;
  return rest;
}

/** A located GraphQL error for a failure that did not fail its field (a fan-out's partial failure). */
export function partialFailureError(facts: AwsCallErrorFacts, info: GraphQLResolveInfo): GraphQLError {
  return new GraphQLError(facts.message, {
    nodes: info.fieldNodes,
    path: pathOf(info),
    extensions: failureExtensions(facts),
  });
}

function pathOf(info: GraphQLResolveInfo): (string | number)[] {
  const path: (string | number)[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) path.unshift(p.key);
  return path;
}

export interface FormatErrorOptions {
  /** Receives each masked error (to log it); never shown to the client. */
  onMaskedError?: (error: unknown) => void;
}

/**
 * Apollo's formatError: AWS failures with their facts, public codes as they are (without stack
 * traces), everything else masked.
 */
export function createFormatError(options: FormatErrorOptions = {}) {
  return function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
    const original = unwrapResolverError(error);
    const base = {
      message: formatted.message,
      ...(formatted.locations !== undefined ? { locations: formatted.locations } : {}),
      ...(formatted.path !== undefined ? { path: formatted.path } : {}),
    };
    const facts = failureFacts(original);
    if (facts) return { ...base, message: facts.message, extensions: failureExtensions(facts) };
    const code = formatted.extensions?.['code'];
    if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
      const { stacktrace: _stacktrace, exception: _exception, ...extensions } = formatted.extensions ?? {};
      return { ...base, extensions };
    }
    options.onMaskedError?.(original);
    return { ...base, message: MASKED_MESSAGE, extensions: { code: INTERNAL_SERVER_ERROR } };
  };
}
