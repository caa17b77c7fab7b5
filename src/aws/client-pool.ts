// The client pool: one AWS SDK client per (service, account, Region), reused by every request of the
// process, bounded by an LRU, all sharing ONE keep-alive HTTP handler. Each client's credentials are a
// function that asks the session broker, so every client of an account uses the same session and
// there is one AssumeRole per account — never one fromTemporaryCredentials provider per client, which
// would multiply AssumeRole by the number of Regions.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { OrganizationsClient, STSClient, ec2Sdk } from './sdk-clients.js';
import type { EC2Client } from './sdk-clients.js';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Logger } from '@smithy/types';
import { LRUCache } from 'lru-cache';
import type { Env, EndpointOverrides } from './endpoints.js';
import { endpointConfig } from './endpoints.js';
import { positiveInteger } from '../option-checks.js';
import type { AwsCallObserver } from './call-observer.js';
import { observeAwsCalls } from './call-observer.js';
import { installEc2Readers } from './ec2-reader/install.js';
import type { SharedSdkConfig } from './shared-sdk-config.js';
import { sharedSdkConfigOf } from './shared-sdk-config.js';

export const DEFAULT_MAX_CLIENTS = 5_000;
export const DEFAULT_MAX_SOCKETS = 50;
export const ORGANIZATIONS_REGION = 'us-east-1';

/** What the pool needs from the session broker (SessionBroker satisfies it). */
export interface AccountCredentials {
  providerFor(accountId: string): AwsCredentialIdentityProvider;
}

export interface SharedHttpHandlerOptions {
  /** Sockets per origin (host:port). Default 50, as the SDK's own agents. */
  maxSockets?: number;
  /**
   * The process-wide limit of AWS calls in flight (`aws.concurrency.global`): the sockets per origin
   * are raised to it when `maxSockets` is lower, because every service can share one origin (an
   * endpoint override, the simulated AWS) and an admitted call must not then wait for a socket.
   */
  callsInFlight?: number;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/** One keep-alive handler for the whole process: the pool's clients and the broker's STS client. */
export function createSharedHttpHandler(options: SharedHttpHandlerOptions = {}): NodeHttpHandler {
  const maxSockets = socketsFor(options);
  return new NodeHttpHandler({
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
    ...(options.connectionTimeoutMs !== undefined ? { connectionTimeout: options.connectionTimeoutMs } : {}),
    ...(options.requestTimeoutMs !== undefined
      ? { requestTimeout: options.requestTimeoutMs, throwOnRequestTimeout: true }
      : {}),
  });
}

/** Sockets per origin: `maxSockets` (default 50), at least the calls in flight when given. */
export function socketsFor(options: SharedHttpHandlerOptions): number {
  const configured = positiveInteger('maxSockets', options.maxSockets ?? DEFAULT_MAX_SOCKETS);
  if (options.callsInFlight === undefined) return configured;
  return Math.max(configured, positiveInteger('callsInFlight', options.callsInFlight));
}

/**
 * The SDK clients' logger: `warn` only, to the console — where the SDK sends its warnings when no
 * logger is given. No `info`: the SDK's logger middleware builds a redacted copy of every request and
 * response (walking the output's schema) as the argument of `logger.info` whenever the logger HAS an
 * `info` method, and its default logger (NoOpLogger) has one that throws the copy away. No `debug`
 * either (endpoint resolution formats its debug lines the same way), no `error`/`trace` (the SDK's
 * default dropped those too; failures are reported by the data layer and the call observer).
 */
export const SDK_CLIENT_LOGGER = {
  warn: (...content: unknown[]) => console.warn(...content),
} as unknown as Logger;

export interface OrganizationsRole {
  /** Default us-east-1: Organizations has one endpoint per partition, there. */
  region?: string;
  /**
   * Call Organizations with a role in the management (or delegated administrator) account, through
   * this broker. Absent: with the central principal's own credentials.
   */
  viaRole?: { broker: AccountCredentials; accountId: string };
}

export interface ClientPoolOptions {
  broker: AccountCredentials;
  /** The central principal's credentials (for Organizations unless `organizations.viaRole`). */
  centralCredentials: AwsCredentialIdentityProvider;
  organizations?: OrganizationsRole;
  /** Default 5,000 clients. */
  maxClients?: number;
  /** The shared handler; created from `http` when absent. */
  httpHandler?: NodeHttpHandler;
  http?: SharedHttpHandlerOptions;
  /**
   * SDK attempts per call; default the SDK's 3. The data layer passes 1: it retries throttling itself
   * (src/aws/throttle-retry.ts), and two retry loops would multiply the attempts.
   */
  maxAttempts?: number;
  /**
   * The Region of the STS endpoint for session checks (GetCallerIdentity with a member session): the
   * broker's STS Region. Default us-east-1.
   */
  stsRegion?: string;
  endpoints?: EndpointOverrides;
  env?: Env;
  /** Told about every request the pool's clients send (metrics, debug logs). */
  observer?: AwsCallObserver;
  /**
   * Read DescribeInstances / DescribeVpcs / DescribeSubnets answers with orgraph's own reader, which
   * builds only the fields the schema exposes (src/aws/ec2-reader/); default true. False: the SDK's
   * own deserializer for everything.
   */
  fastEc2Readers?: boolean;
  /** The SDK clients' logger; default SDK_CLIENT_LOGGER (no `info`, see there). */
  sdkLogger?: Logger;
  /**
   * Resolve the SDK's shared configuration (FIPS, dual-stack, retry and defaults mode, app id, auth
   * scheme preference) once per service and Region, not once per client (src/aws/shared-sdk-config.ts);
   * default true. False: every client resolves it itself (benchmarks, tests).
   */
  shareSdkConfig?: boolean;
}

export interface PoolStats {
  clients: number;
  created: number;
  reused: number;
  evicted: number;
}

type PooledClient = EC2Client | OrganizationsClient;

export class ClientPool {
  readonly httpHandler: NodeHttpHandler;
  private readonly clients: LRUCache<string, PooledClient>;
  private readonly counters = { created: 0, reused: 0, evicted: 0 };
  /** `service|Region` → the providers of the first client made there (see shared-sdk-config.ts). */
  private readonly sharedSdkConfig = new Map<string, SharedSdkConfig>();
  private closed = false;

