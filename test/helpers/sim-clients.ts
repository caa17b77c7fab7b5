// Real AWS SDK clients pointed at a running sim, for integration tests.
import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { EC2Client } from '@aws-sdk/client-ec2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { RunningSim } from '../../src/sim/index.js';

export function centralCredentials(sim: RunningSim): AwsCredentialIdentity {
  return { accessKeyId: sim.central.accessKeyId, secretAccessKey: sim.central.secretAccessKey };
}

export function stsClient(
  sim: RunningSim,
  credentials: AwsCredentialIdentity = centralCredentials(sim),
  region = 'us-east-1',
): STSClient {
  return new STSClient({ endpoint: sim.endpoint, region, credentials, maxAttempts: 1 });
}

export function ec2Client(
  sim: RunningSim,
  credentials: AwsCredentialIdentity,
  region = 'us-east-1',
): EC2Client {
  return new EC2Client({ endpoint: sim.endpoint, region, credentials, maxAttempts: 1 });
}

export function organizationsClient(
  sim: RunningSim,
  credentials: AwsCredentialIdentity = centralCredentials(sim),
): OrganizationsClient {
  return new OrganizationsClient({
    endpoint: sim.endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });
}

/** Assumes the member read role of `accountId` with the central principal. */
export async function assumeReadRole(
  sim: RunningSim,
  accountId: string,
  durationSeconds?: number,
): Promise<AwsCredentialIdentity> {
  const sts = stsClient(sim);
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/${sim.world.readRoleName}`,
      RoleSessionName: 'test',
      ExternalId: sim.world.externalId,
      ...(durationSeconds !== undefined ? { DurationSeconds: durationSeconds } : {}),
    }),
  );
  sts.destroy();
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
    throw new Error('AssumeRole returned no credentials');
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    ...(c.Expiration ? { expiration: c.Expiration } : {}),
  };
}

/**
 * EC2 clients on member read-role sessions: each account's read role is assumed once (on first use)
 * and its session reused by every later client, of any Region.
 */
export function readRoleEc2Clients(
  sim: () => RunningSim,
): (accountId: string, region?: string) => Promise<EC2Client> {
  const sessions = new Map<string, Promise<AwsCredentialIdentity>>();
  return async (accountId, region = 'us-east-1') => {
    let session = sessions.get(accountId);
    if (!session) {
      session = assumeReadRole(sim(), accountId);
      sessions.set(accountId, session);
    }
    return ec2Client(sim(), await session, region);
  };
}

/** The error an SDK call rejected with: its AWS code (`name`) and HTTP status. */
export async function awsError(
  promise: Promise<unknown>,
): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
