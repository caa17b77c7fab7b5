// Benchmarks of the gateway against the sim with network-like latency: the organization-wide
// "every instance" query, side by side with the hand-written script orgraph replaces (accounts walked
// one by one, one AssumeRole per account, every page followed), all measured in one run. The sim runs
// in its own process (`orgraph sim`), so on a 2-core machine it does not take the gateway's CPU.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { EC2Client, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createGateway } from '../src/gateway.js';
import { parseOrgraphConfig } from '../src/config/orgraph-config.js';
import { fmt, median, timeRuns } from './stats.js';

const ACCOUNTS = 60;
const REGIONS = ['us-east-1', 'eu-west-1'];
const INSTANCES = 50;
const RUNS = 3;

const QUERY = `query Q @fresh { instances { totalCount nodes { instanceId instanceType state privateIpAddress account { accountId } region { name } } } }`;
const CACHED_QUERY = QUERY.replace(' @fresh', '');

interface SimProcess {
  endpoint: string;
  central: { accessKeyId: string; secretAccessKey: string };
  child: ChildProcess;
  /** Calls per 'service:Operation' and the peak in flight since the last reset (admin path). */
  counters(): Promise<{ counters: Record<string, number>; peakInFlight: number; total: number }>;
  reset(): Promise<void>;
}

const ROLE = 'CMDBReadRole';
const EXTERNAL_ID = 'orgraph-demo';

async function startSimProcess(args: string[]): Promise<SimProcess> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const script =
    "import { main } from './src/cli/main.ts'; process.exitCode = await main(process.argv.slice(1));";
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script, 'sim', ...args],
    { cwd: root },
  );
  const out = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('AWS_DEFAULT_REGION')) resolve(text);
    });
    child.on('close', (code) => reject(new Error(`orgraph sim exited with ${code}`)));
  });
  const env = Object.fromEntries([...out.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
  const endpoint = env['AWS_ENDPOINT_URL']!;
  return {
    endpoint,
    central: { accessKeyId: env['AWS_ACCESS_KEY_ID']!, secretAccessKey: env['AWS_SECRET_ACCESS_KEY']! },
    child,
    counters: async () =>
      (await (await fetch(`${endpoint}/__sim/counters`)).json()) as Awaited<
        ReturnType<SimProcess['counters']>
      >,
    reset: async () => {
      await fetch(`${endpoint}/__sim/reset`, { method: 'POST' });
    },
  };
}

/** The script orgraph replaces: sequential, one AssumeRole per account, pages followed. */
async function handWrittenScript(sim: SimProcess): Promise<number> {
  const central = { accessKeyId: sim.central.accessKeyId, secretAccessKey: sim.central.secretAccessKey };
  const org = new OrganizationsClient({ endpoint: sim.endpoint, region: 'us-east-1', credentials: central });
  const sts = new STSClient({ endpoint: sim.endpoint, region: 'us-east-1', credentials: central });
  let count = 0;
  for await (const page of paginateListAccounts({ client: org }, {})) {
    for (const account of page.Accounts ?? []) {
      // A careful script skips suspended and closing accounts (AWS refuses AssumeRole there).
      if ((account.State ?? account.Status) !== 'ACTIVE') continue;
      const out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${account.Id}:role/${ROLE}`,
          RoleSessionName: 'script',
          ExternalId: EXTERNAL_ID,
        }),
      );
      const c = out.Credentials!;
      for (const region of REGIONS) {
        const ec2 = new EC2Client({
          endpoint: sim.endpoint,
          region,
          credentials: {
            accessKeyId: c.AccessKeyId!,
            secretAccessKey: c.SecretAccessKey!,
            sessionToken: c.SessionToken!,
          },
        });
        for await (const p of paginateDescribeInstances({ client: ec2, pageSize: 1000 }, {})) {
          for (const r of p.Reservations ?? []) count += r.Instances?.length ?? 0;
        }
        ec2.destroy();
      }
    }
  }
  org.destroy();
  sts.destroy();
  return count;
}

export async function benchGateway(): Promise<string[]> {
  const lines: string[] = [];
  const sim = await startSimProcess([
    ...[
      '--seed',
      '9',
      '--accounts',
      String(ACCOUNTS),
      '--regions',
      REGIONS.join(','),
      '--instances-per-region',
      String(INSTANCES),
    ],
    ...['--latency', 'ec2=20+10', '--latency', 'sts=30+10', '--latency', 'organizations=30+10'],
  ]);
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: sim.central.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sim.central.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const gateway = await createGateway(
    parseOrgraphConfig({
      credentials: { endpoints: { default: sim.endpoint }, broker: { externalId: EXTERNAL_ID } },
      graph: { regions: REGIONS },
    }),
  );
  try {
    lines.push(
      `organization-wide instances: ${ACCOUNTS} accounts (the active ones are read) × ${REGIONS.length} Regions × ${INSTANCES} instances; sim latency EC2 20+10 ms, STS/Organizations 30+10 ms`,
    );

    let scriptCount = 0;
    await sim.reset();
    const script = await timeRuns(RUNS, async () => {
      scriptCount = await handWrittenScript(sim);
    });
    const scriptCalls = (await sim.counters()).total / RUNS;

    const counts: number[] = [];
    await sim.reset();
    const cold = await timeRuns(1, async () => counts.push(await countOf(gateway.execute(QUERY))));
    const { counters: coldCalls, peakInFlight: coldPeak } = await sim.counters();
    await sim.reset();
    const warm = await timeRuns(RUNS, async () => counts.push(await countOf(gateway.execute(QUERY))));
    const { counters: warmCalls } = await sim.counters();
    await sim.reset();
    const cached = await timeRuns(RUNS, async () =>
      counts.push(await countOf(gateway.execute(CACHED_QUERY))),
    );
    const cachedCalls = (await sim.counters()).total;

    const m = median(script);
    const expected = scriptCount;
    lines.push(
      `  hand-written sequential script: median ${fmt(m)} (${scriptCalls} AWS calls per run, ${scriptCount} instances)`,
    );
    lines.push(
      `  orgraph, cold (no session, no cache): ${fmt(cold[0]!)} — ${(m / cold[0]!).toFixed(1)}× faster; calls ${JSON.stringify(coldCalls)}, peak in flight ${coldPeak}`,
    );
    lines.push(
      `  orgraph, sessions cached, @fresh data: median ${fmt(median(warm))} — ${(m / median(warm)).toFixed(1)}× faster; calls per run ${JSON.stringify(Object.fromEntries(Object.entries(warmCalls).map(([k, v]) => [k, v / RUNS])))}`,
    );
    lines.push(
      `  orgraph, response cache hit: median ${fmt(median(cached))} (${cachedCalls} AWS calls) — the GraphQL cost of ${expected} instances`,
    );
    lines.push(
      `  every orgraph answer had ${[...new Set(counts)].join('/')} instances (expected ${expected})`,
    );
    lines.push(`  heap used after: ${(process.memoryUsage().heapUsed / 1024 / 1024).toFixed(0)} MiB`);
  } finally {
    await gateway.close();
    sim.child.kill('SIGTERM');
  }
  return lines;
}

async function countOf(result: Promise<{ data?: Record<string, unknown> | null }>): Promise<number> {
  const data = (await result).data as
    { instances?: { totalCount?: number; nodes?: unknown[] } } | null | undefined;
  return data?.instances?.nodes?.length ?? -1;
}
