// The credentials layer wired from configuration, end to end against the simulated AWS.
import { parseAwsOptions } from '../../src/config/aws.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { connectAws } from '../../src/aws/connect.js';
import { createDataLayer } from '../../src/aws/data-layer.js';
import { SDK_MAX_ATTEMPTS } from '../../src/aws/call-runner.js';
import { parseCredentialsConfig } from '../../src/config/credentials.js';
import { CentralPrincipalError } from '../../src/credentials/central-principal.js';
import { manualClock } from '../helpers/clock.js';

const clock = manualClock(Math.floor(Date.now() / 1000) * 1000);
const savedEnv = { ...process.env };
let sim: RunningSim;

function useKeys(accessKeyId: string, secretAccessKey: string): void {
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_CONFIG_FILE: join(tmpdir(), 'orgraph-no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'orgraph-no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  });
}

/** The sim's member role and ExternalId, every service at the sim; `stsRegion` when given. */
function simConfig(stsRegion?: string) {
  return parseCredentialsConfig({
    endpoints: { default: sim.endpoint },
    broker: {
      externalId: sim.world.externalId,
      roleName: sim.world.readRoleName,
      ...(stsRegion !== undefined ? { stsRegion } : {}),
    },
  });
}

beforeAll(async () => {
  sim = await startSim({ seed: 13, accounts: 3, regions: ['us-east-1'], instancesPerRegion: 1, clock });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.log.reset();
  useKeys(sim.central.accessKeyId, sim.central.secretAccessKey);
});
afterEach(() => {
  process.env = { ...savedEnv };
});

