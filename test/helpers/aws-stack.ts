// The gateway's real AWS stack pointed at a running sim, as production wires it: one shared HTTP
// handler → SessionBroker (STS at the sim, the sim's read role and ExternalId) → ClientPool (every
// service at the sim, SDK_MAX_ATTEMPTS) → createDataLayer.
import { parseAwsOptions } from '../../src/config/aws.js';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { RunningSim } from '../../src/sim/index.js';
import { SessionBroker } from '../../src/credentials/session-broker.js';
import type { SessionBrokerOptions } from '../../src/credentials/session-broker.js';
import { ClientPool, createSharedHttpHandler } from '../../src/aws/client-pool.js';
import type { ClientPoolOptions, SharedHttpHandlerOptions } from '../../src/aws/client-pool.js';
import { createDataLayer } from '../../src/aws/data-layer.js';
import { SDK_MAX_ATTEMPTS } from '../../src/aws/call-runner.js';
import type { DataLayerDeps, DataLayer } from '../../src/aws/data-layer.js';
import type { AwsOptions } from '../../src/config/aws.js';
import { centralCredentials } from './sim-clients.js';

/**
 * A SessionBroker calling the sim's STS (one SDK attempt) with the central principal, for the sim's
 * read role and ExternalId; `overrides` replace any of those options.
 */
export function simSessionBroker(
  sim: RunningSim,
  requestHandler?: NodeHttpHandler,
  overrides: Partial<SessionBrokerOptions> = {},
): SessionBroker {
  return new SessionBroker({
    sts: {
      region: 'us-east-1',
      credentials: async () => centralCredentials(sim),
      endpoint: sim.endpoint,
      ...(requestHandler ? { requestHandler } : {}),
      maxAttempts: 1,
    },
    role: { roleName: sim.world.readRoleName },
    externalId: sim.world.externalId,
    ...overrides,
  });
}

export interface SimAwsStackOptions {
  /** Shared by STS, EC2 and Organizations. Absent: a new one from `http`, which close() destroys. */
  httpHandler?: NodeHttpHandler;
  http?: SharedHttpHandlerOptions;
  /** The clock of the broker and of the data layer (each overridable through `broker` / `dataDeps`). */
  clock?: () => number;
  broker?: Partial<SessionBrokerOptions>;
  /** Replace the pool's defaults (endpoints at the sim, SDK_MAX_ATTEMPTS, an empty environment). */
  pool?: Partial<Omit<ClientPoolOptions, 'broker' | 'httpHandler'>>;
  /** Call Organizations through the read role of this account (via the stack's broker). */
  organizationsVia?: string;
  data?: AwsOptions;
  dataDeps?: Partial<Pick<DataLayerDeps, 'clock' | 'sleep' | 'random'>>;
}

export interface SimAwsStack {
  httpHandler: NodeHttpHandler;
  broker: SessionBroker;
  pool: ClientPool;
  data: DataLayer;
  /** Closes the pool and with it the HTTP handler (the shared one too, when it was passed in). */
  close(): void;
}

export function simAwsStack(sim: RunningSim, options: SimAwsStackOptions = {}): SimAwsStack {
  const httpHandler = options.httpHandler ?? createSharedHttpHandler(options.http);
  const clock = options.clock ? { clock: options.clock } : {};
  const broker = simSessionBroker(sim, httpHandler, { ...clock, ...options.broker });
  const pool = new ClientPool({
    broker,
    centralCredentials: async () => centralCredentials(sim),
    httpHandler,
    maxAttempts: SDK_MAX_ATTEMPTS,
    endpoints: { default: sim.endpoint },
    env: {},
    ...(options.organizationsVia
      ? { organizations: { viaRole: { broker, accountId: options.organizationsVia } } }
      : {}),
    ...options.pool,
  });
  const data = createDataLayer({
    pool,
    broker,
    options: parseAwsOptions(options.data ?? {}),
    ...clock,
    ...options.dataDeps,
  });
  return { httpHandler, broker, pool, data, close: () => pool.close() };
}
