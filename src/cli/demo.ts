// `orgraph demo`: the main job on the embedded simulated AWS. It starts a simulated organization (one
// account whose read role is missing, one Region disabled in another account), serves the gateway
// against it (`orgraph serve` on 127.0.0.1), runs the questions a CMDB asks through it, printing each
// answer and the AWS calls it cost, then prints the GraphiQL line and serves until Ctrl-C.
import { startSim } from '../sim/index.js';
import type { RunningSim } from '../sim/index.js';
import type { QueryResult } from '../gateway.js';
import { parseOrgraphConfig } from '../config/orgraph-config.js';
import { createLogger } from '../log.js';
import type { RunningServer } from '../server/index.js';
import { startServer } from '../server/index.js';
import { CliUsageError } from './errors.js';
import { parseFlags } from './parse-flags.js';
import { graphiqlLine, serveUntilSignal } from './serve.js';

const HELP = `usage: orgraph demo [--accounts N] [--seed N] [--port 4000]

Starts the simulated AWS with a demo organization, serves orgraph's GraphQL gateway against it on
127.0.0.1, prints the answers to a few CMDB questions with the AWS calls each one made, then the
GraphiQL address; serves until Ctrl-C. (--port 0 picks a free port.)

Examples:
  $ orgraph demo
  $ orgraph demo --accounts 40 --seed 7 --port 0`;

interface DemoQuery {
  title: string;
  query: string;
  print(result: QueryResult): string[];
}

type Row = Record<string, unknown>;

function table(rows: Row[], columns: string[], limit = 8): string[] {
  const cells = rows.slice(0, limit).map((r) => columns.map((c) => String(r[c] ?? '—')));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) => '    ' + values.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  const out = [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
  if (rows.length > limit) out.push(`    … and ${rows.length - limit} more`);
  return out;
}

