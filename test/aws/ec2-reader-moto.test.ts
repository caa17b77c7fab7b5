// Differential test of the fast EC2 reader on moto's answers (an emulator whose XML we did not write):
// instances in the default VPC (public IPs) and in a VPC of our own (none), running, stopped and
// terminated, tagged with escapes, quotes, unicode and empty values; every answer (moto ignores
// MaxResults for DescribeInstances: NextToken is covered by the sim's answers) replayed into the SDK's deserializer and into the reader, which must take its
// fast path and agree on every projected field. Skipped where moto is missing; required in CI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RunInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { createSharedHttpHandler } from '../../src/aws/client-pool.js';
import type { ReadOperation } from '../../src/aws/ec2-reader/projection.js';
import { motoAvailable, requireMotoOrSkip, startMoto } from '../helpers/moto.js';
import type { RunningMoto } from '../helpers/moto.js';
import type { CapturedAnswer } from './ec2-reader-harness.js';
import { capturingHandler, compareBothWays, valuesAt } from './ec2-reader-harness.js';

requireMotoOrSkip('fast EC2 reader against moto');

const CREDENTIALS = { accessKeyId: 'AKIAMOTOTESTKEY00000', secretAccessKey: 'moto-test-secret-key-000' };
const TAGS = [
  { Key: 'Name', Value: 'a & b <c> "d" \'e\'' },
  { Key: 'unicode', Value: 'café — 日本語 😀' },
  { Key: 'empty', Value: '' },
  { Key: '<&>"\'', Value: 'entity-looking &amp; &#65;' },
];

let moto: RunningMoto | undefined;
const captured: CapturedAnswer[] = [];
const handler = createSharedHttpHandler({ maxSockets: 4 });

async function seed(region: string, client: EC2Client): Promise<void> {
  const images = await client.send(new DescribeImagesCommand({}));
  const imageId = images.Images?.[0]?.ImageId;
  if (!imageId) throw new Error('moto offered no AMI');
  const inDefault = await client.send(
    new RunInstancesCommand({ ImageId: imageId, MinCount: 4, MaxCount: 4, InstanceType: 't3.micro' }),
  );
  const vpc = await client.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }));
  await client.send(new CreateTagsCommand({ Resources: [vpc.Vpc!.VpcId!], Tags: TAGS }));
  const subnet = await client.send(
    new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: '10.30.1.0/24' }),
  );
  await client.send(new CreateTagsCommand({ Resources: [subnet.Subnet!.SubnetId!], Tags: TAGS }));
  const inVpc = await client.send(
    new RunInstancesCommand({
      ImageId: imageId,
      MinCount: 3,
      MaxCount: 3,
      InstanceType: 'm5.large',
      SubnetId: subnet.Subnet!.SubnetId!,
      KeyName: region === 'us-east-1' ? undefined : 'deploy',
      TagSpecifications: [{ ResourceType: 'instance', Tags: TAGS }],
    }),
  );
  const ids = [...(inDefault.Instances ?? []), ...(inVpc.Instances ?? [])].map((i) => i.InstanceId!);
  await client.send(new StopInstancesCommand({ InstanceIds: [ids[0]!, ids[4]!] }));
  await client.send(new TerminateInstancesCommand({ InstanceIds: [ids[1]!] }));
}

beforeAll(async () => {
  if (!motoAvailable) return;
  moto = await startMoto();
  for (const region of ['us-east-1', 'eu-west-1']) {
    const client = new EC2Client({
      endpoint: moto.endpoint,
      region,
      credentials: CREDENTIALS,
      maxAttempts: 1,
      requestHandler: capturingHandler(handler, captured),
    });
    await seed(region, client);
    for (const maxResults of [5, 1000]) {
      let token: string | undefined;
      do {
        const out = await client.send(
          new DescribeInstancesCommand({ MaxResults: maxResults, NextToken: token }),
        );
        token = out.NextToken || undefined;
      } while (token);
    }
    await client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: ['none'] }] }));
    await client.send(new DescribeVpcsCommand({}));
    await client.send(new DescribeSubnetsCommand({}));
    client.destroy();
  }
}, 120_000);

afterAll(() => {
  moto?.stop();
  handler.destroy();
});

describe.skipIf(!motoAvailable)('fast EC2 reader against the SDK on moto’s answers', () => {
  for (const operation of ['DescribeInstances', 'DescribeVpcs', 'DescribeSubnets'] as ReadOperation[]) {
    it(`reads every ${operation} answer on its fast path, equal to the SDK on the projection`, async () => {
      const answers = captured.filter((c) => c.operation === operation && c.status === 200);
      expect(answers.length).toBeGreaterThan(operation === 'DescribeInstances' ? 4 : 1);
      const outputs: unknown[] = [];
      for (const answer of answers) {
        const { path, sdk } = await compareBothWays(operation, answer);
        expect(path, answer.body.slice(0, 300)).toBe('fast');
        if ('ok' in sdk) outputs.push(sdk.ok);
      }
      const list: Partial<Record<ReadOperation, string[]>> = {
        DescribeInstances: ['Reservations', 'Instances'],
        DescribeVpcs: ['Vpcs'],
        DescribeSubnets: ['Subnets'],
      };
      const tagValues = outputs.flatMap((o) => valuesAt(o, [...(list[operation] ?? []), 'Tags', 'Value']));
      expect(tagValues).toEqual(expect.arrayContaining(TAGS.map((t) => t.Value)));
      if (operation !== 'DescribeInstances') return;
      const instances = outputs.flatMap((o) => valuesAt(o, ['Reservations', 'Instances'])) as {
        State?: { Name?: string };
        PublicIpAddress?: string;
      }[];
      const states = new Set(instances.map((i) => i.State?.Name));
      for (const state of ['running', 'stopped', 'terminated']) expect(states).toContain(state);
      expect(instances.some((i) => i.PublicIpAddress === undefined)).toBe(true);
      expect(instances.some((i) => i.PublicIpAddress !== undefined)).toBe(true);
    });
  }
});
