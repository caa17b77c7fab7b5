// One gateway process of a benchmark scenario: `node --import tsx bench/gateway-run.ts '<job JSON>'`
// builds the gateway against the sim (the central principal from the environment, as in production),
// runs the job's steps in order and prints one JSON line per step plus a last line with the process's
// peak memory and start time. Each cold run is a fresh process, so nothing is cached between them.
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { buildSchema, graphql } from 'graphql';
import { countAwsCalls } from '../src/aws/call-observer.js';
import { createGateway } from '../src/gateway.js';
import { parseOrgraphConfig } from '../src/config/orgraph-config.js';
import type { GatewayJob, ProcessSummary, StepResult } from './protocol.js';
import { digest } from './protocol.js';

const job = JSON.parse(process.argv[2] ?? '{}') as GatewayJob;
const processStart = performance.timeOrigin;

const calls = countAwsCalls();
/** The answer of the last gateway step: the data a plain step executes over. */
let lastData: unknown;
/** Plain steps' schemas, built before their steps are timed (the gateway's is built at start-up too). */
const plainSchemas = new Map(
  job.steps.flatMap((s) => (s.plainSchema ? [[s.plainSchema, buildSchema(s.plainSchema)] as const] : [])),
);
const gateway = await createGateway(parseOrgraphConfig(job.config), { awsCallObserver: calls.observer });
try {
  for (const [index, step] of job.steps.entries()) {
    if (step.resetSimBefore) await fetch(`${step.resetSimBefore}/__sim/reset`, { method: 'POST' });
    const cpu = process.cpuUsage();
    const callsBefore = calls.total();
    const start = performance.now();
    const result = step.plainSchema
      ? await graphql({
          schema: plainSchemas.get(step.plainSchema)!,
          source: step.query,
          rootValue: lastData,
        })
      : await gateway.execute(step.query);
    const wallMs = performance.now() - start;
    if (!step.plainSchema) lastData = result.data;
    const used = process.cpuUsage(cpu);
    // After the step's figures, so it costs them nothing; `result` is still held (read below).
    if (job.heapSnapshotDir && !step.plainSchema)
      writeHeapSnapshot(join(job.heapSnapshotDir, `${step.label}-${process.pid}-${index}.heapsnapshot`));
    const keys = itemKeys(result.data);
    const line: StepResult = {
      kind: 'step',
      label: step.label,
      wallMs,
      cpuMs: (used.user + used.system) / 1000,
      items: keys.length,
      digest: digest(keys),
      bytes: Buffer.byteLength(JSON.stringify(result)),
      errors: (result.errors ?? []).map((e) => String(e.extensions?.['code'] ?? e.message)),
      awsCalls: calls.total() - callsBefore,
    };
    process.stdout.write(JSON.stringify(line) + '\n');
  }
} finally {
  await gateway.close();
}
const summary: ProcessSummary = {
  kind: 'process',
  processStartEpochMs: processStart,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
};
process.stdout.write(JSON.stringify(summary) + '\n');

/** "account|Region|instanceId" of every instance node, or the account id of every account node. */
function itemKeys(data: unknown): string[] {
  const keys: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (typeof record['instanceId'] === 'string') {
      const account = (record['account'] as { accountId?: string } | undefined)?.accountId ?? '';
      const region = (record['region'] as { name?: string } | undefined)?.name ?? '';
      keys.push(`${account}|${region}|${record['instanceId']}`);
      return;
    }
    if (typeof record['accountId'] === 'string' && !('instances' in record)) {
      keys.push(record['accountId']);
      return;
    }
    for (const child of Object.values(record)) walk(child);
  };
  walk(data);
  return keys;
}
