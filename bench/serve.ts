// Load on `orgraph serve`: autocannon against POST /graphql with a cached organization-wide query
// (every answer from the process-wide response cache: no AWS call), side by side in the same run with
// a plain Apollo Server (standalone) answering the same JSON, precomputed. Both run in this process;
// the sim (in this process too) is idle once the cache is warm. The ratio is the cost of orgraph's
// HTTP door, auth, metrics, logs and resolvers over the bare GraphQL server.
// BENCH_SERVE_SECONDS shortens the runs (default 30 s each) for a smoke run.
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import autocannon from 'autocannon';
import { startSim } from '../src/sim/index.js';
import { parseOrgraphConfig } from '../src/config/orgraph-config.js';
import { createLogger } from '../src/log.js';
import { startServer } from '../src/server/index.js';

const CONNECTIONS = 50;
const ACCOUNTS = 20;
const REGIONS = ['us-east-1', 'eu-west-1'];
const INSTANCES = 10;
const QUERY = `{ instances { totalCount nodes { instanceId instanceType state privateIpAddress account { accountId } region { name } } } }`;
const TOKEN = 'bench-token-not-a-secret';

interface Load {
  requests: number;
  errors: number;
  non2xx: number;
  p50: number;
  p99: number;
  rps: number;
}

async function load(
  url: string,
  body: string,
  headers: Record<string, string>,
  seconds: number,
): Promise<Load> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
  };
}

function line(name: string, l: Load): string {
  return `  ${name.padEnd(28)} ${String(l.requests).padStart(7)} requests  ${l.rps.toFixed(0).padStart(6)} req/s  p50 ${l.p50} ms  p99 ${l.p99} ms  errors ${l.errors}  non-2xx ${l.non2xx}`;
}

export async function benchServe(): Promise<string[]> {
  const seconds = Number(process.env['BENCH_SERVE_SECONDS'] ?? 30);
  const sim = await startSim({
    seed: 7,
    accounts: ACCOUNTS,
    regions: REGIONS,
    instancesPerRegion: INSTANCES,
  });
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: sim.central.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sim.central.secretAccessKey,
    AWS_REGION: 'us-east-1',
  });
  const config = parseOrgraphConfig({
    credentials: { endpoints: { default: sim.endpoint }, broker: { externalId: sim.world.externalId } },
    aws: { cache: { ttlSeconds: 3600 } },
    graph: { regions: REGIONS },
    server: { port: 0 },
  });
  const server = await startServer({
    config,
    env: { ...process.env, ORGRAPH_TOKEN: TOKEN },
    logger: createLogger({ level: 'warn' }),
  });
  const plain = new ApolloServer({
    typeDefs: 'scalar JSON\ntype Query { instances: JSON }',
    resolvers: { Query: { instances: () => answer['instances'] } },
  });
  let answer: Record<string, unknown> = {};
  try {
    const body = JSON.stringify({ query: QUERY });
    const warm = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body,
    });
    answer = ((await warm.json()) as { data: Record<string, unknown> }).data;
    sim.log.reset();
    const { url: plainUrl } = await startStandaloneServer(plain, { listen: { port: 0, host: '127.0.0.1' } });

    const orgraph = await load(server.url, body, { authorization: `Bearer ${TOKEN}` }, seconds);
    const awsCalls = sim.log.total;
    const bare = await load(plainUrl, JSON.stringify({ query: '{ instances }' }), {}, seconds);
    const items = (answer['instances'] as { totalCount: number }).totalCount;
    return [
      `cached query (${items} instances, ${ACCOUNTS} accounts × ${REGIONS.length} Regions), ${CONNECTIONS} connections × ${seconds} s each:`,
      line('orgraph serve', orgraph),
      line('plain Apollo, precomputed', bare),
      `  orgraph throughput: ${((orgraph.rps / bare.rps) * 100).toFixed(0)} % of the plain server's; AWS calls during the load: ${awsCalls}`,
    ];
  } finally {
    await plain.stop();
    await server.close(0);
    await sim.close();
  }
}
