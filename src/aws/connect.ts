// Wires the credentials layer from its configuration, in the order the data flows:
// shared HTTP handler → central principal (validated with GetCallerIdentity) → session broker (role
// chaining decided by who the principal turned out to be) → client pool.
import type { CredentialsConfig } from '../config/credentials.js';
import { resolveStsRegion } from '../config/credentials.js';
import type { CentralIdentity, CentralPrincipal } from '../credentials/central-principal.js';
import { createCentralPrincipal, validateCentralPrincipal } from '../credentials/central-principal.js';
import type { MemberSessions, SessionBrokerOptions } from '../credentials/session-broker.js';
import { SessionBroker } from '../credentials/session-broker.js';
import { DeferredBroker } from '../credentials/deferred-broker.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { SDK_MAX_ATTEMPTS } from './call-runner.js';
import type { RetryPolicy } from './throttle-retry.js';
import { ClientPool, createSharedHttpHandler } from './client-pool.js';
import type { Env } from './endpoints.js';
import { resolveEndpoint } from './endpoints.js';
import type { AwsCallObserver } from './call-observer.js';

export interface ConnectDeps {
  clock?: () => number;
  logger?: Logger;
  env?: Env;
  /** SDK attempts per pooled call; the data layer passes 1 because it retries by itself. */
  sdkMaxAttempts?: number;
  /**
   * Organizations through a role in the management (or delegated administrator) account, e.g. from
   * the graph configuration's `accounts.managementAccountRole`. Absent: the central principal.
   */
  organizationsRole?: { accountId: string; roleName?: string };
  /** The start-up check's per-attempt time limit and retries: the data layer's (`aws.callTimeoutMs`, `aws.retry`). */
  callTimeoutMs?: number;
  retry?: RetryPolicy;
  /** The data layer's global limit of calls in flight (`aws.concurrency.global`): sockets are at least as many. */
  callsInFlight?: number;
  /** Told about every request sent to AWS: the start-up check, Roles Anywhere, AssumeRole, Organizations, EC2. */
  observer?: AwsCallObserver;
  /**
   * When connectAws resolves. 'before' (default): after the central principal's check
   * (GetCallerIdentity) passed, else it throws — a server does not start on credentials that cannot
   * work. 'alongside': at once, the check under way — a one-shot query's Organizations calls (central
   * credentials) go out meanwhile, member sessions wait for the check (DeferredBroker), and
   * `identity` rejects with the check's error, which the caller must await. With `organizationsRole`
   * the account list needs a member session too: then 'before' either way.
   */
  centralCheck?: 'before' | 'alongside';
  /**
   * Abandons the check: its wait for credentials, its call and its retries stop with a
   * CallCancelledError (with 'before', connectAws rejects with it at once, its HTTP handler closed).
   */
  signal?: AbortSignal;
}

export interface AwsConnection {
  principal: CentralPrincipal;
  /** Who the central principal is; with `centralCheck: 'alongside'`, rejects if the check fails. */
  identity: Promise<CentralIdentity>;
  stsRegion: string;
  broker: MemberSessions;
  pool: ClientPool;
  /** At shutdown: closes the shared HTTP handler. */
  close(): void;
}

