// Public API of the GraphQL layer: createGraph builds the executable schema, the per-request context
// factory, the Apollo plugins and the error formatter over an AwsData; createApolloServer wraps them.
import { ApolloServer } from '@apollo/server';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { AwsData } from '../aws/contract.js';
import type { GraphConfig } from '../config/graph.js';
import { cursorSecretOf } from '../config/graph.js';
import type { Logger } from '../log.js';
import type { GraphContext } from './context.js';
import { createGraphContext } from './context.js';
import { CursorCodec } from './cursor.js';
import { createFormatError } from './errors.js';
import { useInputChecks } from './plugins/input-checks.js';
import { usePartialErrors } from './plugins/partial-errors.js';
import { useQueryBudgets } from './plugins/query-budgets.js';
import { useRequestLifecycle } from './plugins/request-lifecycle.js';
import { resolvers } from './resolvers/index.js';
import { buildFederatedSchema } from './federation.js';
import { buildExecutableSchema } from './schema.js';

export type { GraphContext } from './context.js';
export { encodeGlobalId, decodeGlobalId } from './global-id.js';

export interface GraphOptions {
  config: GraphConfig;
  data: AwsData;
  /** Receives unexpected errors (masked in responses) so they are not lost. */
  logger?: Logger;
}

export interface Graph {
  schema: GraphQLSchema;
  /** A fresh context (loaders, deadline, abort signal, the embedder's extension) for one request. */
  createContext(request?: {
    signal?: AbortSignal;
    extension?: Readonly<Record<string, unknown>>;
  }): GraphContext;
  /** Input checks (bad arguments refused before any AWS call), query budgets, @fresh handling, end-of-request cleanup, and partial-failure errors. */
  plugins: ApolloServerPlugin<GraphContext>[];
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}

export function createGraph(options: GraphOptions): Graph {
  const { config, data, logger } = options;
  const cursors = new CursorCodec(cursorSecretOf(config), { ephemeral: config.cursorSecret === undefined });
  const formatError = createFormatError({
    onMaskedError: (error) =>
      logger?.error('unexpected error in a GraphQL request', { error: describe(error) }),
  });
  return {
    schema: config.federation.enabled ? buildFederatedSchema(resolvers) : buildExecutableSchema(resolvers),
    createContext: (request = {}) =>
      createGraphContext({
        data,
        config,
        cursors,
        ...(request.signal ? { signal: request.signal } : {}),
        ...(request.extension ? { extension: request.extension } : {}),
      }),
    // Input checks first: a refused operation must not reach any hook that could call AWS. The
    // budgets' willSendResponse must run before the partial errors are added (see useQueryBudgets).
    plugins: [
      useInputChecks(),
      useRequestLifecycle(),
      useQueryBudgets(formatError),
      usePartialErrors(formatError),
    ],
    formatError,
  };
}

/** What the HTTP server may change about the Apollo Server (the CLI keeps Apollo's defaults). */
export interface ApolloOptions {
  /** Default true. */
  introspection?: boolean;
  /** Default false. */
  allowBatchedHttpRequests?: boolean;
  /** Added after the graph's own plugins (metrics, request logs). */
  plugins?: ApolloServerPlugin<GraphContext>[];
}

/** An Apollo Server for the graph (no landing page; the HTTP layer adds its own). */
export function createApolloServer(graph: Graph, options: ApolloOptions = {}): ApolloServer<GraphContext> {
  return new ApolloServer<GraphContext>({
    schema: graph.schema,
    plugins: [
      ...graph.plugins,
      ...(options.plugins ?? []),
      ApolloServerPluginLandingPageDisabled(),
      // A subgraph would otherwise add resolver timings to responses a router asks for them in.
      ApolloServerPluginInlineTraceDisabled(),
      // orgraph sets no cache hints (answers are live): Apollo's cache-control plugin would still
      // wrap every field's resolution (≈2 % of the CPU of a large export).
      ApolloServerPluginCacheControlDisabled(),
    ],
    formatError: graph.formatError,
    includeStacktraceInErrorResponses: false,
    introspection: options.introspection ?? true,
    allowBatchedHttpRequests: options.allowBatchedHttpRequests ?? false,
    // The process decides what a signal means (orgraph serve drains in-flight queries, then exits 0):
    // Apollo's own handlers would stop the server at once and re-send the signal, killing the process.
    stopOnTerminationSignals: false,
  });
}

function describe(error: unknown): Record<string, unknown> {
  return error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { value: String(error) };
}
