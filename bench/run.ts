// `npm run bench`: the figures of orgraph's speed claim, re-measurable with one command.
//
// The simulated AWS runs in a process of its own with a latency model (a fixed delay per call); every
// gateway run is a fresh process (cold) unless the scenario is about warm state; every answer is
// checked against the ground truth computed from the same seed; the AWS calls come from the sim's
// request log. For each scenario: median and spread of the wall time, the calls, the lower bound the
// latency model allows (the longer of the critical path and calls × latency ÷ concurrency) and
// wall ÷ bound; for the cold inventory also the baseline (the seeds' sequential script), CPU per
// instance and process start → first AWS call; S4 side by side with graphql-js alone over the same
// answer (the gateway's overhead); S5 both as one JSON answer and streamed by `orgraph query --format
// ndjson`; `floor`: S2's calls without orgraph's engine (bench/floor-run.ts), in the same rounds as S2.
// A table on stdout, JSON under bench/results/.
//
//   npm run bench                      # every scenario at full size
//   npm run bench -- --only S2,S6      # some scenarios
//   npm run bench -- --only S2,floor   # S2 and its floors, each round S2 then the floors
//   npm run bench -- --scale small     # a tenth of the size (quick look); tiny: the smoke test's size
//   npm run bench -- --runs 5 --latency 40
//   npm run bench -- --only sim        # the simulated AWS itself: start-up, one 1,000-instance page
//   npm run bench -- --only load       # orgraph serve under load against a plain Apollo Server
//   npm run bench -- --only S2 --vs ../before   # side by side with another checkout's gateway, same sim
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateWorld } from '../src/sim/generator.js';
import type { BaselineJob, CliJob, FloorJob, ProcessSummary, StepResult } from './protocol.js';
import { digest } from './protocol.js';
import { benchServe } from './serve.js';
import { benchSim } from './sim.js';
import type { Stats } from './stats.js';
import { stats } from './stats.js';

// The SDK's Node-version notice (9 lines per process) is noise in a benchmark's output.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2'];
/** Organizations answers at most 20 accounts a ListAccounts page. */
const ACCOUNTS_PER_PAGE = 20;
/** orgraph's default process-wide limit of AWS calls in flight (aws.concurrency.global). */
const CONCURRENCY = 64;

const SCALES = {
  full: { inventoryAccounts: 200, exportAccounts: 1000, instances: 50, regions: 4 },
  small: { inventoryAccounts: 20, exportAccounts: 100, instances: 50, regions: 4 },
  tiny: { inventoryAccounts: 6, exportAccounts: 8, instances: 5, regions: 2 },
} as const;
type Scale = keyof typeof SCALES;

const USAGE = `usage: npm run bench -- [--only S1,S2,floor,S3,S4,S5,S6,baseline,load,sim] [--scale full|small|tiny]
       [--runs N] [--baseline-runs N] [--latency MS] [--out FILE] [--gateway DIR] [--vs DIR] [--sockets N]
       [--cpu-prof DIR] [--heap-snapshot DIR]`;
const SCENARIOS = ['S1', 'S2', 'floor', 'S3', 'S4', 'S5', 'S6', 'baseline', 'load', 'sim'];

