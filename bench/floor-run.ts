// The floor under S2: the same AWS calls as S2's cold inventory with none of orgraph's engine around
// them — no GraphQL, data layer, limiter, call runner or observer — as a script that knows the
// question in advance would make them: the account list's pages read in order, each ACTIVE account's
// AssumeRole sent as soon as its page arrives, then one DescribeInstances per Region (paginated),
// FLOOR_IN_FLIGHT calls in flight at most (orgraph's aws.concurrency.global). Two variants:
//   sdk:  the SDK clients exactly as orgraph makes them (src/aws/client-pool.ts: shared keep-alive
//         handler, fast EC2 reader, one client per account and Region, one SDK attempt);
//   http: Organizations and STS as in `sdk`, but each DescribeInstances a SigV4-signed POST over a
//         keep-alive agent read by the same fast reader — without the SDK's middleware stack.
// S2 ÷ sdk is what orgraph's engine costs; sdk ÷ http what the SDK's per-call machinery costs.
// Run as its own process (`node --import tsx bench/floor-run.ts '<job JSON>'`), measured like the gateway.
import { Agent, request } from 'node:http';
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import pLimit from 'p-limit';
import { ClientPool } from '../src/aws/client-pool.js';
import { readEc2Response } from '../src/aws/ec2-reader/reader.js';
import { createStsClient } from '../src/credentials/sts.js';
import { Sha256 } from '../test/helpers/sha256.js';
import type { FloorJob } from './protocol.js';
import { centralFromEnv, printOneStep } from './protocol.js';

/** orgraph's default aws.concurrency.global. */
const FLOOR_IN_FLIGHT = 64;

const job = JSON.parse(process.argv[2] ?? '{}') as FloorJob;
const central = centralFromEnv();
if (job.variant !== 'sdk' && job.variant !== 'http')
  throw new Error(`unknown variant ${String(job.variant)}`);

const inFlight = pLimit(FLOOR_IN_FLIGHT);

const sessions = new Map<string, Promise<AwsCredentialIdentity>>();
const pool = new ClientPool({
  broker: { providerFor: (accountId) => () => sessions.get(accountId)! },
  centralCredentials: async () => central,
  maxAttempts: 1,
  http: { callsInFlight: FLOOR_IN_FLIGHT },
  endpoints: { default: job.endpoint },
});
// As the session broker makes its STS client (src/aws/connect.ts), on the pool's handler.
const sts = createStsClient({
  region: 'us-east-1',
  credentials: async () => central,
  endpoint: job.endpoint,
  requestHandler: pool.httpHandler,
  maxAttempts: 1,
});

const endpoint = new URL(job.endpoint);
const agent = new Agent({ keepAlive: true, maxSockets: FLOOR_IN_FLIGHT });

/** One DescribeInstances page as a signed POST, read by the fast reader. */
async function describeInstancesHttp(
  signer: SignatureV4,
  nextToken: string | undefined,
): Promise<{ ids: string[]; nextToken: string | undefined }> {
  const body =
    'Action=DescribeInstances&Version=2016-11-15&MaxResults=1000' +
    (nextToken ? `&NextToken=${encodeURIComponent(nextToken)}` : '');
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: Number(endpoint.port),
      path: '/',
      headers: {
        host: endpoint.host,
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    }),
  );
  const answer = await new Promise<Buffer>((resolve, reject) => {
    const req = request(
      {
        agent,
        method: 'POST',
        host: endpoint.hostname,
        port: endpoint.port,
        path: '/',
        headers: signed.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(Buffer.concat(chunks))
            : reject(new Error(`DescribeInstances: HTTP ${res.statusCode}`)),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
  const output = readEc2Response('DescribeInstances', answer.toString('utf8'), answer);
  if (!output) throw new Error('DescribeInstances: the fast reader did not understand an answer');
  return idsOf(output as DescribeInstancesPage);
}

/** The parts of a DescribeInstances answer (the SDK's output, or the fast reader's) the floor reads. */
interface DescribeInstancesPage {
  Reservations?: { Instances?: { InstanceId?: string }[] }[];
  NextToken?: string;
}

function idsOf(page: DescribeInstancesPage): { ids: string[]; nextToken: string | undefined } {
  const ids = (page.Reservations ?? []).flatMap((r) => (r.Instances ?? []).map((i) => i.InstanceId!));
  return { ids, nextToken: page.NextToken };
}

async function instancesOf(accountId: string, region: string, keys: string[]): Promise<void> {
  let nextToken: string | undefined;
  const signer =
    job.variant === 'http'
      ? new SignatureV4({
          credentials: () => sessions.get(accountId)!,
          region,
          service: 'ec2',
          sha256: Sha256,
        })
      : undefined;
  do {
    const token = nextToken;
    const page = signer
      ? await inFlight(() => describeInstancesHttp(signer, token))
      : await inFlight(async () =>
          idsOf(
            await pool
              .ec2(accountId, region)
              .send(new DescribeInstancesCommand({ MaxResults: 1000, NextToken: token })),
          ),
        );
    for (const id of page.ids) keys.push(`${accountId}|${region}|${id}`);
    nextToken = page.nextToken;
  } while (nextToken);
}

async function account(accountId: string, keys: string[]): Promise<void> {
  const session = inFlight(() =>
    sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${accountId}:role/${job.roleName}`,
        RoleSessionName: 'floor',
        ExternalId: job.externalId,
      }),
    ),
  ).then(({ Credentials: c }) => ({
    accessKeyId: c!.AccessKeyId!,
    secretAccessKey: c!.SecretAccessKey!,
    sessionToken: c!.SessionToken!,
  }));
  sessions.set(accountId, session);
  await session;
  await Promise.all(job.regions.map((region) => instancesOf(accountId, region, keys)));
}

const cpu = process.cpuUsage();
const start = performance.now();
const keys: string[] = [];
const work: Promise<void>[] = [];
let nextToken: string | undefined;
do {
  const token = nextToken;
  const page = await inFlight(() => pool.organizations().send(new ListAccountsCommand({ NextToken: token })));
  for (const a of page.Accounts ?? [])
    if ((a.State ?? a.Status) === 'ACTIVE') work.push(account(a.Id!, keys));
  nextToken = page.NextToken;
} while (nextToken);
await Promise.all(work);
printOneStep(`floor-${job.variant}`, start, cpu, keys);
agent.destroy();
sts.destroy();
pool.close();
