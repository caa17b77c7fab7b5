// CPU and wall time of making the pool's EC2 clients — 776 of distinct accounts over 4 Regions, as on
// S2 — and sending one DescribeInstances each through a fake handler (an empty page, no network):
// with the SDK's shared config resolved once per Region (the pool's default) and once per client (as
// before). Rounds alternate the two, each with a fresh pool; the first round is a warm-up.
//   node --import tsx bench/client-pool-config.ts
import { Readable } from 'node:stream';
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpResponse } from '@smithy/protocol-http';
import { ClientPool } from '../src/aws/client-pool.js';

const CLIENTS = 776;
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2'];
const body = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><reservationSet/></DescribeInstancesResponse>',
);
const handler = {
  handle: async () => ({
    response: new HttpResponse({ statusCode: 200, headers: {}, body: Readable.from([body]) }),
  }),
  destroy: () => undefined,
  updateHttpClientConfig: () => undefined,
  httpHandlerConfigs: () => ({}),
} as unknown as NodeHttpHandler;
const credentials = async () => ({ accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' });

async function round(shareSdkConfig: boolean): Promise<{ cpu: number; wall: number }> {
  const pool = new ClientPool({
    broker: { providerFor: () => credentials },
    centralCredentials: credentials,
    httpHandler: handler,
    maxAttempts: 1, // as the data layer makes it
    env: {},
    shareSdkConfig,
  });
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, (_, k) =>
      pool
        .ec2(String(100000000000 + Math.floor(k / REGIONS.length)), REGIONS[k % REGIONS.length]!)
        .send(new DescribeInstancesCommand({})),
    ),
  );
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / 1000, wall };
}

const results: Record<string, { cpu: number[]; wall: number[] }> = {
  shared: { cpu: [], wall: [] },
  'per client': { cpu: [], wall: [] },
};
for (let r = 0; r < 7; r++)
  for (const share of [true, false]) {
    const { cpu, wall } = await round(share);
    if (r === 0) continue;
    const into = results[share ? 'shared' : 'per client']!;
    into.cpu.push(cpu);
    into.wall.push(wall);
  }
const median = (s: number[]) => [...s].sort((a, b) => a - b)[Math.floor(s.length / 2)]!.toFixed(0);
for (const [name, { cpu, wall }] of Object.entries(results))
  console.log(
    `${name.padEnd(10)} ${CLIENTS} clients + 1 send each: cpu median ${median(cpu)} ms, wall median ${median(wall)} ms`,
  );
