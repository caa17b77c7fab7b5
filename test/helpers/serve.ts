// `orgraph serve` (startServer) against a running sim, on 127.0.0.1 port 0, with every log line kept so
// tests can read the request lines and grep them for secrets.
import type { RunningSim } from '../../src/sim/index.js';
import { parseOrgraphConfig } from '../../src/config/orgraph-config.js';
import type { ServerConfigInput } from '../../src/config/server.js';
import type { GraphConfigInput } from '../../src/config/graph.js';
import type { AwsOptions } from '../../src/config/aws.js';
import { createLogger } from '../../src/log.js';
import type { LogLevel } from '../../src/log.js';
import type { RunningServer, StartServerOptions } from '../../src/server/index.js';
import { startServer } from '../../src/server/index.js';
import { useEmulatorEnvironment } from './gateway-env.js';

export interface ServeOptions {
  server?: ServerConfigInput;
  graph?: GraphConfigInput;
  aws?: AwsOptions;
  env?: NodeJS.ProcessEnv;
  host?: string;
  insecureNoAuth?: boolean;
  logLevel?: LogLevel;
  clock?: StartServerOptions['clock'];
}

export interface Served {
  server: RunningServer;
  /** http://127.0.0.1:PORT (without /graphql). */
  base: string;
  /** Every log line written so far (JSON text). */
  logs: string[];
  /** The parsed log lines with msg 'request'. */
  requestLines(): Record<string, unknown>[];
}

export async function serve(sim: RunningSim, options: ServeOptions = {}): Promise<Served> {
  useEmulatorEnvironment(sim.central);
  const logs: string[] = [];
  const config = parseOrgraphConfig({
    credentials: { endpoints: { default: sim.endpoint }, broker: { externalId: sim.world.externalId } },
    graph: { regions: sim.world.regionsInScope, ...options.graph },
    ...(options.aws ? { aws: options.aws } : {}),
    server: { port: 0, ...options.server },
  });
  const server = await startServer({
    config,
    env: { ...process.env, ...options.env },
    logger: createLogger({ level: options.logLevel ?? 'debug', sink: (line) => logs.push(line) }),
    ...(options.host ? { host: options.host } : {}),
    ...(options.insecureNoAuth ? { insecureNoAuth: true } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    server,
    base: `http://127.0.0.1:${server.port}`,
    logs,
    requestLines: () =>
      logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'request'),
  };
}

/** POSTs one GraphQL operation as JSON; returns the status, headers and parsed body. */
export async function postGraphql(
  base: string,
  query: string,
  options: {
    variables?: Record<string, unknown>;
    headers?: Record<string, string>;
    signal?: AbortSignal;
  } = {},
): Promise<{ status: number; headers: Headers; body: GraphqlBody }> {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify({ query, ...(options.variables ? { variables: options.variables } : {}) }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphqlBody };
}

export interface GraphqlBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: unknown[] }[];
}