describe('connectAws', () => {
  it('validates the principal, then serves member sessions and Organizations through the pool', async () => {
    const config = simConfig('eu-west-1');
    const management = sim.world.organization.managementAccountId;
    const access = await connectAws(config, {
      clock,
      sdkMaxAttempts: 1,
      organizationsRole: { accountId: management },
    });
    try {
      await expect(access.identity).resolves.toMatchObject({
        accountId: sim.world.centralAccountId,
        isRoleSession: false,
      });
      expect(access.stsRegion).toBe('eu-west-1');
      const member = sim.world.accounts[1]!.id;
      await access.pool.ec2(member, 'us-east-1').send(new DescribeRegionsCommand({}));
      await access.pool.organizations().send(new ListAccountsCommand({}));
      expect(
        sim.log.entries({ service: 'sts' }).map((e) => [e.operation, e.region, e.params['RoleArn']]),
      ).toEqual([
        ['GetCallerIdentity', 'eu-west-1', undefined],
        ['AssumeRole', 'eu-west-1', `arn:aws:iam::${member}:role/${sim.world.readRoleName}`],
        ['AssumeRole', 'eu-west-1', `arn:aws:iam::${management}:role/${sim.world.readRoleName}`],
      ]);
      expect(sim.log.entries({ service: 'organizations' })[0]).toMatchObject({
        status: 200,
        accountId: management,
      });
      expect(access.pool.httpHandler).toBe(access.pool.ec2(member, 'us-east-1').config.requestHandler);
    } finally {
      access.close();
    }
  });

  it('makes one AssumeRole per attempt of the data layer: the broker STS clients do not retry on their own', async () => {
    const config = simConfig();
    const management = sim.world.organization.managementAccountId;
    const access = await connectAws(config, {
      clock,
      sdkMaxAttempts: SDK_MAX_ATTEMPTS,
      // Another role name than the member role: the Organizations role gets a broker of its own.
      organizationsRole: { accountId: management, roleName: 'OrganizationsReader' },
    });
    const data = createDataLayer({
      pool: access.pool,
      broker: access.broker,
      options: parseAwsOptions({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } }),
      clock,
    });
    try {
      sim.log.reset();
      sim.knobs.faults = { errorRate: 1, dropRate: 0 }; // every STS answer is a 5xx
      const member = sim.world.accounts.filter((a) => a.state === 'ACTIVE')[1]!.id;
      const failure = await data.ec2
        .describeAvailabilityZones({ accountId: member, region: 'us-east-1' })
        .catch((err: unknown) => err);
      expect(failure).toMatchObject({ code: 'UPSTREAM_ERROR', service: 'sts', operation: 'AssumeRole' });
      // The data layer's 3 attempts, one request each (the SDK's default would make it 3 × 3).
      expect(sim.log.count({ service: 'sts', operation: 'AssumeRole' })).toBe(3);
      expect(data.stats()).toMatchObject({ retries: 2, calls: {} });

      sim.log.reset();
      // Organizations through the management account's role: its AssumeRole fails, 3 attempts again.
      await expect(data.organizations.listRoots()).rejects.toMatchObject({
        code: 'UPSTREAM_ERROR',
        accountId: management,
        service: 'sts',
        operation: 'AssumeRole',
      });
      const orgRoleArn = `arn:aws:iam::${management}:role/OrganizationsReader`;
      const orgAssumes = sim.log
        .entries({ service: 'sts', operation: 'AssumeRole' })
        .filter((e) => e.params['RoleArn'] === orgRoleArn);
      expect(orgAssumes).toHaveLength(3);
    } finally {
      sim.knobs.faults = { errorRate: 0, dropRate: 0 };
      access.close();
    }
  });

  it('checks a session EC2 refused in homeRegion (not the broker’s STS Region), and keeps it when STS accepts it', async () => {
    const config = simConfig('eu-west-1');
    const access = await connectAws(config, { clock, sdkMaxAttempts: SDK_MAX_ATTEMPTS });
    const data = createDataLayer({
      pool: access.pool,
      broker: access.broker,
      options: parseAwsOptions({}),
      clock,
    });
    try {
      const member = sim.world.accounts.filter((a) => a.state === 'ACTIVE')[2]!.id;
      const notEnabled = sim.world.allRegions.find(
        (r) => !sim.world.accountById.get(member)!.enabledRegions.has(r),
      )!;
      sim.log.reset();
      await expect(
        data.ec2.describeAvailabilityZones({ accountId: member, region: notEnabled }),
      ).rejects.toMatchObject({ code: 'REGION_NOT_ENABLED', accountId: member, region: notEnabled });
      const session = sim.log.entries({ service: 'ec2' })[0]?.accessKeyId;
      expect(sim.log.entries({ service: 'sts' }).map((e) => [e.operation, e.region, e.status])).toEqual([
        ['AssumeRole', 'eu-west-1', 200],
        ['GetCallerIdentity', 'us-east-1', 200],
      ]);
      expect(sim.log.entries({ service: 'sts', operation: 'GetCallerIdentity' })[0]).toMatchObject({
        accountId: member,
        accessKeyId: session,
      });
    } finally {
      access.close();
    }
  });

  it('fails at start-up with a clear error when the central credentials are refused', async () => {
    useKeys(sim.central.accessKeyId, 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    const config = parseCredentialsConfig({ endpoints: { default: sim.endpoint } });
    await expect(connectAws(config, { clock })).rejects.toBeInstanceOf(CentralPrincipalError);
    expect(sim.log.count({ service: 'sts', operation: 'AssumeRole' })).toBe(0);
  });

  describe("centralCheck: 'alongside'", () => {
    it('resolves before the check answers; Organizations goes out meanwhile, member sessions only after it', async () => {
      const config = simConfig();
      const access = await connectAws(config, { clock, sdkMaxAttempts: 1, centralCheck: 'alongside' });
      try {
        // connectAws did not wait for the check: member sessions are still waiting for it.
        expect(access.broker.untilReady?.()).toBeInstanceOf(Promise);
        const member = sim.world.accounts[1]!.id;
        const [listed, described] = await Promise.all([
          access.pool.organizations().send(new ListAccountsCommand({})),
          access.pool.ec2(member, 'us-east-1').send(new DescribeRegionsCommand({})),
        ]);
        expect(listed.Accounts?.length).toBe(sim.world.accounts.length);
        expect(described.Regions?.length).toBeGreaterThan(0);
        await expect(access.identity).resolves.toMatchObject({ accountId: sim.world.centralAccountId });
        // The member's AssumeRole went out only once GetCallerIdentity had been answered.
        const check = sim.log.entries({ operation: 'GetCallerIdentity' })[0]!;
        const assume = sim.log.entries({ operation: 'AssumeRole' })[0]!;
        expect(assume.seq).toBeGreaterThan(check.seq);
        expect(access.broker.metrics()).toMatchObject({ miss: 1, sessions: 1 });
      } finally {
        access.close();
      }
    });

    it('checks first anyway when the account list is read through a member role (nothing could go alongside)', async () => {
      const config = simConfig();
      const access = await connectAws(config, {
        clock,
        centralCheck: 'alongside',
        organizationsRole: { accountId: sim.world.organization.managementAccountId },
      });
      try {
        expect(sim.log.entries().map((e) => `${e.operation}:${e.status}`)).toEqual(['GetCallerIdentity:200']);
        expect(access.broker.untilReady?.()).toBeUndefined();
      } finally {
        access.close();
      }
    });

    it("fails identity and every member session with the check's error; makes no AssumeRole", async () => {
      useKeys(sim.central.accessKeyId, 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
      const config = parseCredentialsConfig({ endpoints: { default: sim.endpoint } });
      const access = await connectAws(config, { clock, centralCheck: 'alongside' });
      try {
        const member = sim.world.accounts[1]!.id;
        await expect(access.broker.credentialsFor(member)).rejects.toBeInstanceOf(CentralPrincipalError);
        await expect(access.identity).rejects.toThrow(/STS rejected the signature/);
        expect(access.broker.invalidate(member)).toBe(false);
        expect(access.broker.metrics()).toMatchObject({ miss: 0, sessions: 0 });
        expect(sim.log.count({ service: 'sts', operation: 'AssumeRole' })).toBe(0);
      } finally {
        access.close();
      }
    });
  });
});
