// The simulated AWS, in process: builds a world from generator options, starts one HTTP server that
// speaks STS, Organizations, EC2 and Roles Anywhere, and exposes the request log and knobs to tests.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock, ServiceModule, ServiceName, SimContext } from './types.js';
import type { SimRolesAnywhere, SimWorld } from './model.js';
import type { GeneratorOptions } from './generator.js';
import { generateWorld } from './generator.js';
import { CredentialStore } from './credential-store.js';
import type { SimKnobs } from './knobs.js';
import { defaultKnobs } from './knobs.js';
import { RequestLog } from './request-log.js';
import { Throttle } from './throttle.js';
import { createSimHandler } from './server.js';
import { stsService } from './services/sts.js';
import { ec2Service } from './services/ec2.js';
import { organizationsService } from './services/organizations.js';
import { rolesAnywhereService } from './services/rolesanywhere.js';

export interface SimOptions extends Partial<GeneratorOptions> {
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  clock?: Clock;
  random?: () => number;
  knobs?: Partial<SimKnobs>;
  /** A prebuilt world instead of generating one from the options. */
  world?: SimWorld;
  /** The Region printed for clients (AWS_REGION); default us-east-1. */
  region?: string;
  /** How many request-log entries to keep (the most recent); default 100,000. Counts stay exact. */
  logCapacity?: number;
}

export interface RunningSim {
  endpoint: string;
  port: number;
  world: SimWorld;
  log: RequestLog;
  knobs: SimKnobs;
  clock: Clock;
  central: { accessKeyId: string; secretAccessKey: string; region: string };
  rolesAnywhere: SimRolesAnywhere;
  close(): Promise<void>;
}

export const SIM_SERVICES: Record<ServiceName, ServiceModule> = {
  sts: stsService,
  ec2: ec2Service,
  organizations: organizationsService,
  rolesanywhere: rolesAnywhereService,
};

export async function startSim(options: SimOptions = {}): Promise<RunningSim> {
  const {
    host = '127.0.0.1',
    port = 0,
    clock = Date.now,
    random = Math.random,
    knobs: knobOverrides,
    world: given,
    region = 'us-east-1',
    logCapacity,
    ...generatorOptions
  } = options;
  const world = given ?? generateWorld(generatorOptions);
  const credentials = new CredentialStore(clock);
  credentials.addUser(world.centralUser);
  const knobs: SimKnobs = { ...defaultKnobs(), ...knobOverrides };
  const rolesAnywhere: SimRolesAnywhere = { trustAnchors: new Map(), profiles: new Map() };
  const ctx: SimContext = { world, credentials, knobs, clock, random, rolesAnywhere };
  const log = new RequestLog(logCapacity !== undefined ? { capacity: logCapacity } : {});
  const throttle = new Throttle(clock);
  const server = createServer(createSimHandler({ ctx, log, throttle, services: SIM_SERVICES }));
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    endpoint: `http://${hostForUrl}:${address.port}`,
    port: address.port,
    world,
    log,
    knobs,
    clock,
    central: {
      accessKeyId: world.centralUser.accessKeyId,
      secretAccessKey: world.centralUser.secretAccessKey,
      region,
    },
    rolesAnywhere,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type { SimWorld } from './model.js';
export type { SimKnobs, AccountScenario } from './knobs.js';
export type { RequestLog, RequestLogEntry } from './request-log.js';
