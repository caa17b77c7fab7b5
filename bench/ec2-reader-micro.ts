// CPU (and GC time) per instance of the fast EC2 reader alone, on one DescribeInstances page of the
// sim's XML for 50 instances (as on S2's pages), without the SDK around it. With `--vs FILE` (another
// reader module exporting readEc2Response, e.g. an older copy of reader.ts), rounds alternate the two in
// one process, so both see the same machine; the first round is a warm-up; medians and min–max.
// Reading in a worker thread, measured by two more lines: `posted`, what the worker adds to reading
// (putting the page's output into a message: V8's structured-clone serializer, as postMessage does),
// and `received`, what it would leave to the main thread (taking the output out of the message).
//   node --import tsx bench/ec2-reader-micro.ts [--vs /tmp/reader-before.ts] [--rounds 15]
import { PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import { generateWorld } from '../src/sim/generator.js';
import { reservationXml, responseEnvelope } from '../src/sim/services/ec2/serialize.js';
import { readEc2Response } from '../src/aws/ec2-reader/reader.js';

const { values } = parseArgs({
  options: { vs: { type: 'string' }, rounds: { type: 'string', default: '15' } },
});
type Read = typeof readEc2Response;

const world = generateWorld({ seed: 21, accounts: 2, regions: ['us-east-1'], instancesPerRegion: 50 });
const acct = world.accounts.find((a) => a.state === 'ACTIVE')!;
const inst = world.regionData(acct.id, 'us-east-1').instances;
const byR = new Map<string, typeof inst>();
for (const i of inst) byR.set(i.reservationId, [...(byR.get(i.reservationId) ?? []), i]);
// Through bytes, as the reader gets it (install.ts decodes the body): one flat string, not the
// concatenation the sim builds.
const page = responseEnvelope(
  'DescribeInstances',
  'r',
  `<reservationSet>${[...byR].map(([id, l]) => reservationXml(id, acct.id, l, () => undefined)).join('')}</reservationSet>`,
);
const bytes = Buffer.from(page);
const body = bytes.toString('utf8');

const readers: Record<string, Read> = { current: readEc2Response };
if (values.vs)
  readers['vs'] = (
    (await import(pathToFileURL(values.vs).href)) as { readEc2Response: Read }
  ).readEc2Response;
for (const [name, read] of Object.entries(readers)) {
  const out = read('DescribeInstances', body, bytes);
  if (!out) throw new Error(`${name} does not read the page`);
}
// The output as a worker would post it, and taken out of the message as the main thread would.
const output = readEc2Response('DescribeInstances', body, bytes);
const message = serialize(output);
if (!isDeepStrictEqual(deserialize(message), readEc2Response('DescribeInstances', body, bytes)))
  throw new Error('the output does not survive a structured clone');
readers['posted'] = () => (serialize(output), output);
readers['received'] = () => deserialize(message) as ReturnType<Read>;
if (
  values.vs &&
  !isDeepStrictEqual(
    readers['current']!('DescribeInstances', body),
    readers['vs']!('DescribeInstances', body),
  )
)
  throw new Error('the two readers disagree');

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

const PAGES = 400;
const INSTANCES = inst.length;
const cpu: Record<string, number[]> = {};
const gc: Record<string, number[]> = {};
const keep: unknown[] = [];
for (let round = 0; round < Number(values.rounds); round++)
  for (const [name, read] of Object.entries(readers)) {
    await new Promise((r) => setTimeout(r, 5)); // lets GC entries of the last round arrive
    const gcBefore = gcMs;
    const start = process.cpuUsage();
    // The outputs are kept for a while, as the gateway keeps a page's instances until it answers.
    for (let k = 0; k < PAGES; k++) keep[k % 40] = read('DescribeInstances', body, bytes);
    const u = process.cpuUsage(start);
    await new Promise((r) => setTimeout(r, 5));
    if (round === 0) continue;
    (cpu[name] ??= []).push((u.user + u.system) / 1000 / PAGES / INSTANCES);
    (gc[name] ??= []).push((gcMs - gcBefore) / PAGES / INSTANCES);
  }
const stat = (s: number[]) => {
  s.sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)]!.toFixed(5)} min ${s[0]!.toFixed(5)} max ${s[s.length - 1]!.toFixed(5)}`;
};
console.log(`page ${Buffer.byteLength(body)} bytes, ${INSTANCES} instances, ${PAGES} pages per round`);
for (const name of Object.keys(readers))
  console.log(`${name.padEnd(8)} cpu ms/instance ${stat(cpu[name]!)} | gc ms/instance ${stat(gc[name]!)}`);