/** Validates the central principal (CentralPrincipalError; see `centralCheck`) and builds the broker and the pool. */
export async function connectAws(config: CredentialsConfig, deps: ConnectDeps = {}): Promise<AwsConnection> {
  const env = deps.env ?? process.env;
  const logger = deps.logger ?? silentLogger;
  const clock = deps.clock ?? Date.now;
  const httpHandler = createSharedHttpHandler({
    maxSockets: config.pool.maxSockets,
    // Every service may share one address (an endpoint override): never fewer sockets than calls in flight.
    ...(deps.callsInFlight !== undefined ? { callsInFlight: deps.callsInFlight } : {}),
    connectionTimeoutMs: config.pool.connectionTimeoutMs,
    ...(config.pool.requestTimeoutMs !== undefined ? { requestTimeoutMs: config.pool.requestTimeoutMs } : {}),
  });
  try {
    const principal = createCentralPrincipal(config.centralPrincipal, {
      clock,
      env,
      endpoints: config.endpoints,
      refreshWindowSeconds: config.broker.refreshWindowSeconds,
      ...(deps.observer ? { observer: deps.observer } : {}),
    });
    const stsRegion = resolveStsRegion(config, env);
    const checked = validateCentralPrincipal(principal, {
      stsRegion,
      endpoints: config.endpoints,
      env,
      requestHandler: httpHandler,
      logger,
      ...(deps.callTimeoutMs !== undefined ? { callTimeoutMs: deps.callTimeoutMs } : {}),
      ...(deps.retry !== undefined ? { retry: deps.retry } : {}),
      ...(deps.observer ? { observer: deps.observer } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    const makeBrokers = (identity: CentralIdentity): Brokers =>
      brokersFor(identity, principal, config, { ...deps, clock, logger, env, stsRegion, httpHandler });
    const orgRole = deps.organizationsRole;
    let broker: MemberSessions;
    let viaRole: { broker: MemberSessions; accountId: string } | undefined;
    let identity: Promise<CentralIdentity>;
    // With the account list read through a member role, its first call needs a session, which needs
    // the check: nothing would go out alongside it.
    if (deps.centralCheck === 'alongside' && orgRole === undefined) {
      // The brokers' own refusals (their settings) fail `identity` too: both mean "cannot start".
      const made = checked.then(makeBrokers);
      identity = made.then(() => checked);
      broker = new DeferredBroker(made.then((b) => b.member));
      // Observed here: a failed check surfaces through `identity` and every member session.
      identity.catch(() => undefined);
    } else {
      const known = await checked;
      const made = makeBrokers(known);
      broker = made.member;
      if (orgRole && made.organizations)
        viaRole = { broker: made.organizations, accountId: orgRole.accountId };
      identity = Promise.resolve(known);
    }

    const pool = new ClientPool({
      broker,
      centralCredentials: principal.credentials,
      organizations: { region: config.organizations.region, ...(viaRole ? { viaRole } : {}) },
      maxClients: config.pool.maxClients,
      httpHandler,
      endpoints: config.endpoints,
      env,
      stsRegion,
      ...(deps.sdkMaxAttempts !== undefined ? { maxAttempts: deps.sdkMaxAttempts } : {}),
      ...(deps.observer ? { observer: deps.observer } : {}),
    });
    return { principal, identity, stsRegion, broker, pool, close: () => pool.close() };
  } catch (err) {
    httpHandler.destroy();
    throw err;
  }
}

interface Brokers {
  member: SessionBroker;
  /** The broker of `deps.organizationsRole` (the member broker when the role is the same). */
  organizations?: SessionBroker;
}

/** The session broker(s), which need the central principal's identity (see DeferredBroker). */
function brokersFor(
  identity: CentralIdentity,
  principal: CentralPrincipal,
  config: CredentialsConfig,
  deps: ConnectDeps & {
    clock: () => number;
    logger: Logger;
    env: Env;
    stsRegion: string;
    httpHandler: ReturnType<typeof createSharedHttpHandler>;
  },
): Brokers {
  const { clock, logger, env, stsRegion, httpHandler } = deps;
  const stsEndpoint = resolveEndpoint('sts', config.endpoints, env);
  const b = config.broker;
  const brokerOptions: SessionBrokerOptions = {
    sts: {
      region: stsRegion,
      credentials: principal.credentials,
      requestHandler: httpHandler,
      // AssumeRole failures are retried in one place, the data layer's call runner (with backoff,
      // under the fan-out limits); SDK retries inside each of those attempts would multiply them.
      // The Organizations-role broker below is built from these options, so it gets the same.
      maxAttempts: SDK_MAX_ATTEMPTS,
      ...(stsEndpoint !== undefined ? { endpoint: stsEndpoint } : {}),
      ...(deps.observer ? { observer: deps.observer } : {}),
    },
    role: { partition: b.partition ?? identity.partition, path: b.rolePath, roleName: b.roleName },
    roleSessionName: b.roleSessionName,
    durationSeconds: b.durationSeconds,
    roleChaining: identity.isRoleSession,
    refreshWindowSeconds: b.refreshWindowSeconds,
    negativeCacheSeconds: b.negativeCacheSeconds,
    maxSessions: b.maxSessions,
    central: { accountId: identity.accountId, credentials: principal.credentials },
    useCentralCredentialsForCentralAccount: b.useCentralCredentialsForCentralAccount,
    ...(deps.callTimeoutMs !== undefined ? { callTimeoutMs: deps.callTimeoutMs } : {}),
    clock,
    logger: logger.child({ component: 'session-broker' }),
    ...(b.externalId !== undefined ? { externalId: b.externalId } : {}),
    overrides: b.overrides,
  };
  const member = new SessionBroker(brokerOptions);
  const orgRole = deps.organizationsRole;
  if (!orgRole) return { member };
  // A role with another name than the member role gets its own (tiny) broker.
  const sameRole = orgRole.roleName === undefined || orgRole.roleName === b.roleName;
  const organizations = sameRole
    ? member
    : new SessionBroker({
        ...brokerOptions,
        role: { ...brokerOptions.role, roleName: orgRole.roleName },
        overrides: [],
        maxSessions: 4,
      });
  return { member, organizations };
}
