// The HTTP door of `orgraph serve`: a thin adapter from Node's HTTP server to the gateway's Apollo
// Server (executeHTTPGraphQLRequest, as Apollo's own integrations do), plus the routes around it —
// GraphiQL, /healthz, /readyz, /metrics. Apollo's standalone server is not used: it allows every
// origin (cors()), has no body limit option below 50 MB, no other routes, and does not stop a query's
// work when its client goes away; this adapter does all four.
//
// Per request: a request id (returned in X-Request-Id), bearer-token authentication, a body limit,
// an abort signal that fires when the client disconnects (it reaches the data layer through the
// GraphQL context), and one structured log line when the response is done.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap } from '@apollo/server';
import type { HTTPGraphQLRequest } from '@apollo/server';
import type { ServerConfig } from '../config/server.js';
import type { Gateway } from '../gateway.js';
import type { Logger } from '../log.js';
import type { Principal } from './auth.js';
import { bearerToken, principalOf, tokenAccepted } from './auth.js';
import type { GraphiqlAssets } from './graphiql.js';
import { ASSET_PREFIX, PAGE_CSP, graphiqlPage } from './graphiql.js';
import { EXAMPLE_QUERIES } from './examples.js';
import type { ServerMetrics } from './metrics.js';
import type { Readiness } from './readiness.js';
import { newRecord, withRecord } from './request-record.js';

export interface HandlerDeps {
  config: ServerConfig;
  gateway: Pick<Gateway, 'executeHTTP'>;
  /** Accepted token hashes; empty = no authentication. */
  tokenHashes: readonly Buffer[];
  metrics: ServerMetrics;
  readiness: () => Promise<Readiness>;
  /** Absent when GraphiQL is switched off. */
  graphiql?: GraphiqlAssets;
  logger: Logger;
  /** For request durations. */
  now?: () => number;
}

export interface RequestHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** GraphQL requests running now. */
  inFlight(): number;
  /** From now on, new requests get 503 and connections are closed after each response. */
  beginShutdown(): void;
  /** Resolves when no GraphQL request is running. */
  idle(): Promise<void>;
  /** Stops the work of every GraphQL request still running. */
  abortAll(reason: Error): void;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const JSON_TYPE = 'application/json; charset=utf-8';