  constructor(private readonly options: ClientPoolOptions) {
    const max = positiveInteger('maxClients', options.maxClients ?? DEFAULT_MAX_CLIENTS);
    this.httpHandler = options.httpHandler ?? createSharedHttpHandler(options.http);
    this.clients = new LRUCache<string, PooledClient>({
      max,
      // Deliberately NOT client.destroy(): destroy() tears down the client's request handler, and that
      // handler is the one shared by every client — it would cut the sockets of all the others. An
      // evicted client holds no sockets of its own, so dropping the reference is all it needs.
      dispose: (_client, _key, reason) => {
        if (reason === 'evict') this.counters.evicted++;
      },
    });
  }

  /** The EC2 client for (account, Region), with that account's broker session. */
  ec2(accountId: string, region: string): EC2Client {
    return this.pooled(`ec2|${accountId}|${region}`, () => {
      const client = this.sharing(
        `ec2|${region}`,
        (shared) =>
          new (ec2Sdk().EC2Client)({
            ...this.common(),
            ...shared,
            region,
            credentials: this.options.broker.providerFor(accountId),
            ...endpointConfig('ec2', this.options.endpoints, this.options.env),
          }),
      );
      if (this.options.fastEc2Readers ?? true) installEc2Readers(client);
      observeAwsCalls(client, this.options.observer, { service: 'ec2', region, accountId });
      return client;
    });
  }

  /** The Organizations client: us-east-1, central credentials or a role in the management account. */
  organizations(): OrganizationsClient {
    const access = this.options.organizations ?? {};
    const region = access.region ?? ORGANIZATIONS_REGION;
    const via = access.viaRole;
    return this.pooled(`organizations|${via?.accountId ?? 'central'}|${region}`, () => {
      const client = new OrganizationsClient({
        ...this.common(),
        region,
        credentials: via ? via.broker.providerFor(via.accountId) : this.options.centralCredentials,
        ...endpointConfig('organizations', this.options.endpoints, this.options.env),
      });
      const where = { service: 'organizations', region };
      observeAwsCalls(client, this.options.observer, via ? { ...where, accountId: via.accountId } : where);
      return client;
    });
  }

  /**
   * An STS client with exactly these credentials (regional endpoint of `region`, default the broker's
   * STS Region), for asking STS whether a member session is still valid. Not pooled: it is needed
   * rarely (an EC2 AuthFailure), and it shares the handler, so it holds no sockets of its own.
   */
  stsWith(credentials: AwsCredentialIdentity, region?: string): STSClient {
    if (this.closed) throw new Error('the client pool is closed');
    const stsRegion = region ?? this.options.stsRegion ?? ORGANIZATIONS_REGION;
    const client = this.sharing(
      `sts|${stsRegion}`,
      (shared) =>
        new STSClient({
          ...this.common(),
          ...shared,
          region: stsRegion,
          credentials,
          useGlobalEndpoint: false,
          ...endpointConfig('sts', this.options.endpoints, this.options.env),
        }),
    );
    observeAwsCalls(client, this.options.observer, { service: 'sts', region: stsRegion });
    return client;
  }

  stats(): PoolStats {
    return { clients: this.clients.size, ...this.counters };
  }

  /** At shutdown: forgets every client and closes the shared handler's sockets (once). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clients.clear();
    this.httpHandler.destroy();
  }

  private pooled<C extends PooledClient>(key: string, create: () => C): C {
    if (this.closed) throw new Error('the client pool is closed');
    const existing = this.clients.get(key);
    if (existing) {
      this.counters.reused++;
      return existing as C; // keys start with the service name, so the type matches
    }
    const client = create();
    this.counters.created++;
    this.clients.set(key, client);
    return client;
  }

  /** `create`d with the shared config of `key` (service|Region), which the first client there makes. */
  private sharing<C extends EC2Client | STSClient>(key: string, create: (shared?: SharedSdkConfig) => C): C {
    if (this.options.shareSdkConfig === false) return create();
    const shared = this.sharedSdkConfig.get(key);
    if (shared) return create(shared);
    const client = create();
    this.sharedSdkConfig.set(key, sharedSdkConfigOf(client, this.options.maxAttempts === undefined));
    return client;
  }

  private common(): { requestHandler: NodeHttpHandler; logger: Logger; maxAttempts?: number } {
    return {
      requestHandler: this.httpHandler,
      logger: this.options.sdkLogger ?? SDK_CLIENT_LOGGER,
      ...(this.options.maxAttempts !== undefined ? { maxAttempts: this.options.maxAttempts } : {}),
    };
  }
}
