// createGateway wires the layers in the one direction data flows: central credentials → session
// broker → client pool → AWS data layer → GraphQL graph → Apollo Server. Nothing happens on import.
import type { ApolloServer } from '@apollo/server';
import type { DocumentNode } from 'graphql';
import type { AwsAccess } from './aws/aws-access.js';
import { createAwsAccess } from './aws/aws-access.js';
import type { DataLayer } from './aws/data-layer.js';
import { SDK_MAX_ATTEMPTS, createDataLayer } from './aws/data-layer.js';
import type { Env } from './aws/endpoints.js';
import { unitsAboveFrom } from './aws/units-above.js';
import type { AwsCallObserver } from './aws/call-observer.js';
import type { OrgraphConfig } from './config/orgraph-config.js';
import type { ApolloOptions, Graph, GraphContext } from './graph/index.js';
import { createApolloServer, createGraph } from './graph/index.js';
import type { Logger } from './log.js';
import { silentLogger } from './log.js';

export interface GatewayDeps {
  clock?: () => number;
  logger?: Logger;
  /** Environment for credentials and endpoint resolution; default process.env. */
  env?: Env;
  /** Told about every request sent to AWS (the HTTP server's metrics and debug logs). */
  awsCallObserver?: AwsCallObserver;
  /** Introspection, batching and extra plugins of the Apollo Server (the HTTP server sets them). */
  apollo?: ApolloOptions;
}

export interface QueryResult {
  data?: Record<string, unknown> | null;
  errors?: readonly {
    message: string;
    path?: readonly (string | number)[];
    extensions?: Record<string, unknown>;
  }[];
}

export interface Gateway {
  access: AwsAccess;
  data: DataLayer;
  graph: Graph;
  server: ApolloServer<GraphContext>;
  /** Runs one GraphQL operation without HTTP (a fresh request context each time). */
  execute(
    query: string | DocumentNode,
    variables?: Record<string, unknown>,
    request?: { signal?: AbortSignal },
  ): Promise<QueryResult>;
  close(): Promise<void>;
}

/** Validates the central principal (GetCallerIdentity) and builds every layer; throws a clear error on bad config. */
export async function createGateway(config: OrgraphConfig, deps: GatewayDeps = {}): Promise<Gateway> {
  const logger = deps.logger ?? silentLogger;
  const clock = deps.clock ?? Date.now;
  const accounts = config.graph.accounts;
  const access = await createAwsAccess(config.credentials, {
    clock,
    logger,
    sdkMaxAttempts: SDK_MAX_ATTEMPTS,
    callTimeoutMs: config.aws.callTimeoutMs,
    retry: config.aws.retry,
    ...(deps.env ? { env: deps.env } : {}),
    ...(deps.awsCallObserver ? { observer: deps.awsCallObserver } : {}),
    ...(accounts.source === 'organizations' && accounts.managementAccountRole
      ? { organizationsRole: accounts.managementAccountRole }
      : {}),
  });
  const data = createDataLayer({ pool: access.pool, broker: access.broker, options: config.aws, clock });
  // Role overrides by unit learn an account's units from Organizations, through the data layer.
  if (config.credentials.broker.overrides.some((o) => (o.unitIds ?? []).length > 0))
    access.broker.useUnitsOf(unitsAboveFrom(data));
  const graph = createGraph({ config: config.graph, data, clock, logger });
  const server = createApolloServer(graph, deps.apollo);
  await server.start();
  return {
    access,
    data,
    graph,
    server,
    async execute(query, variables, request = {}) {
      const response = await server.executeOperation(
        { query, ...(variables ? { variables } : {}) },
        { contextValue: graph.createContext(request) },
      );
      if (response.body.kind !== 'single') throw new Error('incremental delivery is not supported');
      return response.body.singleResult as QueryResult;
    },
    async close() {
      await server.stop();
      access.close();
    },
  };
}
