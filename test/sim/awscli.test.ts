// The unmodified AWS CLI (Debian's awscli, installed by .ci/run) against the sim: it must not be able
// to tell the sim from AWS for assume-role, list-accounts, describe-instances with its own paging and
// describe-security-groups.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import type { SimSecurityGroup } from '../../src/sim/model.js';
import { sdkGroup } from './security-group-shape.js';

const run = promisify(execFile);

function findCli(): string | undefined {
  if (process.env['ORGRAPH_AWS_CLI']) return process.env['ORGRAPH_AWS_CLI'];
  return existsSync('/usr/bin/aws') ? '/usr/bin/aws' : undefined;
}

const cli = findCli();
if (!cli) {
  if (process.env['CI'])
    throw new Error(
      'the AWS CLI (/usr/bin/aws, Debian package awscli) is required in CI: .ci/run installs it',
    );
  console.warn('SKIPPED: AWS CLI interop test — /usr/bin/aws not found (apt-get install awscli)');
}

let sim: RunningSim;
const home = mkdtempSync(join(tmpdir(), 'orgraph-awscli-'));

async function aws(
  args: string[],
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
): Promise<unknown> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    // A clock moved for the whole suite with libfaketime (CI's date-independence run) must move the
    // CLI's clock too, as it would on a machine whose date really is later: keep its variables.
    ...Object.fromEntries(
      Object.entries(process.env).filter(([name]) => name === 'LD_PRELOAD' || name.startsWith('FAKETIME')),
    ),
  };
  const { stdout } = await run(cli!, [...args, '--endpoint-url', sim.endpoint, '--output', 'json'], {
    env,
    timeout: 60_000,
  });
  return JSON.parse(stdout);
}

beforeAll(async () => {
  if (!cli) return;
  sim = await startSim({
    seed: 11,
    accounts: 9,
    regions: ['us-east-1', 'eu-west-1'],
    instancesPerRegion: 23,
    knobs: { shortPages: true },
  });
});
afterAll(async () => {
  await sim?.close();
});

describe.skipIf(!cli)('the AWS CLI against orgraph sim', () => {
  it('assume-role, list-accounts, describe-instances and describe-security-groups return exactly the ground truth', async () => {
    const central = { accessKeyId: sim.central.accessKeyId, secretAccessKey: sim.central.secretAccessKey };
    const mgmt = sim.world.organization.managementAccountId;
    const roleArn = `arn:aws:iam::${mgmt}:role/${sim.world.readRoleName}`;

    const assumed = (await aws(
      [
        'sts',
        'assume-role',
        '--role-arn',
        roleArn,
        '--role-session-name',
        'cli',
        '--external-id',
        sim.world.externalId,
      ],
      central,
    )) as {
      Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
      AssumedRoleUser: { Arn: string };
    };
    expect(assumed.AssumedRoleUser.Arn).toBe(
      `arn:aws:sts::${mgmt}:assumed-role/${sim.world.readRoleName}/cli`,
    );
    const roleCreds = {
      accessKeyId: assumed.Credentials.AccessKeyId,
      secretAccessKey: assumed.Credentials.SecretAccessKey,
      sessionToken: assumed.Credentials.SessionToken,
    };

    const accounts = (await aws(['organizations', 'list-accounts', '--page-size', '2'], central)) as {
      Accounts: { Id: string; Name: string; Status: string; State: string }[];
    };
    // Debian's awscli 2.9 predates the State field, so its model drops it: compare what it knows.
    expect(accounts.Accounts.map((a) => [a.Id, a.Name, a.Status])).toEqual(
      sim.world.accounts.map((a) => [a.id, a.name, a.status]),
    );
    expect(sim.log.count({ operation: 'ListAccounts' })).toBeGreaterThanOrEqual(5);

    const described = (await aws(['ec2', 'describe-instances', '--page-size', '5'], roleCreds)) as {
      Reservations: { ReservationId: string; Instances: { InstanceId: string; State: { Name: string } }[] }[];
    };
    const got = described.Reservations.flatMap((r) =>
      r.Instances.map((i) => [i.InstanceId, r.ReservationId, i.State.Name]),
    );
    const truth = sim.world
      .regionData(mgmt, 'us-east-1')
      .instances.map((i) => [i.instanceId, i.reservationId, i.state.name]);
    expect(new Set(got.map((x) => x[0])).size).toBe(truth.length);
    expect(got.sort()).toEqual(truth.sort());
    // shortPages now applies to EC2 too: an unfiltered call still gets full pages, but the sim may add
    // empty pages with a NextToken, so the CLI needs at least (no longer exactly) ceil(n / 5) calls.
    const calls = sim.log.entries({ operation: 'DescribeInstances', accountId: mgmt });
    expect(calls.length).toBeGreaterThanOrEqual(Math.ceil(truth.length / 5));
    expect(calls.every((c) => c.params['MaxResults'] === '5' && c.status === 200)).toBe(true);

    // describe-security-groups: with a filter (paged by the CLI) and with --group-ids.
    const groups = sim.world.regionData(mgmt, 'us-east-1').securityGroups;
    const withoutArn = (g: SimSecurityGroup) => {
      const { SecurityGroupArn: _arn, ...rest } = sdkGroup(g) as Record<string, unknown>;
      return rest;
    };
    const isAppOrDefault = (g: SimSecurityGroup) => g.groupName === 'default' || g.groupName.endsWith('-app');
    const filtered = (await aws(
      [
        'ec2',
        'describe-security-groups',
        '--filters',
        'Name=group-name,Values=default,*-app',
        '--page-size',
        '5',
      ],
      roleCreds,
    )) as { SecurityGroups: Record<string, unknown>[] };
    // The CLI 2.9 model predates SecurityGroupArn: compare every field it knows.
    expect(filtered.SecurityGroups.map((g) => g['GroupId'])).toEqual(
      groups.filter(isAppOrDefault).map((g) => g.groupId),
    );
    expect(filtered.SecurityGroups).toEqual(groups.filter(isAppOrDefault).map(withoutArn));
    const picked = [groups[4], groups[1]].map((g) => g?.groupId ?? '');
    const byIds = (await aws(['ec2', 'describe-security-groups', '--group-ids', ...picked], roleCreds)) as {
      SecurityGroups: Record<string, unknown>[];
    };
    expect(byIds.SecurityGroups).toEqual(groups.filter((g) => picked.includes(g.groupId)).map(withoutArn));
    const sgCalls = sim.log.entries({ operation: 'DescribeSecurityGroups', accountId: mgmt });
    expect(sgCalls.at(-1)?.params['GroupId.2']).toBe(picked[1]);
    expect(sgCalls.slice(0, -1).every((c) => c.params['Filter.1.Name'] === 'group-name')).toBe(true);
  });
});