/** A bad command line: what was wrong, the usage, exit 2 (no stack trace). */
function usageError(message: string): never {
  console.error(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

const { values: args } = (() => {
  try {
    return parseOptions();
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
})();
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

function parseOptions() {
  return parseArgs({
    options: {
      help: { type: 'boolean', short: 'h' },
      only: { type: 'string' },
      runs: { type: 'string', default: '3' },
      'baseline-runs': { type: 'string' },
      latency: { type: 'string', default: '40' },
      scale: { type: 'string', default: 'full' },
      out: { type: 'string' },
      /** Run the cold scenarios' gateway from this checkout (default: this one). */
      gateway: { type: 'string' },
      /** Another checkout (its bench/gateway-run.ts and src/): each cold run alternates the two. */
      vs: { type: 'string' },
      /** credentials.pool.maxSockets for the (first) gateway; default the configuration's. */
      sockets: { type: 'string' },
      /** Write a V8 CPU profile of every gateway process into this directory (chrome://inspect). */
      'cpu-prof': { type: 'string' },
      /** Write a V8 heap snapshot of every gateway process after each step, its answer still held. */
      'heap-snapshot': { type: 'string' },
    },
  });
}
if (!(args.scale in SCALES))
  usageError(`--scale must be one of ${Object.keys(SCALES).join(', ')} (got ${args.scale})`);
const scale = SCALES[args.scale as Scale];
const runs = positive(args.runs, '--runs');
const latencyMs = positive(args.latency, '--latency');
const baselineRuns = args['baseline-runs']
  ? positive(args['baseline-runs'], '--baseline-runs')
  : args.scale === 'full'
    ? 1
    : runs;
const only = new Set((args.only ?? SCENARIOS.join(',')).split(',').map((s) => s.trim()));
for (const name of only)
  if (!SCENARIOS.includes(name))
    usageError(`--only: unknown scenario ${JSON.stringify(name)} (one of ${SCENARIOS.join(', ')})`);
const regions = REGIONS.slice(0, scale.regions);
const gatewayRoot = args.gateway ? resolve(args.gateway) : ROOT;
const vsRoot = args.vs ? resolve(args.vs) : undefined;
const sockets = args.sockets ? positive(args.sockets, '--sockets') : undefined;
const cpuProfDir = args['cpu-prof'] ? resolve(args['cpu-prof']) : undefined;
if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
const heapSnapshotDir = args['heap-snapshot'] ? resolve(args['heap-snapshot']) : undefined;
if (heapSnapshotDir) mkdirSync(heapSnapshotDir, { recursive: true });

function positive(text: string | undefined, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) usageError(`${name} must be a whole number ≥ 1 (got ${text})`);
  return n;
}

// ---- the two worlds --------------------------------------------------------------------------------

interface WorldOptions {
  seed: number;
  accounts: number;
  regions: string[];
  instancesPerRegion: number;
}
const inventoryWorld: WorldOptions = {
  seed: 21,
  accounts: scale.inventoryAccounts,
  regions,
  instancesPerRegion: scale.instances,
};
const exportWorld: WorldOptions = { ...inventoryWorld, seed: 22, accounts: scale.exportAccounts };

interface Truth {
  accountKeys: string[];
  instanceKeys: string[];
  activeAccounts: number;
  firstInstance: { accountId: string; region: string; instanceId: string };
}

function truthOf(options: WorldOptions): Truth {
  const world = generateWorld(options);
  const active = world.accounts.filter((a) => a.state === 'ACTIVE');
  const instanceKeys = active.flatMap((a) =>
    regions.flatMap((r) => world.regionData(a.id, r).instances.map((i) => `${a.id}|${r}|${i.instanceId}`)),
  );
  const [accountId = '', region = '', instanceId = ''] = (instanceKeys[0] ?? '').split('|');
  return {
    accountKeys: world.accounts.map((a) => a.id),
    instanceKeys,
    activeAccounts: active.length,
    firstInstance: { accountId, region, instanceId },
  };
}

// ---- processes -------------------------------------------------------------------------------------

interface SimProcess {
  endpoint: string;
  central: { accessKeyId: string; secretAccessKey: string };
  externalId: string;
  roleName: string;
  counters(): Promise<{ counters: Record<string, number>; total: number; peakInFlight: number }>;
  /** The sim process's CPU so far and how often it derived a Region's EC2 data. */
  usage(): Promise<SimUsage>;
  /** When the sim received the first call; `useful`: the first that is not GetCallerIdentity. */
  firstCallTime(useful?: boolean): Promise<number | undefined>;
  reset(): Promise<void>;
  stop(): void;
}

interface SimUsage {
  cpuMs: number;
  regionDataDerivations: number;
}

/**
 * Items of derived EC2 data that hold `world` whole (instances, VPCs, subnets and security groups of
 * every account and Region, with room to spare): the sim shares this machine's cores with the gateway
 * being measured, and a cache smaller than the world would make it derive every Region again on every
 * run — CPU taken from the gateway (at full scale it about doubled the sim's CPU per S2 run).
 */
function regionDataCacheItems(world: WorldOptions): number {
  return world.accounts * world.regions.length * (world.instancesPerRegion + 64);
}

async function startSimProcess(world: WorldOptions): Promise<SimProcess> {
  const latency = { fixedMs: latencyMs, jitterMs: 0 };
  const options = {
    ...world,
    regionDataCacheItems: regionDataCacheItems(world),
    knobs: { latency: { ec2: latency, sts: latency, organizations: latency } },
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/sim-server.ts', JSON.stringify(options)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      const newline = text.indexOf('\n');
      if (newline >= 0) resolve(text.slice(0, newline));
    });
    child.on('close', (code) => reject(new Error(`the sim process exited with ${code}`)));
  });
  const info = JSON.parse(first) as Pick<SimProcess, 'endpoint' | 'central' | 'externalId' | 'roleName'>;
  const admin = (path: string, init?: RequestInit) => fetch(`${info.endpoint}/__sim/${path}`, init);
  return {
    ...info,
    counters: async () =>
      (await (await admin('counters')).json()) as Awaited<ReturnType<SimProcess['counters']>>,
    usage: async () => {
      const body = (await (await admin('process')).json()) as {
        cpuMs: number;
        regionData: { regionDataDerivations: number };
      };
      return { cpuMs: body.cpuMs, regionDataDerivations: body.regionData.regionDataDerivations };
    },
    firstCallTime: async (useful = false) => {
      const entries = (await (await admin('log')).json()) as { time: number; operation: string }[];
      const times = entries.filter((e) => !useful || e.operation !== 'GetCallerIdentity').map((e) => e.time);
      return times.length ? Math.min(...times) : undefined;
    },
    reset: async () => {
      await admin('reset', { method: 'POST' });
    },
    stop: () => child.kill('SIGTERM'),
  };
}

