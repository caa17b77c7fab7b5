// Differential test of the fast EC2 reader on the simulated AWS's real answers: several generated
// organizations (seeds), every page of DescribeInstances / DescribeVpcs / DescribeSubnets with small
// pages (NextToken present, then absent), filtered and out-of-scope answers (empty pages), each body
// replayed into the SDK's deserializer and into the reader; the reader must take its fast path on
// every one of them and agree with the SDK on every field of the projection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import type { EC2Client, Filter } from '@aws-sdk/client-ec2';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { createSharedHttpHandler } from '../../src/aws/client-pool.js';
import { reservationXml, responseEnvelope, subnetXml, vpcXml } from '../../src/sim/services/ec2/serialize.js';
import type { ReadOperation } from '../../src/aws/ec2-reader/projection.js';
import { simAwsStack } from '../helpers/aws-stack.js';
import type { SimAwsStack } from '../helpers/aws-stack.js';
import type { CapturedAnswer } from './ec2-reader-harness.js';
import { capturingHandler, compareBothWays, valuesAt } from './ec2-reader-harness.js';

const SEEDS = [3, 11, 21];
const REGIONS = ['us-east-1', 'eu-west-1'];
const captured: CapturedAnswer[] = [];
const sims: RunningSim[] = [];
const stacks: SimAwsStack[] = [];

async function allPages(
  send: (token: string | undefined) => Promise<{ NextToken?: string | undefined }>,
): Promise<void> {
  let token: string | undefined;
  do token = (await send(token)).NextToken || undefined;
  while (token);
}

async function capture(client: EC2Client, maxResults: number, filters?: Filter[]): Promise<void> {
  const f = filters ? { Filters: filters } : {};
  await allPages((t) =>
    client.send(new DescribeInstancesCommand({ MaxResults: maxResults, NextToken: t, ...f })),
  );
  await allPages((t) => client.send(new DescribeVpcsCommand({ MaxResults: maxResults, NextToken: t })));
  await allPages((t) => client.send(new DescribeSubnetsCommand({ MaxResults: maxResults, NextToken: t })));
  await allPages((t) =>
    client.send(new DescribeSecurityGroupsCommand({ MaxResults: maxResults, NextToken: t })),
  );
}

beforeAll(async () => {
  for (const seed of SEEDS) {
    const sim = await startSim({ seed, accounts: 4, regions: REGIONS, instancesPerRegion: 40 });
    sims.push(sim);
    // The SDK's own deserializer while capturing: the bodies are what the wire carried.
    const stack = simAwsStack(sim, {
      httpHandler: capturingHandler(createSharedHttpHandler({ maxSockets: 8 }), captured),
      pool: { fastEc2Readers: false },
    });
    stacks.push(stack);
    for (const account of sim.world.accounts.filter((a) => a.state === 'ACTIVE').slice(0, 3)) {
      for (const region of REGIONS) {
        const client = stack.pool.ec2(account.id, region);
        await capture(client, 5);
        await capture(client, 1000);
        await capture(client, 1000, [{ Name: 'instance-state-name', Values: ['stopped'] }]);
        await capture(client, 1000, [{ Name: 'tag:Name', Values: ['no-such-name'] }]); // empty
      }
      await capture(stack.pool.ec2(account.id, 'ap-south-1'), 1000); // out of scope: empty
    }
  }
}, 120_000);

afterAll(async () => {
  for (const stack of stacks) stack.close();
  for (const sim of sims) await sim.close();
});

