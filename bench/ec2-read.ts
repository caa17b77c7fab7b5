// CPU per instance of reading one DescribeInstances page (the sim's XML for 50 instances, as on S2's
// pages) through a whole EC2Client.send — middleware stack included, no network: the SDK as the pool
// made it before (its default NoOpLogger), with the pool's logger without `info`, and with the fast
// reader too. Rounds alternate the three, the first round is a warm-up; medians and min–max per
// variant. `node --import tsx bench/ec2-read.ts`
import { Readable } from 'node:stream';
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { HttpResponse } from '@smithy/protocol-http';
import { generateWorld } from '../src/sim/generator.js';
import { reservationXml, responseEnvelope } from '../src/sim/services/ec2/serialize.js';
import { SDK_CLIENT_LOGGER } from '../src/aws/client-pool.js';
import { installEc2Readers } from '../src/aws/ec2-reader/install.js';

const world = generateWorld({ seed: 21, accounts: 2, regions: ['us-east-1'], instancesPerRegion: 50 });
const acct = world.accounts.find((a) => a.state === 'ACTIVE')!;
const inst = world.regionData(acct.id, 'us-east-1').instances;
const byR = new Map<string, typeof inst>();
for (const i of inst) byR.set(i.reservationId, [...(byR.get(i.reservationId) ?? []), i]);
const body = Buffer.from(
  responseEnvelope(
    'DescribeInstances',
    'r',
    `<reservationSet>${[...byR].map(([id, l]) => reservationXml(id, acct.id, l, () => undefined)).join('')}</reservationSet>`,
  ),
);
function client(variant: string) {
  const c = new EC2Client({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'A', secretAccessKey: 'B' },
    maxAttempts: 1,
    ...(variant !== 'noop' ? { logger: SDK_CLIENT_LOGGER } : {}),
    requestHandler: {
      handle: async () => ({
        response: new HttpResponse({ statusCode: 200, headers: {}, body: Readable.from([body]) }),
      }),
    },
  });
  if (variant === 'fast') installEc2Readers(c);
  return c;
}
/** noop: the SDK's default logger; nolog: SDK_CLIENT_LOGGER; fast: SDK_CLIENT_LOGGER + the fast reader. */
const variants = ['noop', 'nolog', 'fast'];
const clients = Object.fromEntries(variants.map((v) => [v, client(v)]));
const cpu: Record<string, number[]> = { noop: [], nolog: [], fast: [] };
for (let round = 0; round < 8; round++)
  for (const v of variants) {
    const c = clients[v]!;
    const start = process.cpuUsage();
    for (let k = 0; k < 100; k++) await c.send(new DescribeInstancesCommand({}));
    const u = process.cpuUsage(start);
    if (round > 0) cpu[v]!.push((u.user + u.system) / 1000 / 100 / 50);
  }
for (const v of variants) {
  const s = cpu[v]!.sort((a, b) => a - b);
  console.log(
    v,
    'ms/instance median',
    s[Math.floor(s.length / 2)]!.toFixed(4),
    'min',
    s[0]!.toFixed(4),
    'max',
    s[s.length - 1]!.toFixed(4),
  );
}