/** Runs a bench child process and returns its JSON lines. */
async function runChild(
  script: string,
  job: unknown,
  env: NodeJS.ProcessEnv,
  cwd = ROOT,
  measured = true,
): Promise<{ steps: StepResult[]; summary: ProcessSummary }> {
  // An untimed process (a warm-up) is not profiled: every profile is of a measured run.
  const profile = cpuProfDir && measured ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : [];
  const asked =
    heapSnapshotDir && script === 'bench/gateway-run.ts' ? { ...(job as object), heapSnapshotDir } : job;
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', script, JSON.stringify(asked)], {
    cwd,
    // As deployed (and as `orgraph` runs by default): graphql-js skips its development-only checks.
    env: { NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`${script} exited with ${code}: ${err.slice(-2000)}`);
  const lines = out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as StepResult | ProcessSummary);
  const summary = lines.find((l): l is ProcessSummary => l.kind === 'process');
  if (!summary) throw new Error(`${script} printed no summary: ${out.slice(-500)}`);
  return { steps: lines.filter((l): l is StepResult => l.kind === 'step'), summary };
}

function gatewayEnv(sim: SimProcess): NodeJS.ProcessEnv {
  // This process's environment without its AWS settings (a clock moved with libfaketime, for one,
  // must reach the gateway as it reaches the sim), then the sim's central principal.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  return {
    ...env,
    AWS_ACCESS_KEY_ID: sim.central.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sim.central.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/**
 * This checkout's gateway: `--sockets`, and the account list's work started page by page (an export
 * with its budget raised above the organization is what graph.limits.checkAwsCalls is for). The other
 * checkout of `--vs` gets `{}`: the configuration's defaults, in a shape every version accepts.
 */
const THIS_GATEWAY = { maxSockets: sockets, checkAwsCalls: 'as-accounts-arrive' };

function gatewayConfig(
  sim: SimProcess,
  extra: {
    graph?: Record<string, unknown>;
    maxSockets?: number | undefined;
    checkAwsCalls?: string;
  } = THIS_GATEWAY,
) {
  return {
    credentials: {
      endpoints: { default: sim.endpoint },
      broker: { externalId: sim.externalId },
      ...(extra.maxSockets !== undefined ? { pool: { maxSockets: extra.maxSockets } } : {}),
    },
    // An organization-wide inventory is the point here: the query budgets are raised above it.
    graph: {
      regions,
      limits: {
        maxAwsCalls: 1_000_000,
        maxResponseItems: 10_000_000,
        ...(extra.checkAwsCalls !== undefined ? { checkAwsCalls: extra.checkAwsCalls } : {}),
      },
      ...extra.graph,
    },
  };
}

// ---- scenarios -------------------------------------------------------------------------------------

const INVENTORY = `instances { totalCount nodes { instanceId state instanceType vpcId account { accountId } region { name } } }`;
const ACCOUNTS = `accounts { totalCount nodes { accountId name state } }`;

interface Row {
  scenario: string;
  what: string;
  runs: number;
  wall: Stats;
  /** AWS calls per run, by service:Operation. */
  calls: Record<string, number>;
  callsTotal: number;
  boundMs?: number;
  wallOverBound?: number;
  cpuMsPerItem?: number;
  /** CPU per item of the fastest and the slowest run (cold scenarios). */
  cpuMsPerItemSpread?: { min: number; max: number };
  peakRssMb?: number;
  bytesPerItem?: number;
  startToFirstCallMs?: Stats;
  /** From the CLI's start to its first call that is not the central check (S6 CLI). */
  startToFirstUsefulCallMs?: Stats;
  /** How much later than the first call (the central check) the first other call came, per run. */
  checkDelayMs?: Stats;
  /**
   * The sim process's CPU per run (it shares the machine's cores with the gateway) and the Regions
   * whose EC2 data it derived per run (median); cold scenarios.
   */
  sim?: { cpuMs: Stats; derivations: number };
  /** Every run's answer equals the ground truth. */
  exact: boolean;
  items: number;
  errors: string[];
}

const rows: Row[] = [];

function perRun(counters: Record<string, number>, n: number): Record<string, number> {
  return Object.fromEntries(Object.entries(counters).map(([k, v]) => [k, Math.round((v / n) * 10) / 10]));
}

function bound(criticalCalls: number, totalCalls: number): number {
  return Math.max(criticalCalls * latencyMs, (totalCalls * latencyMs) / CONCURRENCY);
}

async function coldRuns(
  sim: SimProcess,
  scenario: string,
  what: string,
  query: string,
  expected: string[],
  boundOf: (calls: number) => number,
  options: {
    config?: ReturnType<typeof gatewayConfig>;
    /** Default --runs. */
    runs?: number;
    /** Default true; false: only `floors` run (the scenario's gateway sides are left out). */
    gateway?: boolean;
    /** Processes that join every round after the gateway sides (the floors under S2). */
    floors?: ColdSide[];
  } = {},
): Promise<Row[]> {
  const config = options.config ?? gatewayConfig(sim);
  const n = options.runs ?? runs;
  const gateway = options.gateway ?? true;
  // With --vs, each run is a pair (this gateway, then the other checkout's) on the same sim, so a
  // drift of the machine's speed touches both sides alike; the floors join each round.
  const gatewaySide = (label: string, root: string, sideConfig: unknown): ColdSide => ({
    label,
    root,
    script: 'bench/gateway-run.ts',
    job: { config: sideConfig, steps: [{ label, query }] },
  });
  const sides = [
    ...(gateway ? [gatewaySide(scenario, gatewayRoot, config)] : []),
    // The other checkout with the configuration's defaults (no --sockets).
    ...(gateway && vsRoot ? [gatewaySide(`${scenario} vs`, vsRoot, gatewayConfig(sim, {}))] : []),
    ...(options.floors ?? []),
  ].map((side) => ({
    ...side,
    walls: [] as number[],
    firsts: [] as number[],
    cpu: [] as number[],
    simCpu: [] as number[],
    derivations: [] as number[],
    exact: true,
    items: 0,
    peakRssMb: 0,
    bytes: 0,
    errors: new Set<string>(),
    counters: {} as Record<string, number>,
    total: 0,
  }));
  for (let i = 0; i < n; i++) {
    for (const side of sides) {
      await sim.reset();
      const simBefore = await sim.usage();
      const { steps, summary } = await runChild(side.script, side.job, gatewayEnv(sim), side.root);
      const simAfter = await sim.usage();
      side.simCpu.push(simAfter.cpuMs - simBefore.cpuMs);
      side.derivations.push(simAfter.regionDataDerivations - simBefore.regionDataDerivations);
      const step = steps[0]!;
      side.walls.push(step.wallMs);
      side.cpu.push(step.cpuMs);
      side.exact &&= step.digest === digest(expected) && step.items === expected.length;
      side.items = step.items;
      side.bytes = step.bytes;
      step.errors.forEach((e) => side.errors.add(e));
      side.peakRssMb = Math.max(side.peakRssMb, summary.peakRssMb);
      if (expected.length < 50_000) {
        const first = await sim.firstCallTime();
        if (first !== undefined) side.firsts.push(first - summary.processStartEpochMs);
      }
      // The counters cover each side's last run only (reset before each).
      ({ counters: side.counters, total: side.total } = await sim.counters());
    }
  }
  return sides.map((side) => {
    const boundMs = boundOf(side.total);
    const wall = stats(side.walls);
    return {
      scenario: side.label,
      what: side.what ?? (side.root === ROOT ? what : `${what} [gateway of ${side.root}]`),
      runs: n,
      wall,
      calls: side.counters,
      callsTotal: side.total,
      boundMs,
      wallOverBound: wall.median / boundMs,
      cpuMsPerItem: stats(side.cpu).median / Math.max(1, side.items),
      cpuMsPerItemSpread: {
        min: stats(side.cpu).min / Math.max(1, side.items),
        max: stats(side.cpu).max / Math.max(1, side.items),
      },
      peakRssMb: side.peakRssMb,
      bytesPerItem: side.bytes / Math.max(1, side.items),
      ...(side.firsts.length ? { startToFirstCallMs: stats(side.firsts) } : {}),
      sim: { cpuMs: stats(side.simCpu), derivations: stats(side.derivations).median },
      exact: side.exact,
      items: side.items,
      errors: [...side.errors],
    };
  });
}

/**
 * S2's calls without orgraph's engine (bench/floor-run.ts): through the SDK clients as orgraph makes
 * them, and with DescribeInstances as plain signed HTTP. Measured in the same rounds as S2.
 */
function floorSides(sim: SimProcess): ColdSide[] {
  const job = (variant: FloorJob['variant']): FloorJob => ({ variant, ...baselineJob(sim) });
  return [
    {
      label: 'floor SDK',
      root: ROOT,
      script: 'bench/floor-run.ts',
      job: job('sdk'),
      what: "S2's calls through orgraph's SDK clients, 64 in flight, no GraphQL or engine",
    },
    {
      label: 'floor HTTP',
      root: ROOT,
      script: 'bench/floor-run.ts',
      job: job('http'),
      what: 'the same, DescribeInstances as signed HTTP read by the fast reader (no SDK middleware)',
    },
  ];
}

/** The sim and the role of the baseline (and the floors); the central principal goes by environment. */
function baselineJob(sim: SimProcess): BaselineJob {
  return { endpoint: sim.endpoint, roleName: sim.roleName, externalId: sim.externalId, regions };
}

/** One process of a cold run: a gateway (bench/gateway-run.ts) or a floor (bench/floor-run.ts). */
interface ColdSide {
  label: string;
  /** The checkout the process runs in. */
  root: string;
  script: string;
  job: unknown;
  /** The row's description when not the scenario's. */
  what?: string;
}

/**
 * One process: a warm-up step, then `runs` measured steps of `query`; the gateway process resets the
 * sim's request log after the warm-up, so the counters hold the measured steps' calls only.
 */
async function warmRuns(
  sim: SimProcess,
  scenario: string,
  what: string,
  warmup: string,
  query: string,
  expected: string[],
  boundMs: number | undefined,
  plainSchema?: string,
): Promise<Row[]> {
  await sim.reset();
  const plain = `${scenario} plain`;
  const steps = [
    { label: 'warm-up', query: warmup },
    ...Array.from({ length: runs }, (_, i) => [
      { label: scenario, query, ...(i === 0 ? { resetSimBefore: sim.endpoint } : {}) },
      // Side by side, each run a pair: graphql-js alone over the same answer.
      ...(plainSchema ? [{ label: plain, query, plainSchema }] : []),
    ]).flat(),
  ];
  const { steps: results, summary } = await runChild(
    'bench/gateway-run.ts',
    { config: gatewayConfig(sim), steps },
    gatewayEnv(sim),
  );
  const measured = results.filter((s) => s.label === scenario);
  const plainRuns = results.filter((s) => s.label === plain);
  const wall = stats(measured.map((s) => s.wallMs));
  const { counters, total } = await sim.counters();
  const row = {
    scenario,
    what,
    runs,
    wall,
    calls: perRun(counters, runs),
    callsTotal: total / runs,
    ...(boundMs !== undefined ? { boundMs, wallOverBound: wall.median / boundMs } : {}),
    cpuMsPerItem: stats(measured.map((s) => s.cpuMs)).median / Math.max(1, measured[0]?.items ?? 1),
    peakRssMb: summary.peakRssMb,
    exact: measured.every((s) => s.digest === digest(expected) && s.items === expected.length),
    items: measured[0]?.items ?? 0,
    errors: [...new Set(measured.flatMap((s) => s.errors))],
  };
  if (plainRuns.length === 0) return [row];
  return [
    row,
    {
      scenario: plain,
      what: `graphql-js alone, default resolvers over the same answer (the gateway's overhead: ${scenario} ÷ this)`,
      runs: plainRuns.length,
      wall: stats(plainRuns.map((s) => s.wallMs)),
      calls: {},
      callsTotal: 0,
      cpuMsPerItem: stats(plainRuns.map((s) => s.cpuMs)).median / Math.max(1, plainRuns[0]?.items ?? 1),
      exact: plainRuns.every((s) => s.digest === digest(expected) && s.items === expected.length),
      items: plainRuns[0]?.items ?? 0,
      errors: [...new Set(plainRuns.flatMap((s) => s.errors))],
    },
  ];
}

/** What bench/export-run.ts says of its `orgraph query` on its last stderr line. */
interface CliSummary {
  status: number;
  /** The CLI's start, epoch ms (the sim's log times are epoch ms). */
  startEpochMs: number;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
}

/**
 * Runs `orgraph query` of `side.root` in a fresh process (bench/export-run.ts), its configuration
 * written into `dir`; stdout to `onStdout`.
 */
async function cliProcess(
  sim: SimProcess,
  side: { root: string; config: Record<string, unknown> },
  run: { dir: string; query: string; format?: CliJob['format'] },
  onStdout: (chunk: Buffer) => void,
): Promise<CliSummary> {
  const job: CliJob = {
    root: side.root,
    config: side.config,
    configFile: join(run.dir, 'orgraph.json'),
    query: run.query,
    ...(run.format ? { format: run.format } : {}),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/export-run.ts', JSON.stringify(job)], {
    cwd: ROOT,
    env: { NODE_ENV: 'production', ...gatewayEnv(sim) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stdout.on('data', onStdout);
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  const summaryLine = err.trim().split('\n').pop() ?? '';
  if (code !== 0 || !summaryLine.startsWith('{'))
    throw new Error(`bench/export-run.ts (${job.root}) exited with ${code}: ${err.slice(-2000)}`);
  return JSON.parse(summaryLine) as CliSummary;
}

/** The streamed export's rows: one per instance, keyed as the ground truth is. */
const EXPORT_QUERY = `{ instances { nodes { instanceId account { accountId } region { name } } } }`;

/**
 * S5 streamed: `orgraph query --format ndjson` (bench/export-run.ts) of this checkout and, with --vs,
 * of the other, one run each on the same sim; the rows are checked against the ground truth.
 */
async function streamedExports(
  sim: SimProcess,
  expected: string[],
  boundOf: (calls: number) => number,
): Promise<Row[]> {
  const sides = [
    { label: 'S5 streamed', root: gatewayRoot, config: gatewayConfig(sim) },
    ...(vsRoot ? [{ label: 'S5 streamed vs', root: vsRoot, config: gatewayConfig(sim, {}) }] : []),
  ];
  const dir = mkdtempSync(join(tmpdir(), 'orgraph-bench-export-'));
  const rowsOut: Row[] = [];
  try {
    for (const side of sides) {
      await sim.reset();
      const keys: string[] = [];
      let partial = '';
      let bytes = 0;
      const summary = await cliProcess(sim, side, { dir, query: EXPORT_QUERY }, (d) => {
        bytes += d.length;
        const lines = (partial + d.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (!line) continue;
          const row = JSON.parse(line) as Record<string, string>;
          keys.push(`${row['account.accountId']}|${row['region.name']}|${row['instanceId']}`);
        }
      });
      const { counters, total } = await sim.counters();
      const boundMs = boundOf(total);
      rowsOut.push({
        scenario: side.label,
        what: `NDJSON export (orgraph query --format ndjson), ${exportWorld.accounts} accounts × ${regions.length} Regions × ${scale.instances} instances${side.root === gatewayRoot ? '' : ` [CLI of ${side.root}]`}`,
        runs: 1,
        wall: stats([summary.wallMs]),
        calls: counters,
        callsTotal: total,
        boundMs,
        wallOverBound: summary.wallMs / boundMs,
        cpuMsPerItem: summary.cpuMs / Math.max(1, keys.length),
        peakRssMb: summary.peakRssMb,
        bytesPerItem: bytes / Math.max(1, keys.length),
        exact: summary.status === 0 && keys.length === expected.length && digest(keys) === digest(expected),
        items: keys.length,
        errors: summary.status === 0 ? [] : [`exit status ${summary.status}`],
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rowsOut;
}

/**
 * S6 CLI: a one-shot `orgraph query` (bench/export-run.ts, JSON) as a user runs it, a fresh process
 * each run, this checkout's and with --vs the other's: the CLI's wall, and from its start to its first
 * AWS call other than the central check (which no longer delays it).
 */
async function oneShotCli(
  sim: SimProcess,
  scenario: string,
  what: string,
  query: string,
  expected: string[],
  boundOf: (calls: number) => number,
): Promise<Row[]> {
  // With --vs, each run is a pair (this CLI, then the other checkout's), as the cold runs are.
  const sides = [
    { label: scenario, root: gatewayRoot, config: gatewayConfig(sim) },
    ...(vsRoot ? [{ label: `${scenario} vs`, root: vsRoot, config: gatewayConfig(sim, {}) }] : []),
  ].map((side) => ({
    ...side,
    walls: [] as number[],
    firsts: [] as number[],
    useful: [] as number[],
    delays: [] as number[],
    exact: true,
    peakRssMb: 0,
    counters: {} as Record<string, number>,
    total: 0,
  }));
  const dir = mkdtempSync(join(tmpdir(), 'orgraph-bench-cli-'));
  try {
    for (let run = 0; run < runs; run++) {
      for (const side of sides) {
        await sim.reset();
        let stdout = '';
        const summary = await cliProcess(
          sim,
          side,
          { dir, query, format: 'json' },
          (d) => (stdout += d.toString()),
        );
        const data = (JSON.parse(stdout) as { data?: unknown }).data;
        const instance = (
          data as { account?: { region?: { instance?: Record<string, unknown> } } } | undefined
        )?.account?.region?.instance;
        const keys = instance
          ? [
              `${(instance['account'] as { accountId: string }).accountId}|${(instance['region'] as { name: string }).name}|${String(instance['instanceId'])}`,
            ]
          : [];
        side.exact &&= summary.status === 0 && digest(keys) === digest(expected);
        side.walls.push(summary.wallMs);
        side.peakRssMb = Math.max(side.peakRssMb, summary.peakRssMb);
        const first = await sim.firstCallTime();
        const firstUseful = await sim.firstCallTime(true);
        if (first !== undefined) side.firsts.push(first - summary.startEpochMs);
        if (firstUseful !== undefined) side.useful.push(firstUseful - summary.startEpochMs);
        if (first !== undefined && firstUseful !== undefined) side.delays.push(firstUseful - first);
        ({ counters: side.counters, total: side.total } = await sim.counters());
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return sides.map((side) => {
    const boundMs = boundOf(side.total);
    const wall = stats(side.walls);
    return {
      scenario: side.label,
      what: side.root === gatewayRoot ? what : `${what} [CLI of ${side.root}]`,
      runs,
      wall,
      calls: side.counters,
      callsTotal: side.total,
      boundMs,
      wallOverBound: wall.median / boundMs,
      peakRssMb: side.peakRssMb,
      ...(side.firsts.length ? { startToFirstCallMs: stats(side.firsts) } : {}),
      ...(side.useful.length ? { startToFirstUsefulCallMs: stats(side.useful) } : {}),
      ...(side.delays.length ? { checkDelayMs: stats(side.delays) } : {}),
      exact: side.exact,
      items: expected.length,
      errors: side.exact ? [] : ['answer differs from the ground truth'],
    };
  });
}

/** The part of orgraph's schema the inventory query selects, as plain types for graphql-js alone. */
const INVENTORY_PLAIN_SCHEMA = `
  type Query { instances: InstanceConnection }
  type InstanceConnection { totalCount: Int nodes: [Instance!]! }
  type Instance { instanceId: String! state: String instanceType: String vpcId: String account: Account! region: Region! }
  type Account { accountId: String! }
  type Region { name: String! }
`;

async function main(): Promise<void> {
  const started = Date.now();
  console.log(
    `orgraph bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, latency ${latencyMs} ms per AWS call, scale ${args.scale}, ${runs} runs`,
  );
  const inventory = truthOf(inventoryWorld);
  const pages = (n: number) => Math.ceil(n / ACCOUNTS_PER_PAGE);

  if (['S1', 'S5'].some((s) => only.has(s))) {
    const exportTruth = truthOf(exportWorld);
    const sim = await startSimProcess(exportWorld);
    try {
      if (only.has('S1'))
        rows.push(
          ...(await coldRuns(
            sim,
            'S1',
            `accounts only, ${exportWorld.accounts} accounts`,
            `{ ${ACCOUNTS} }`,
            exportTruth.accountKeys,
            () => pages(exportWorld.accounts) * latencyMs,
          )),
        );
      if (only.has('S5'))
        rows.push(
          ...(await coldRuns(
            sim,
            'S5',
            `JSON export, ${exportWorld.accounts} accounts × ${regions.length} Regions × ${scale.instances} instances`,
            `{ ${INVENTORY} }`,
            exportTruth.instanceKeys,
            (calls) => bound(pages(exportWorld.accounts) + 2, calls),
            { runs: 1 },
          )),
        );
      if (only.has('S5'))
        rows.push(
          ...(await streamedExports(sim, exportTruth.instanceKeys, (calls) =>
            bound(pages(exportWorld.accounts) + 2, calls),
          )),
        );
    } finally {
      sim.stop();
    }
  }

  const sim = await startSimProcess(inventoryWorld);
  try {
    const inventoryBound = (calls: number) => bound(pages(inventoryWorld.accounts) + 2, calls);
    const label = `${inventoryWorld.accounts} accounts × ${regions.length} Regions × ${scale.instances} instances`;
    if (only.has('S2') || only.has('floor')) {
      // The sim derives a Region's EC2 data on its first read: one untimed pass over the world first,
      // so that no side of the first round pays for it.
      await runChild(
        'bench/floor-run.ts',
        { variant: 'http', ...baselineJob(sim) },
        gatewayEnv(sim),
        ROOT,
        false,
      );
      rows.push(
        ...(await coldRuns(
          sim,
          'S2',
          `cold inventory, ${label}`,
          `{ ${INVENTORY} }`,
          inventory.instanceKeys,
          inventoryBound,
          { gateway: only.has('S2'), floors: only.has('floor') ? floorSides(sim) : [] },
        )),
      );
    }
    if (only.has('S3')) {
      const targets = inventory.activeAccounts * regions.length;
      rows.push(
        ...(await warmRuns(
          sim,
          'S3',
          `sessions warm, response cache bypassed (@fresh), ${label}`,
          `{ ${INVENTORY} }`,
          `query Q @fresh { ${INVENTORY} }`,
          inventory.instanceKeys,
          bound(pages(inventoryWorld.accounts) + 1, pages(inventoryWorld.accounts) + targets),
        )),
      );
    }
    if (only.has('S4'))
      rows.push(
        ...(await warmRuns(
          sim,
          'S4',
          `within the cache TTL, ${label}`,
          `{ ${INVENTORY} }`,
          `{ ${INVENTORY} }`,
          inventory.instanceKeys,
          undefined,
          INVENTORY_PLAIN_SCHEMA,
        )),
      );
    if (only.has('S6')) {
      const { accountId, region, instanceId } = inventory.firstInstance;
      rows.push(
        ...(await coldRuns(
          sim,
          'S6',
          `one instance by id (account → region → instance)`,
          `{ account(id: "${accountId}") { region(name: "${region}") { instance(id: "${instanceId}") { instanceId state account { accountId } region { name } } } } }`,
          [`${accountId}|${region}|${instanceId}`],
          () => 2 * latencyMs,
        )),
        ...(await oneShotCli(
          sim,
          'S6 CLI',
          `one instance by id, \`orgraph query\` as a fresh process (its wall from the CLI's start)`,
          `{ account(id: "${accountId}") { region(name: "${region}") { instance(id: "${instanceId}") { instanceId account { accountId } region { name } } } } }`,
          [`${accountId}|${region}|${instanceId}`],
          () => 2 * latencyMs,
        )),
      );
    }
    if (only.has('baseline')) {
      const walls: number[] = [];
      let exact = true;
      let cpu = 0;
      for (let i = 0; i < baselineRuns; i++) {
        await sim.reset();
        const { steps } = await runChild('bench/baseline-run.ts', baselineJob(sim), gatewayEnv(sim));
        walls.push(steps[0]!.wallMs);
        cpu = steps[0]!.cpuMs;
        exact &&= steps[0]!.digest === digest(inventory.instanceKeys);
      }
      const { counters, total } = await sim.counters();
      const boundMs = inventoryBound(total);
      const wall = stats(walls);
      rows.push({
        scenario: 'baseline',
        what: `the seeds' sequential script, ${label}`,
        runs: baselineRuns,
        wall,
        calls: counters,
        callsTotal: total,
        boundMs,
        wallOverBound: wall.median / boundMs,
        cpuMsPerItem: cpu / inventory.instanceKeys.length,
        exact,
        items: inventory.instanceKeys.length,
        errors: [],
      });
    }
  } finally {
    sim.stop();
  }

  printTable();
  if (only.has('load')) {
    console.log('\norgraph serve under load (autocannon):');
    for (const line of await benchServe()) console.log(`  ${line}`);
  }
  if (only.has('sim')) {
    console.log('\nsimulated AWS (in this process):');
    for (const line of await benchSim()) console.log(`  ${line}`);
  }
  const file =
    args.out ?? `bench/results/${new Date(started).toISOString().replace(/[:.]/g, '-')}-${args.scale}.json`;
  const path = resolve(ROOT, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(
    path,
    JSON.stringify(
      { node: process.version, cpus: cpus().length, latencyMs, scale: args.scale, runs, rows },
      null,
      2,
    ),
  );
  console.log(`\nJSON: ${file}`);
  if (rows.some((r) => !r.exact)) {
    console.error('some answers differ from the ground truth (column "exact")');
    process.exitCode = 1;
  }
}

function ms(value: number | undefined): string {
  if (value === undefined) return '–';
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value >= 100 ? 0 : 1)} ms`;
}

function printTable(): void {
  const baseline = rows.find((r) => r.scenario === 'baseline');
  const header = [
    'scenario',
    'median',
    'min–max',
    'AWS calls/run',
    'bound',
    'wall÷bound',
    'vs baseline',
    'CPU/item',
    'peak RSS',
    'exact',
  ];
  const table = rows.map((r) => [
    r.scenario,
    ms(r.wall.median),
    `${ms(r.wall.min)}–${ms(r.wall.max)}`,
    String(Math.round(r.callsTotal * 10) / 10),
    ms(r.boundMs),
    r.wallOverBound === undefined ? '–' : `${r.wallOverBound.toFixed(1)}×`,
    baseline && (r.scenario === 'S2' || r.scenario.startsWith('floor'))
      ? `${(baseline.wall.median / r.wall.median).toFixed(1)}× faster`
      : '–',
    r.cpuMsPerItem === undefined
      ? '–'
      : `${r.cpuMsPerItem.toFixed(3)} ms` +
        (r.cpuMsPerItemSpread && r.runs > 1
          ? ` (${r.cpuMsPerItemSpread.min.toFixed(3)}–${r.cpuMsPerItemSpread.max.toFixed(3)})`
          : ''),
    r.peakRssMb === undefined ? '–' : `${r.peakRssMb.toFixed(0)} MB`,
    r.exact ? `yes (${r.items})` : `NO (${r.items})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  console.log('\n' + line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const row of table) console.log(line(row));
  console.log('');
  for (const r of rows) {
    console.log(`${r.scenario}: ${r.what}`);
    console.log(
      `    calls ${JSON.stringify(r.calls)}${r.errors.length ? `; errors ${r.errors.join(', ')}` : ''}`,
    );
    if (r.startToFirstCallMs)
      console.log(
        `    ${r.startToFirstUsefulCallMs ? 'CLI start' : 'process start'} → first AWS call: median ${ms(r.startToFirstCallMs.median)}${r.startToFirstUsefulCallMs ? `; → first call other than the central check: median ${ms(r.startToFirstUsefulCallMs.median)}` : ''}${r.checkDelayMs ? ` (${ms(r.checkDelayMs.median)} after the first, ${ms(r.checkDelayMs.min)}–${ms(r.checkDelayMs.max)})` : ''}`,
      );
    if (r.sim)
      console.log(
        `    CPU per run (medians): the ${r.scenario.startsWith('floor') ? 'floor' : 'gateway'} ${ms((r.cpuMsPerItem ?? 0) * r.items)}, the sim's own process ${ms(r.sim.cpuMs.median)} (${ms(r.sim.cpuMs.min)}–${ms(r.sim.cpuMs.max)}; ${r.sim.derivations} Regions' EC2 data derived) — together ${((((r.cpuMsPerItem ?? 0) * r.items + r.sim.cpuMs.median) / (r.wall.median * cpus().length)) * 100).toFixed(0)}% of the machine's ${cpus().length} cores over the wall time`,
      );
    if (r.bytesPerItem && r.scenario.startsWith('S5'))
      console.log(
        `    ${r.bytesPerItem.toFixed(0)} bytes of ${r.scenario.startsWith('S5 streamed') ? 'NDJSON' : 'JSON'} per instance`,
      );
  }
}

await main();
