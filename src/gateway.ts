// createGateway wires the layers in the one direction data flows: central credentials → session
// broker → client pool → AWS data layer → GraphQL graph → Apollo Server. Nothing happens on import.
// The Gateway it returns is the library's surface: run operations (in process or as GraphQL over
// HTTP), read counters, check readiness, reach member accounts for diagnostics, close. The layers
// themselves stay inside; every AWS request is reported to `GatewayDeps.awsCallObserver`.
import type { ApolloServerPlugin, HTTPGraphQLRequest, HTTPGraphQLResponse } from '@apollo/server';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, ec2Sdk } from './aws/sdk-clients.js';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { connectAws } from './aws/connect.js';
import type { DataLayerStats } from './aws/data-layer.js';
import { createDataLayer } from './aws/data-layer.js';
import { SDK_MAX_ATTEMPTS } from './aws/call-runner.js';
import type { AwsCallObserver } from './aws/call-observer.js';
import { awsErrorFacts } from './aws/classify.js';
import type { Env } from './aws/endpoints.js';
import { resolveEndpoint } from './aws/endpoints.js';
import { unitsAboveFrom } from './aws/units-above.js';
import type { OrgraphConfig } from './config/orgraph-config.js';
import type { CentralSource } from './credentials/central-principal.js';
import type { BrokerMetrics } from './credentials/session-broker.js';
import { createStsClient } from './credentials/sts.js';
import { createApolloServer, createGraph } from './graph/index.js';
import type { Logger } from './log.js';
import { redactText, silentLogger } from './log.js';

export interface GatewayDeps {
  clock?: () => number;
  logger?: Logger;
  /** Environment for credentials and endpoint resolution; default process.env. */
  env?: Env;
  /**
   * Told about every request sent to AWS — the start-up GetCallerIdentity, Roles Anywhere CreateSession,
   * AssumeRole, Organizations, EC2, readiness checks — with its service, operation, account, Region,
   * outcome, attempt, duration and bytes. The one way to learn about AWS calls (metrics, logs, counts).
   */
  awsCallObserver?: AwsCallObserver;
  /** Apollo Server plugins added after the gateway's own (budgets, input checks, partial errors). */
  plugins?: GatewayPlugin[];
  /**
   * Extra fields for each operation's resolver context, from the request it came with (e.g. the
   * principal the HTTP server authenticated); resolvers and plugins read them as `context.extension`.
   */
  contextExtension?: (request: GatewayRequest) => Record<string, unknown>;
  /** Default true. */
  introspection?: boolean;
  /** Batched GraphQL-over-HTTP requests (an array of operations); default false. */
  allowBatchedHttpRequests?: boolean;
  /**
   * 'before' (default): createGateway resolves once the central principal's check passed. 'alongside'
   * (a one-shot query): at once — the account list is read while the check runs, member sessions wait
   * for it, and the caller awaits `identity()` to learn whether it failed (see connectAws).
   */
  centralCheck?: 'before' | 'alongside';
  /**
   * When the EC2 SDK package (≈ 0.4 s to load) is loaded. 'now' (default): before anything is sent,
   * so that loading it never stalls the answers of calls in flight. 'on first use': by the first EC2
   * client — for a one-shot operation that cannot read EC2 (an account list), which then never loads it.
   */
  loadEc2Sdk?: 'now' | 'on first use';
  /**
   * Abandons a start-up still waiting for the central check (Ctrl-C of a one-shot command):
   * createGateway then rejects with a CallCancelledError at once, having closed what it opened.
   */
  signal?: AbortSignal;
}

/** What a plugin (or resolver) may read of an operation's context; the rest is the gateway's own. */
export interface GatewayContext {
  /** What `contextExtension` returned for the request ({} without one). */
  readonly extension: Readonly<Record<string, unknown>>;
  /** Aborted when the operation's deadline passes, its client goes away, or its answer was sent. */
  readonly signal: AbortSignal;
}

export type GatewayPlugin = ApolloServerPlugin<GatewayContext>;

/** What comes with one operation besides its document. */
export interface GatewayRequest {
  /** Stops the operation's AWS work when aborted (a client that went away, Ctrl-C). */
  signal?: AbortSignal;
  /** Who is asking, as the caller authenticated them (handed to `contextExtension`). */
  principal?: unknown;
}

export interface QueryResult {
  data?: Record<string, unknown> | null;
  errors?: readonly {
    message: string;
    path?: readonly (string | number)[];
    extensions?: Record<string, unknown>;
  }[];
}

/** The central principal as validated at start, and its current credentials' expiry. */
export interface GatewayIdentity {
  arn: string;
  accountId: string;
  source: CentralSource;
  /** Where the credentials come from, in words (e.g. "the default credential chain"). */
  description: string;
  /** Absent for long-term keys. */
  expiration?: Date;
}

/** Counters kept by the layers (AWS calls themselves are reported to the observer). */
export interface GatewayStats {
  /** The data layer: retries, throttling, calls in flight and queued, the response cache. */
  aws: DataLayerStats;
  /** The session broker: member-account sessions and how lookups were answered. */
  sessions: BrokerMetrics;
}

export type Readiness = { ready: true } | { ready: false; reason: string };

/** Member accounts reached directly, for diagnostics (orgraph doctor); observed like every call. */
export interface MemberAccounts {
  /** The role the gateway assumes in the account (configured overrides applied). */
  roleArnFor(accountId: string): Promise<string>;
  /** The account's session (AssumeRole through the broker, shared and cached). */
  credentialsFor(accountId: string): Promise<AwsCredentialIdentity>;
  /** The pooled EC2 client of (account, Region). */
  ec2(accountId: string, region: string): EC2Client;
}

