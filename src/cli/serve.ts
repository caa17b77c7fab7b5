// `orgraph serve`: the gateway as a long-lived HTTP server (src/server/). Prints the GraphiQL line
// once it listens, serves until SIGTERM or SIGINT, then shuts down gracefully and exits 0.
import type { LogLevel } from '../log.js';
import { LOG_LEVELS, createLogger } from '../log.js';
import type { RunningServer } from '../server/index.js';
import { ServeRefusedError, startServer } from '../server/index.js';
import { CliUsageError } from './errors.js';
import { loadConfigForCli } from './load-config.js';
import { parseFlags } from './parse-flags.js';

const HELP = `usage: orgraph serve [--config FILE] [--host 127.0.0.1] [--port 4000] [--insecure-no-auth]
                     [--federation] [--log-level debug|info|warn|error]

Serves the GraphQL gateway over HTTP: POST /graphql (JSON) and GET /graphql?query=…, GraphiQL for
browsers at GET /graphql, /healthz, /readyz and /metrics. Logs are JSON lines on stderr.

  -c, --config FILE   orgraph configuration (JSON: credentials, aws, graph, server); default ORGRAPH_CONFIG
  --host HOST         listen address (default server.host, 127.0.0.1)
  --port PORT         listen port (default server.port, 4000; 0 picks a free one)
  --insecure-no-auth  allow a non-loopback address without any bearer token
  --federation        serve an Apollo Federation 2 subgraph (as graph.federation.enabled)
  --log-level LEVEL   default info; debug adds one line per AWS call

Tokens: set ORGRAPH_TOKEN (or server.auth.tokenEnv) and/or list SHA-256 hashes in
server.auth.tokenSha256. SIGTERM or SIGINT stops the server gracefully (exit 0).

Examples:
  $ ORGRAPH_TOKEN=… orgraph serve --config orgraph.json
  $ orgraph serve --config orgraph.json --host 10.0.0.5 --port 8080   # needs a token (ORGRAPH_TOKEN or server.auth)
  $ orgraph serve --config orgraph.json --federation                  # an Apollo Federation 2 subgraph`;

/** The line people and scripts look for. */
export function graphiqlLine(url: string): string {
  return `orgraph: GraphiQL at ${url}`;
}

/** Resolves once SIGTERM or SIGINT arrived and the server has shut down. */
export function serveUntilSignal(server: RunningServer): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      process.stderr.write(`orgraph: ${signal}: shutting down\n`);
      server.close().then(resolve, reject);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

export async function runServe(argv: string[]): Promise<number> {
  const { values } = parseFlags('serve', argv, {
    help: { type: 'boolean', short: 'h' },
    config: { type: 'string', short: 'c' },
    host: { type: 'string' },
    port: { type: 'string' },
    'insecure-no-auth': { type: 'boolean' },
    federation: { type: 'boolean' },
    'log-level': { type: 'string' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65_535)
      throw new CliUsageError(`--port must be a whole number from 0 to 65535, got '${values.port}'`);
  }
  if (values.host !== undefined && values.host.trim() === '')
    throw new CliUsageError('--host must be a host name or an IP address, got an empty string');
  const level = values['log-level'] ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    throw new CliUsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${level}'`);
  // --config, else ORGRAPH_CONFIG (as for every command), else the defaults.
  let config = await loadConfigForCli(values.config ?? (process.env['ORGRAPH_CONFIG'] || undefined));
  if (values.federation) config = { ...config, graph: { ...config.graph, federation: { enabled: true } } };
  let server: RunningServer;
  try {
    server = await startServer({
      config,
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(values['insecure-no-auth'] ? { insecureNoAuth: true } : {}),
      logger: createLogger({ level: level as LogLevel }),
    });
  } catch (err) {
    if (err instanceof ServeRefusedError) throw new CliUsageError(err.message);
    throw err;
  }
  console.log(graphiqlLine(server.url));
  await serveUntilSignal(server);
  return 0;
}