export function createRequestHandler(deps: HandlerDeps): RequestHandler {
  const { config, logger, metrics } = deps;
  const now = deps.now ?? (() => performance.now());
  const authRequired = deps.tokenHashes.length > 0;
  const running = new Set<AbortController>();
  let idleWaiters: (() => void)[] = [];
  let shuttingDown = false;

  const handler = ((req, res) => {
    const started = now();
    const incomingId = req.headers['x-request-id'];
    const id = typeof incomingId === 'string' && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    const record = newRecord(id);
    const url = new URL(req.url ?? '/', 'http://localhost');
    let route = 'not_found';
    res.setHeader('X-Request-Id', id);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    if (shuttingDown) res.setHeader('Connection', 'close');
    res.on('close', () => {
      metrics.httpRequest(route, res.statusCode);
      logger.info('request', {
        requestId: id,
        method: req.method,
        path: url.pathname,
        status: res.statusCode,
        ...(record.operationName ? { operationName: record.operationName } : {}),
        durationMs: Math.round((now() - started) * 10) / 10,
        awsCalls: record.awsCalls,
        ...(record.errorCodes.size ? { errorCodes: [...record.errorCodes] } : {}),
        ...(res.writableFinished ? {} : { clientGone: true }),
        client: req.socket.remoteAddress,
      });
    });

    const route_ = async (): Promise<void> => {
      if (shuttingDown) throw new HttpError(503, 'the server is shutting down', 'SHUTTING_DOWN');
      const method = req.method ?? 'GET';
      const path = url.pathname;
      if (path === '/healthz') {
        route = 'healthz';
        onlyGet(method);
        return sendJson(res, 200, { status: 'ok' });
      }
      if (path === '/readyz') {
        route = 'readyz';
        onlyGet(method);
        const answer = await deps.readiness();
        return answer.ready
          ? sendJson(res, 200, { status: 'ready' })
          : sendJson(res, 503, { status: 'not ready', reason: answer.reason });
      }
      if (path === '/metrics') {
        route = 'metrics';
        onlyGet(method);
        if (!config.metricsPublic) authenticate(req);
        res.writeHead(200, { 'Content-Type': metrics.contentType });
        res.end(await metrics.text());
        return;
      }
      if (path === '/') {
        route = 'root';
        res.writeHead(302, { Location: '/graphql' });
        res.end();
        return;
      }
      if (deps.graphiql && path.startsWith(ASSET_PREFIX)) {
        route = 'graphiql_assets';
        onlyGet(method);
        const asset = deps.graphiql.get(path.slice(ASSET_PREFIX.length));
        if (!asset) throw new HttpError(404, `no such file: ${path}`, 'NOT_FOUND');
        res.writeHead(200, { 'Content-Type': asset.contentType, 'Cache-Control': 'public, max-age=3600' });
        res.end(asset.body);
        return;
      }
      if (path === '/graphql') {
        if (deps.graphiql && method === 'GET' && !url.searchParams.has('query') && wantsHtml(req)) {
          route = 'graphiql';
          res.writeHead(200, {
            'Content-Type': 'text/html; charset=utf-8',
            'Content-Security-Policy': PAGE_CSP,
          });
          res.end(graphiqlPage({ endpoint: '/graphql', authRequired, examples: EXAMPLE_QUERIES }));
          return;
        }
        route = 'graphql';
        return graphql(req, res, url, authenticate(req));
      }
      throw new HttpError(404, `no such path: ${path} (the GraphQL endpoint is /graphql)`, 'NOT_FOUND');
    };

    withRecord(record, route_).catch((err: unknown) => {
      if (err instanceof HttpError) {
        if (!res.headersSent) {
          res.writeHead(err.status, { ...err.headers, 'Content-Type': JSON_TYPE });
          res.end(JSON.stringify({ errors: [{ message: err.message, extensions: { code: err.code } }] }));
        }
        return;
      }
      logger.error('unexpected error in the HTTP layer', { requestId: id, error: err });
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': JSON_TYPE });
        res.end(
          JSON.stringify({
            errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
          }),
        );
      } else res.destroy();
    });
  }) as RequestHandler;

  function authenticate(req: IncomingMessage): Principal {
    if (!authRequired) return principalOf(undefined);
    const header = req.headers.authorization;
    if (header === undefined)
      throw new HttpError(
        401,
        'authentication required: send Authorization: Bearer <token>',
        'UNAUTHENTICATED',
        {
          'WWW-Authenticate': 'Bearer realm="orgraph"',
        },
      );
    const token = bearerToken(header);
    if (!tokenAccepted(token, deps.tokenHashes))
      throw new HttpError(401, 'the bearer token was not accepted', 'UNAUTHENTICATED', {
        'WWW-Authenticate': 'Bearer realm="orgraph", error="invalid_token"',
      });
    return principalOf(token);
  }

  async function graphql(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    principal: Principal,
  ): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const body = method === 'POST' ? await readJsonBody(req, config.maxBodyBytes) : undefined;
    const httpGraphQLRequest: HTTPGraphQLRequest = { method, headers, search: url.search, body };
    // Stops the query's AWS work when the client goes away before its answer is sent.
    const controller = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) controller.abort(new Error('the client disconnected'));
    };
    res.on('close', onClose);
    running.add(controller);
    try {
      const response = await deps.gateway.executeHTTP(httpGraphQLRequest, {
        signal: controller.signal,
        principal,
      });
      if (res.destroyed) return;
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
      } else {
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } finally {
      running.delete(controller);
      if (running.size === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const wake of waiters) wake();
      }
    }
  }

  handler.inFlight = () => running.size;
  handler.beginShutdown = () => {
    shuttingDown = true;
  };
  handler.idle = () =>
    running.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve));
  handler.abortAll = (reason) => {
    for (const controller of running) controller.abort(reason);
  };
  return handler;
}

function onlyGet(method: string): void {
  if (method !== 'GET' && method !== 'HEAD')
    throw new HttpError(405, `method ${method} is not allowed here (use GET)`, 'METHOD_NOT_ALLOWED', {
      Allow: 'GET, HEAD',
    });
}

function wantsHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').includes('text/html');
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'Content-Type': JSON_TYPE });
  res.end(JSON.stringify(value));
}

/**
 * The POST body, parsed when it is JSON (Apollo Server wants it parsed); other content types are
 * handed over as they are, for Apollo's CSRF and content-type checks to refuse with their own message.
 */
async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new HttpError(
      413,
      `the request body is ${declared} bytes; the limit is ${limit} (server.maxBodyBytes)`,
      'PAYLOAD_TOO_LARGE',
      { Connection: 'close' },
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw new HttpError(
        413,
        `the request body is larger than the limit of ${limit} bytes (server.maxBodyBytes)`,
        'PAYLOAD_TOO_LARGE',
        { Connection: 'close' },
      );
    }
    chunks.push(chunk);
  }
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  const [mediaType = '', ...params] = contentType.split(';').map((s) => s.trim());
  if (mediaType !== 'application/json' && !mediaType.endsWith('+json')) return undefined;
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice(8)
    .replace(/"/g, '');
  if (charset && charset !== 'utf-8' && charset !== 'utf8')
    throw new HttpError(
      415,
      `unsupported charset "${charset}": send the body as UTF-8`,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '')
    throw new HttpError(400, 'the request body is empty: send {"query": "..."}', 'BAD_REQUEST');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(
      400,
      `the request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
      'BAD_REQUEST',
    );
  }
}
