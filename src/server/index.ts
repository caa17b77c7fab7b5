// `orgraph serve` as a library: builds the gateway (the same engine as the CLI, with its budgets and
// error masking) behind the HTTP door (http.ts), with metrics, request logs, health and readiness, and
// a graceful shutdown. Sessions, the response cache and cursor keys belong to the gateway, so they
// live as long as the server.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsCallEvent } from '../aws/call-observer.js';
import type { OrgraphConfig } from '../config/orgraph-config.js';
import { createGateway } from '../gateway.js';
import type { Gateway } from '../gateway.js';
import type { Logger } from '../log.js';
import { createLogger } from '../log.js';
import { isLoopback, tokenSource } from './auth.js';
import type { GraphiqlAssets } from './graphiql.js';
import { loadGraphiqlAssets } from './graphiql.js';
import { createRequestHandler } from './http.js';
import { ServerMetrics } from './metrics.js';
import { createReadinessCheck } from './readiness.js';
import { useRequestRecord } from './request-plugin.js';
import { currentRecord } from './request-record.js';

export interface StartServerOptions {
  config: OrgraphConfig;
  /** Override config.server.host / port (the command line's --host / --port). */
  host?: string;
  port?: number;
  /** Allow a non-loopback address without any token (logged as a warning on every start). */
  insecureNoAuth?: boolean;
  /** For the token variable and AWS credentials; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Default: JSON lines on stderr at info level. */
  logger?: Logger;
  /** Epoch ms for the gateway and readiness cache; injectable for tests. */
  clock?: () => number;
}

export interface RunningServer {
  /** http://HOST:PORT/graphql */
  url: string;
  host: string;
  port: number;
  gateway: Gateway;
  metrics: ServerMetrics;
  /** GraphQL requests running now. */
  inFlight(): number;
  /**
   * Stops accepting, lets running queries finish for up to `graceMs` (default server.shutdownGraceMs),
   * stops the rest, closes the gateway. Idempotent.
   */
  close(graceMs?: number): Promise<void>;
}

/** Starting would expose the gateway unauthenticated: the command exits 2 with this message. */
export class ServeRefusedError extends Error {
  override name = 'ServeRefusedError';
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config } = options;
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger();
  const host = options.host ?? config.server.host;
  const port = options.port ?? config.server.port;
  const tokens = tokenSource(config.server.auth, env);

  if (tokens.hashes.length === 0 && !isLoopback(host)) {
    if (!options.insecureNoAuth) {
      throw new ServeRefusedError(
        `refusing to listen on ${host} without authentication: anyone who reaches it could read your ` +
          `whole organization. Add a token — set ${config.server.auth.tokenEnv}=<token> in the environment, ` +
          `or put its SHA-256 (printf %s "$TOKEN" | sha256sum) in server.auth.tokenSha256 — or listen on ` +
          `127.0.0.1, or pass --insecure-no-auth if something in front of orgraph authenticates.`,
      );
    }
  }
  if (tokens.hashes.length === 0 && options.insecureNoAuth && !isLoopback(host)) {
    logger.warn('listening on a non-loopback address WITHOUT authentication (--insecure-no-auth)', { host });
  }
  let graphiql: GraphiqlAssets | undefined;
  if (config.server.graphiql) graphiql = await loadGraphiqlAssets();

  const metrics = new ServerMetrics();
  const awsLogger = logger.child({ component: 'aws' });
  const observer = (event: AwsCallEvent) => {
    metrics.awsCall(event);
    const record = currentRecord();
    if (record) record.awsCalls++;
    if (awsLogger.isLevelEnabled('debug'))
      awsLogger.debug('aws call', { ...event, ...(record ? { requestId: record.id } : {}) });
  };
  const gateway = await createGateway(config, {
    logger,
    env,
    ...(options.clock ? { clock: options.clock } : {}),
    awsCallObserver: observer,
    introspection: config.server.introspection,
    allowBatchedHttpRequests: config.server.batching,
    plugins: [metrics.plugin(), useRequestRecord()],
    // Resolvers and plugins see who the request authenticated as: context.extension.principal.
    contextExtension: (request) => ({ principal: request.principal }),
  });
  metrics.attach(() => gateway.stats());
  const readiness = createReadinessCheck({
    gateway,
    config,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const handler = createRequestHandler({
    config: config.server,
    gateway,
    tokenHashes: tokens.hashes,
    metrics,
    readiness,
    ...(graphiql ? { graphiql } : {}),
    logger,
  });
  const server = createServer(handler);
  try {
    await listen(server, host, port);
  } catch (err) {
    await gateway.close();
    throw err;
  }
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  logger.info('orgraph serve started', {
    url: `http://${shownHost}:${address.port}/graphql`,
    authentication: tokens.hashes.length ? `bearer token (${tokens.describe})` : 'off',
    graphiql: config.server.graphiql,
    introspection: config.server.introspection,
  });

  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${address.port}/graphql`,
    host: address.address,
    port: address.port,
    gateway,
    metrics,
    inFlight: () => handler.inFlight(),
    close(graceMs = config.server.shutdownGraceMs) {
      closing ??= (async () => {
        handler.beginShutdown();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const running = handler.inFlight();
        if (running > 0) logger.info('shutting down: waiting for queries in flight', { running, graceMs });
        let timer: NodeJS.Timeout | undefined;
        const graceOver = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), graceMs);
        });
        const finished = await Promise.race([handler.idle().then(() => true), graceOver]);
        clearTimeout(timer);
        if (!finished) {
          logger.warn('shutdown deadline passed: stopping the queries still running', {
            running: handler.inFlight(),
          });
          handler.abortAll(new Error('the server is shutting down'));
          await handler.idle();
        }
        server.closeAllConnections();
        await stopped;
        await gateway.close();
        logger.info('orgraph serve stopped');
      })();
      return closing;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
