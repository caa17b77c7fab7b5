// The baseline: a faithful TypeScript port of the pattern orgraph replaces (the seeds' script) —
// paginated ListAccounts, then for each ACTIVE account one AssumeRole, then for each Region every
// DescribeInstances page, one call after another, with the same SDK. Run as its own process
// (`node --import tsx bench/baseline-run.ts '<job JSON>'`) and measured like the gateway.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { EC2Client, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import type { BaselineJob } from './protocol.js';
import { centralFromEnv, printOneStep } from './protocol.js';

const job = JSON.parse(process.argv[2] ?? '{}') as BaselineJob;
const central = centralFromEnv();
const cpu = process.cpuUsage();
const start = performance.now();
const keys: string[] = [];
const org = new OrganizationsClient({
  endpoint: job.endpoint,
  region: 'us-east-1',
  credentials: central,
});
const sts = new STSClient({ endpoint: job.endpoint, region: 'us-east-1', credentials: central });
for await (const page of paginateListAccounts({ client: org }, {})) {
  for (const account of page.Accounts ?? []) {
    // A careful script skips suspended and closing accounts (AWS refuses AssumeRole there).
    if ((account.State ?? account.Status) !== 'ACTIVE') continue;
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${account.Id}:role/${job.roleName}`,
        RoleSessionName: 'script',
        ExternalId: job.externalId,
      }),
    );
    const c = out.Credentials!;
    for (const region of job.regions) {
      const ec2 = new EC2Client({
        endpoint: job.endpoint,
        region,
        credentials: {
          accessKeyId: c.AccessKeyId!,
          secretAccessKey: c.SecretAccessKey!,
          sessionToken: c.SessionToken!,
        },
      });
      for await (const p of paginateDescribeInstances({ client: ec2, pageSize: 1000 }, {})) {
        for (const r of p.Reservations ?? [])
          for (const i of r.Instances ?? []) keys.push(`${account.Id}|${region}|${i.InstanceId}`);
      }
      ec2.destroy();
    }
  }
}
org.destroy();
sts.destroy();
printOneStep('baseline', start, cpu, keys);