describe('fast EC2 reader against the SDK on the sim’s answers', () => {
  it('captured a corpus that covers what the reader must get right', () => {
    const ok = (op: string) => captured.filter((c) => c.operation === op && c.status === 200);
    const instances = ok('DescribeInstances');
    expect(instances.length).toBeGreaterThan(100);
    expect(ok('DescribeVpcs').length).toBeGreaterThan(20);
    expect(ok('DescribeSubnets').length).toBeGreaterThan(20);
    expect(ok('DescribeSecurityGroups').length).toBeGreaterThan(20);
    const bodies = instances.map((c) => c.body);
    expect(bodies.some((b) => b.includes('<nextToken>'))).toBe(true);
    expect(bodies.some((b) => !b.includes('<nextToken>'))).toBe(true);
    expect(bodies.some((b) => !b.includes('<instancesSet>'))).toBe(true); // an empty page
  });

  it('reads the sim’s serialization of tags with every escape, unicode, empty and blank values', async () => {
    const world = sims[0]!.world;
    const account = world.accounts.find((a) => a.state === 'ACTIVE')!;
    const data = world.regionData(account.id, REGIONS[0]!);
    const tags = [
      { key: 'Name', value: 'a & b <c> "d" \'e\'' },
      { key: '<&>"\'', value: 'café — 日本語 😀' },
      { key: 'empty', value: '' },
      { key: 'blank', value: '   ' },
      { key: 'multi-line', value: 'one\ntwo\r\nthree' },
      { key: 'entity-looking', value: '&amp; &#65; &lt;' },
    ];
    const instances = data.instances.slice(0, 6).map((i, k) => ({ ...i, tags: tags.slice(0, k + 1) }));
    const byReservation = new Map<string, typeof instances>();
    for (const i of instances)
      byReservation.set(i.reservationId, [...(byReservation.get(i.reservationId) ?? []), i]);
    const reservations = [...byReservation].map(([id, list]) =>
      reservationXml(id, account.id, list, () => undefined),
    );
    const answer = (action: string, inner: string) => ({
      status: 200,
      headers: { 'x-amzn-requestid': 'req-escapes' },
      body: responseEnvelope(action, 'req-escapes', inner),
    });
    const paths = [
      await compareBothWays(
        'DescribeInstances',
        answer('DescribeInstances', `<reservationSet>${reservations.join('')}</reservationSet>`),
      ),
      await compareBothWays(
        'DescribeVpcs',
        answer('DescribeVpcs', `<vpcSet>${data.vpcs.map((v) => vpcXml({ ...v, tags })).join('')}</vpcSet>`),
      ),
      await compareBothWays(
        'DescribeSubnets',
        answer(
          'DescribeSubnets',
          `<subnetSet>${data.subnets.map((n) => subnetXml({ ...n, tags })).join('')}</subnetSet>`,
        ),
      ),
    ].map((c) => c.path);
    expect(paths).toEqual(['fast', 'fast', 'fast']);
  });

  for (const operation of [
    'DescribeInstances',
    'DescribeVpcs',
    'DescribeSubnets',
    'DescribeSecurityGroups',
  ] as ReadOperation[]) {
    it(`reads every ${operation} answer on its fast path, equal to the SDK on the projection`, async () => {
      const answers = captured.filter((c) => c.operation === operation && c.status === 200);
      const outputs: unknown[] = [];
      for (const answer of answers) {
        const { path, sdk } = await compareBothWays(operation, answer);
        expect(path, answer.body.slice(0, 300)).toBe('fast');
        if ('ok' in sdk) outputs.push(sdk.ok);
      }
      if (operation !== 'DescribeInstances') return;
      // The corpus exercised the fields whose reading differs most: every state, both IP cases,
      // several reservations on one page, tags with an entity, timestamps.
      const instances = outputs.flatMap((o) => valuesAt(o, ['Reservations', 'Instances']));
      const states = new Set(instances.map((i) => (i as { State?: { Name?: string } }).State?.Name));
      expect([...states].sort()).toEqual(
        ['pending', 'running', 'shutting-down', 'stopped', 'stopping', 'terminated'].sort(),
      );
      const publicIps = instances.map((i) => (i as { PublicIpAddress?: string }).PublicIpAddress);
      expect(publicIps.some((ip) => ip === undefined)).toBe(true);
      expect(publicIps.some((ip) => ip !== undefined)).toBe(true);
      expect(outputs.some((o) => valuesAt(o, ['Reservations']).length > 1)).toBe(true);
      expect(instances.every((i) => (i as { LaunchTime?: unknown }).LaunchTime instanceof Date)).toBe(true);
    });
  }
});