export interface Gateway {
  /** The executable schema served (the Federation subgraph schema when graph.federation is on). */
  readonly schema: GraphQLSchema;
  /** Runs one GraphQL operation without HTTP (a fresh request context each time). */
  execute(
    query: string | DocumentNode,
    variables?: Record<string, unknown>,
    request?: GatewayRequest,
  ): Promise<QueryResult>;
  /** Answers one GraphQL-over-HTTP request (Apollo's parsing, CSRF prevention, batching, status codes). */
  executeHTTP(httpRequest: HTTPGraphQLRequest, request?: GatewayRequest): Promise<HTTPGraphQLResponse>;
  /** The central principal; rejects with the check's error when it failed (`centralCheck: 'alongside'`). */
  identity(): Promise<GatewayIdentity>;
  /** Whether STS accepts the central credentials now and the account list can be read (bypassing the cache). */
  ready(options?: { timeoutMs?: number }): Promise<Readiness>;
  stats(): GatewayStats;
  readonly members: MemberAccounts;
  close(): Promise<void>;
}

/** Validates the central principal (GetCallerIdentity) and builds every layer; throws a clear error on bad config. */
export async function createGateway(config: OrgraphConfig, deps: GatewayDeps = {}): Promise<Gateway> {
  const logger = deps.logger ?? silentLogger;
  const clock = deps.clock ?? Date.now;
  const env = deps.env ?? process.env;
  const observer = deps.awsCallObserver;
  const accounts = config.graph.accounts;
  if ((deps.loadEc2Sdk ?? 'now') === 'now') ec2Sdk(); // loaded now, while nothing is in flight
  const access = await connectAws(config.credentials, {
    clock,
    logger,
    env,
    sdkMaxAttempts: SDK_MAX_ATTEMPTS,
    callTimeoutMs: config.aws.callTimeoutMs,
    callsInFlight: config.aws.concurrency.global,
    retry: config.aws.retry,
    ...(observer ? { observer } : {}),
    ...(deps.centralCheck ? { centralCheck: deps.centralCheck } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(accounts.source === 'organizations' && accounts.managementAccountRole
      ? { organizationsRole: accounts.managementAccountRole }
      : {}),
  });
  const data = createDataLayer({ pool: access.pool, broker: access.broker, options: config.aws, clock });
  // Role overrides by unit learn an account's units from Organizations, through the data layer.
  if (config.credentials.broker.overrides.some((o) => (o.unitIds ?? []).length > 0))
    access.broker.useUnitsOf(unitsAboveFrom(data));
  const graph = createGraph({ config: config.graph, data, logger });
  const server = createApolloServer(graph, {
    ...(deps.introspection !== undefined ? { introspection: deps.introspection } : {}),
    ...(deps.allowBatchedHttpRequests !== undefined
      ? { allowBatchedHttpRequests: deps.allowBatchedHttpRequests }
      : {}),
    ...(deps.plugins ? { plugins: deps.plugins } : {}),
  });
  const contextFor = (request: GatewayRequest) =>
    graph.createContext({
      ...(request.signal ? { signal: request.signal } : {}),
      ...(deps.contextExtension ? { extension: deps.contextExtension(request) } : {}),
    });
  // Readiness asks STS with one attempt per check: a prober repeats it anyway.
  const stsEndpoint = resolveEndpoint('sts', config.credentials.endpoints, env);
  const readinessSts = createStsClient({
    region: access.stsRegion,
    credentials: access.principal.credentials,
    requestHandler: access.pool.httpHandler,
    maxAttempts: 1,
    ...(stsEndpoint !== undefined ? { endpoint: stsEndpoint } : {}),
    ...(observer ? { observer } : {}),
  });
  try {
    await server.start();
  } catch (err) {
    access.close();
    throw err;
  }
  return {
    schema: graph.schema,
    async execute(query, variables, request = {}) {
      const response = await server.executeOperation(
        { query, ...(variables ? { variables } : {}) },
        { contextValue: contextFor(request) },
      );
      if (response.body.kind !== 'single') throw new Error('incremental delivery is not supported');
      return response.body.singleResult as QueryResult;
    },
    executeHTTP: (httpGraphQLRequest, request = {}) =>
      server.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: async () => contextFor(request) }),
    async identity() {
      const { principal } = access;
      const identity = await access.identity;
      const current = await principal.credentials();
      return {
        arn: identity.arn,
        accountId: identity.accountId,
        source: identity.source,
        description: principal.description,
        ...(current.expiration ? { expiration: current.expiration } : {}),
      };
    },
    async ready({ timeoutMs = 5_000 } = {}) {
      try {
        await readinessSts.send(new GetCallerIdentityCommand({}), {
          abortSignal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        return {
          ready: false,
          reason: `central credentials: STS GetCallerIdentity failed: ${describe(err)}`,
        };
      }
      if (accounts.source === 'organizations') {
        try {
          await data.organizations.listAccounts({ fresh: true, signal: AbortSignal.timeout(timeoutMs) });
        } catch (err) {
          return {
            ready: false,
            reason: `account list: Organizations ListAccounts failed: ${describe(err)}`,
          };
        }
      }
      return { ready: true };
    },
    stats: () => ({ aws: data.stats(), sessions: access.broker.metrics() }),
    members: {
      roleArnFor: (accountId) => access.broker.roleArnFor(accountId),
      credentialsFor: (accountId) => access.broker.credentialsFor(accountId),
      ec2: (accountId, region) => access.pool.ec2(accountId, region),
    },
    async close() {
      await server.stop();
      access.close();
    },
  };
}

function describe(err: unknown): string {
  const { code, message } = awsErrorFacts(err);
  return redactText(`${code}: ${message}`).slice(0, 300);
}
