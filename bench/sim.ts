// Benchmarks of the simulated AWS: start-up of a large organization and a full 1,000-instance
// DescribeInstances page (sim serialization + SDK parsing), medians of repeated runs.
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { generateWorld } from '../src/sim/generator.js';
import { startSim } from '../src/sim/index.js';
import { fmt, median, timeRuns } from './stats.js';

export async function benchSim(): Promise<string[]> {
  const lines: string[] = [];
  const big = {
    seed: 1,
    accounts: 2000,
    regions: ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'],
    instancesPerRegion: 100,
  };

  const gen = await timeRuns(5, () => generateWorld(big));
  const startup = await timeRuns(5, async () => {
    const sim = await startSim(big);
    await sim.close();
  });
  // Heap of one world alone: collect garbage around it (npm run bench passes --expose-gc).
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const world = generateWorld(big);
  gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  lines.push(
    `sim start-up, 2,000 accounts × 4 Regions × 100 instances: generateWorld median ${fmt(median(gen))}, startSim (world + listen) median ${fmt(median(startup))}`,
  );
  lines.push(
    `  heap of one such world (before any Region is derived${gc ? '' : '; run with --expose-gc for an exact figure'}): ${((heapAfter - heapBefore) / 1024 / 1024).toFixed(1)} MiB`,
  );
  const derive = await timeRuns(5, () => generateWorld(big).regionData(world.accounts[5]!.id, 'us-east-1'));
  lines.push(
    `  a fresh world plus its first (account, Region) of 100 instances: median ${fmt(median(derive))}`,
  );

  const sim = await startSim({ seed: 2, accounts: 1, regions: ['us-east-1'], instancesPerRegion: 1000 });
  try {
    const sts = new STSClient({
      endpoint: sim.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: sim.central.accessKeyId, secretAccessKey: sim.central.secretAccessKey },
    });
    const assumed = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${sim.world.centralAccountId}:role/${sim.world.readRoleName}`,
        RoleSessionName: 'bench',
        ExternalId: sim.world.externalId,
      }),
    );
    const c = assumed.Credentials!;
    const ec2 = new EC2Client({
      endpoint: sim.endpoint,
      region: 'us-east-1',
      credentials: {
        accessKeyId: c.AccessKeyId!,
        secretAccessKey: c.SecretAccessKey!,
        sessionToken: c.SessionToken!,
      },
    });
    let count = 0;
    await timeRuns(2, async () => ec2.send(new DescribeInstancesCommand({ MaxResults: 1000 }))); // warm-up
    const page = await timeRuns(9, async () => {
      const out = await ec2.send(new DescribeInstancesCommand({ MaxResults: 1000 }));
      count = (out.Reservations ?? []).reduce((n, r) => n + (r.Instances?.length ?? 0), 0);
    });
    sim.log.reset();
    await ec2.send(new DescribeInstancesCommand({ MaxResults: 1000 }));
    const simSide = sim.log.entries({ operation: 'DescribeInstances' })[0]!.durationMs;
    lines.push(
      `DescribeInstances, one page of ${count} instances through the real EC2Client: median ${fmt(median(page))} round trip (sim side of one call: ${simSide} ms)`,
    );
    ec2.destroy();
    sts.destroy();
  } finally {
    await sim.close();
  }
  return lines;
}