function at(value: unknown, ...path: string[]): unknown {
  let v = value;
  for (const key of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

const QUERIES: DemoQuery[] = [
  {
    title: 'Every account of the organization (Organizations only: no role is assumed, no EC2 call)',
    query: '{ organization { accounts { totalCount nodes { accountId name state joinedMethod } } } }',
    print: (r) => [
      `  ${String(at(r.data, 'organization', 'accounts', 'totalCount'))} accounts`,
      ...table((at(r.data, 'organization', 'accounts', 'nodes') as Row[]) ?? [], [
        'accountId',
        'name',
        'state',
        'joinedMethod',
      ]),
    ],
  },
  {
    title: 'Running production instances in every account and Region (filters pushed down to EC2)',
    query: `{ instances(where: { states: [RUNNING], tags: [{ key: "env", values: ["prod"] }] }) {
        totalCount
        nodes { instanceId name instanceType privateIpAddress account { name } region { name } }
        failures { code accountId region message }
      } }`,
    print: (r) => {
      const nodes = ((at(r.data, 'instances', 'nodes') as Row[]) ?? []).map((n) => ({
        ...n,
        account: at(n, 'account', 'name'),
        region: at(n, 'region', 'name'),
      }));
      const failures = (at(r.data, 'instances', 'failures') as Row[]) ?? [];
      return [
        `  ${nodes.length} instances; ${failures.length} parts could not be read (listed, not fatal):`,
        ...table(nodes, ['instanceId', 'name', 'instanceType', 'privateIpAddress', 'account', 'region']),
        ...failures.map(
          (f) =>
            `    ✗ ${String(f['code'])} ${String(f['accountId'])} ${String(f['region'] ?? '')}: ${String(f['message'])}`,
        ),
      ];
    },
  },
  {
    title: 'Networks of the management account in us-east-1 (subnets batched per VPC list, one call each)',
    query: `query ($id: String!) { account(id: $id) { name region(name: "us-east-1") {
        vpcs { nodes { vpcId cidrBlock isDefault name subnets { nodes { subnetId availabilityZone cidrBlock } } } }
      } } }`,
    print: (r) => {
      const vpcs = (at(r.data, 'account', 'region', 'vpcs', 'nodes') as Row[]) ?? [];
      return vpcs.flatMap((v) => [
        `  ${String(v['vpcId'])} ${String(v['cidrBlock'])}${v['isDefault'] ? ' (default)' : ''} ${String(v['name'] ?? '')}`,
        ...((at(v, 'subnets', 'nodes') as Row[]) ?? []).map(
          (s) =>
            `      ${String(s['subnetId'])}  ${String(s['availabilityZone'])}  ${String(s['cidrBlock'])}`,
        ),
      ]);
    },
  },
];

function callSummary(sim: RunningSim): string {
  const counters = sim.log.counters();
  const parts = Object.entries(counters).map(([op, n]) => `${op} ×${n}`);
  return parts.length ? parts.join(', ') : 'none (answered from cache)';
}

/** The active member accounts the demo breaks: one without its role, one with a Region disabled. */
export function demoVictims(sim: RunningSim): [string, string] {
  const mgmt = sim.world.organization.managementAccountId;
  const active = sim.world.accounts.filter((a) => a.state === 'ACTIVE' && a.id !== mgmt).map((a) => a.id);
  if (active.length < 2) throw new Error('the demo organization needs two active member accounts');
  return [active[0]!, active[1]!];
}

export async function runDemo(argv: string[]): Promise<number> {
  const { values } = parseFlags('demo', argv, {
    help: { type: 'boolean', short: 'h' },
    accounts: { type: 'string' },
    seed: { type: 'string' },
    port: { type: 'string' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const accounts = values.accounts === undefined ? 12 : Number(values.accounts);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(accounts) || accounts < 4 || accounts > 500)
    throw new CliUsageError(`--accounts must be a whole number from 4 to 500, got '${values.accounts}'`);
  if (!Number.isInteger(seed) || seed < 0)
    throw new CliUsageError(`--seed must be a whole number >= 0, got '${values.seed}'`);
  const port = values.port === undefined ? 4000 : Number(values.port);
  if (!/^\d+$/.test(values.port ?? '4000') || port > 65_535)
    throw new CliUsageError(`--port must be a whole number from 0 to 65535, got '${values.port}'`);

  const regions = ['us-east-1', 'eu-west-1'];
  const sim = await startSim({ seed, accounts, regions, instancesPerRegion: 12 });
  let server: RunningServer | undefined;
  try {
    // Two active member accounts to break (at least 4 accounts are required above, and the generator
    // makes inactive ones only from 6 accounts on).
    const [broken, partlyDisabled] = demoVictims(sim);
    sim.knobs.scenarios.set(broken, { roleMissing: true });
    sim.knobs.scenarios.set(partlyDisabled, { disabledRegions: ['eu-west-1'] });

    // The demo process talks only to the sim: its credentials come from the default chain's environment.
    for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: sim.central.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sim.central.secretAccessKey,
      AWS_REGION: sim.central.region,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    const config = parseOrgraphConfig({
      credentials: { endpoints: { default: sim.endpoint }, broker: { externalId: sim.world.externalId } },
      graph: { regions },
      server: { port },
    });
    try {
      // Errors only: the demo's output is for people, and its broken account warns on purpose.
      server = await startServer({ config, logger: createLogger({ level: 'error' }) });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
        throw new CliUsageError(`port ${port} is in use: pass --port N (0 picks a free port)`);
      throw err;
    }
    const gateway = server.gateway;
    console.log(`orgraph demo — a simulated organization of ${accounts} accounts at ${sim.endpoint}`);
    console.log(
      `(account ${broken} has no ${sim.world.readRoleName}; eu-west-1 is not enabled in account ${partlyDisabled})`,
    );
    let variables: Record<string, unknown> = {};
    for (const [i, q] of QUERIES.entries()) {
      sim.log.reset();
      if (i === 2) variables = { id: sim.world.organization.managementAccountId };
      const result = await gateway.execute(q.query, variables);
      console.log(`\n${i + 1}. ${q.title}`);
      console.log(`   ${q.query.replace(/\s+/g, ' ')}`);
      for (const line of q.print(result)) console.log(line);
      console.log(`  AWS calls: ${callSummary(sim)}`);
      const errors = result.errors ?? [];
      if (errors.length)
        console.log(
          `  errors[]: ${errors.length} (${[...new Set(errors.map((e) => String(e.extensions?.['code'])))].join(', ')})`,
        );
    }
    console.log('\nExplore the same organization in your browser (Ctrl-C stops the demo):');
    console.log(graphiqlLine(server.url));
    await serveUntilSignal(server);
    return 0;
  } finally {
    await server?.close();
    await sim.close();
  }
}
