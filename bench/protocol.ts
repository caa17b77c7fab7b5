// What the benchmark's processes tell each other: a gateway job (the configuration and the queries to
// run), one line per step it ran and one about the process; and the digest both the gateway's answer
// and the ground truth are reduced to, so every run is checked against the truth.
import { createHash } from 'node:crypto';

export interface GatewayJob {
  /** The orgraph configuration file's content (parsed by the gateway process). */
  config: Record<string, unknown>;
  /** Run in order; `resetSimBefore` (the sim's endpoint) clears its request log before the step. */
  steps: {
    label: string;
    query: string;
    resetSimBefore?: string;
    /**
     * Not the gateway: graphql-js alone executes `query` against this schema (SDL), with default
     * resolvers over the answer of the last gateway step — plain GraphQL execution of the same data.
     */
    plainSchema?: string;
  }[];
  /** Write a V8 heap snapshot into this directory after each gateway step, its answer still held. */
  heapSnapshotDir?: string;
}

export interface StepResult {
  kind: 'step';
  label: string;
  wallMs: number;
  /** User + system CPU of the gateway process during the step. */
  cpuMs: number;
  /** Instances (or accounts) in the answer. */
  items: number;
  digest: string;
  /** Size of the answer as JSON. */
  bytes: number;
  /** Codes of the answer's errors. */
  errors: string[];
  /** Requests the gateway sent to AWS during the step, as its AWS-call observer saw them (gateway runs only). */
  awsCalls?: number;
}

export interface ProcessSummary {
  kind: 'process';
  /** performance.timeOrigin: when the process started (epoch ms). */
  processStartEpochMs: number;
  peakRssMb: number;
}

/** Order-independent digest of item keys ("account|Region|instanceId" or account ids). */
export function digest(keys: readonly string[]): string {
  return createHash('sha256')
    .update([...keys].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
}

/** The job of bench/export-run.ts: one `orgraph query` of a checkout's CLI. */
export interface CliJob {
  /** The checkout whose src/cli/main.ts runs the query. */
  root: string;
  /** The orgraph configuration, written to a file for `--config`. */
  config: Record<string, unknown>;
  configFile: string;
  query: string;
  /** Default ndjson. */
  format?: 'ndjson' | 'json';
}

/**
 * The job of bench/baseline-run.ts: the sim and the role to assume. The central principal comes from
 * the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, as the bench sets it for the gateway),
 * never from the command line, where other processes could read it.
 */
export interface BaselineJob {
  endpoint: string;
  roleName: string;
  externalId: string;
  regions: string[];
}

/** The job of bench/floor-run.ts: S2's calls without orgraph's engine (see there). */
export interface FloorJob extends BaselineJob {
  /** sdk: orgraph's SDK clients; http: DescribeInstances as signed HTTP, without the SDK. */
  variant: 'sdk' | 'http';
}

/** The central principal's keys, from the environment the bench gives its child processes. */
export function centralFromEnv(): { accessKeyId: string; secretAccessKey: string } {
  const accessKeyId = process.env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = process.env['AWS_SECRET_ACCESS_KEY'];
  if (!accessKeyId || !secretAccessKey)
    throw new Error('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set (the sim’s central principal)');
  return { accessKeyId, secretAccessKey };
}

/**
 * Prints a one-step process's lines (bench/baseline-run.ts, bench/floor-run.ts): its step, measured
 * from `start` (performance.now()) and `cpu` (process.cpuUsage()), with the items it read, then the
 * process summary.
 */
export function printOneStep(
  label: string,
  start: number,
  cpu: NodeJS.CpuUsage,
  keys: readonly string[],
): void {
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const step: StepResult = {
    kind: 'step',
    label,
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    items: keys.length,
    digest: digest(keys),
    bytes: 0,
    errors: [],
  };
  const summary: ProcessSummary = {
    kind: 'process',
    processStartEpochMs: performance.timeOrigin,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(JSON.stringify(step) + '\n' + JSON.stringify(summary) + '\n');
}
