// STS AssumeRole as AWS enforces it: the role exists, its trust policy names the caller, the
// ExternalId condition, duration bounds, role chaining and RoleSessionName rules.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { assumeReadRole, awsError, stsClient } from '../helpers/sim-clients.js';

let sim: RunningSim;
let member: string;
let roleArn: string;

beforeAll(async () => {
  sim = await startSim({ seed: 3, accounts: 5, regions: ['us-east-1'], instancesPerRegion: 1 });
  member = sim.world.accounts[2]!.id;
  roleArn = `arn:aws:iam::${member}:role/${sim.world.readRoleName}`;
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.knobs.scenarios.clear();
  delete sim.knobs.credentialLifetimeSeconds;
  sim.log.reset();
});

function assume(input: Partial<AssumeRoleCommandInput>, client = stsClient(sim)) {
  return client.send(
    new AssumeRoleCommand({
      RoleArn: roleArn,
      RoleSessionName: 'orgraph',
      ExternalId: sim.world.externalId,
      ...input,
    }),
  );
}

describe('AssumeRole', () => {
  it('returns ASIA credentials bound to the target account with a real expiry', async () => {
    const before = Date.now();
    const out = await assume({ DurationSeconds: 900 });
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(out.AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${member}:assumed-role/${sim.world.readRoleName}/orgraph`,
    );
    const expiry = out.Credentials!.Expiration!.getTime();
    expect(expiry).toBeGreaterThanOrEqual(before + 899_000);
    expect(expiry).toBeLessThanOrEqual(Date.now() + 900_000);
    const who = await stsClient(sim, {
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken!,
    }).send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe(member);
  });

  it('honours the credential lifetime knob', async () => {
    sim.knobs.credentialLifetimeSeconds = 2;
    const out = await assume({});
    expect(out.Credentials!.Expiration!.getTime() - Date.now()).toBeLessThanOrEqual(2000);
  });

  it('denies a role that does not exist, naming caller and role', async () => {
    sim.knobs.scenarios.set(member, { roleMissing: true });
    const err = await awsError(assume({}));
    expect(err).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(err.message).toBe(
      `User: ${sim.world.centralUser.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    );
    const other = await awsError(assume({ RoleArn: `arn:aws:iam::${member}:role/NoSuchRole` }));
    expect(other.name).toBe('AccessDenied');
  });

  it('enforces the sts:ExternalId condition', async () => {
    expect(await awsError(assume({ ExternalId: 'wrong-id' }))).toMatchObject({
      name: 'AccessDenied',
      status: 403,
    });
    expect(await awsError(assume({ ExternalId: undefined }))).toMatchObject({ name: 'AccessDenied' });
    sim.knobs.scenarios.set(member, { externalIdMismatch: true });
    expect(await awsError(assume({}))).toMatchObject({ name: 'AccessDenied' });
  });

  it('denies a caller the trust policy does not name', async () => {
    const creds = await assumeReadRole(sim, sim.world.accounts[1]!.id);
    const err = await awsError(assume({}, stsClient(sim, creds)));
    expect(err.name).toBe('AccessDenied');
    expect(err.message).toContain(`assumed-role/${sim.world.readRoleName}/test`);
  });

  it('bounds DurationSeconds by 900 and the role’s MaxSessionDuration', async () => {
    expect(await awsError(assume({ DurationSeconds: 899 }))).toMatchObject({
      name: 'ValidationError',
      status: 400,
    });
    const role = sim.world.roles.get(roleArn)!;
    const tooLong = await awsError(assume({ DurationSeconds: role.maxSessionDuration + 1 }));
    expect(tooLong.name).toBe('ValidationError');
    expect(tooLong.message).toMatch(/exceeds the MaxSessionDuration|less than or equal to 43200/);
  });

  it('caps role chaining at one hour', async () => {
    const central = sim.world.centralAccountId;
    const centralRead = `arn:aws:iam::${central}:role/${sim.world.readRoleName}`;
    const original = sim.world.roles.get(centralRead)!;
    sim.world.roles.set(centralRead, {
      ...original,
      permissions: [...original.permissions, 'sts:AssumeRole'],
    });
    const roleSession = await assumeReadRole(sim, central);
    sim.world.roles.set(centralRead, original);
    const chainedTarget = `arn:aws:iam::${member}:role/${sim.world.readRoleName}`;
    // the read role trusts only the central user and the central role, so chain through a permissive role
    sim.world.roles.set(chainedTarget, {
      ...sim.world.roles.get(chainedTarget)!,
      trustedPrincipals: ['*'],
      maxSessionDuration: 43200,
    });
    try {
      const err = await awsError(assume({ DurationSeconds: 7200 }, stsClient(sim, roleSession)));
      expect(err).toMatchObject({ name: 'ValidationError' });
      expect(err.message).toContain('role chaining');
      await expect(assume({ DurationSeconds: 3600 }, stsClient(sim, roleSession))).resolves.toBeDefined();
    } finally {
      sim.world.roles.set(chainedTarget, {
        ...sim.world.roles.get(chainedTarget)!,
        trustedPrincipals: [sim.world.centralUser.arn, `arn:aws:iam::${central}:role/OrgraphCentralRole`],
        maxSessionDuration: 3600,
      });
    }
  });

  it('validates RoleSessionName', async () => {
    expect(await awsError(assume({ RoleSessionName: 'a' }))).toMatchObject({ name: 'ValidationError' });
    expect(await awsError(assume({ RoleSessionName: 'has space' }))).toMatchObject({
      name: 'ValidationError',
    });
    expect(await awsError(assume({ RoleSessionName: 'x'.repeat(65) }))).toMatchObject({
      name: 'ValidationError',
    });
    await expect(assume({ RoleSessionName: 'ok+=,.@-_name' })).resolves.toBeDefined();
  });

  it('logs every AssumeRole with its parameters and outcome', async () => {
    await assume({});
    await awsError(assume({ ExternalId: 'nope-nope' }));
    const entries = sim.log.entries({ service: 'sts', operation: 'AssumeRole' });
    expect(entries.map((e) => [e.status, e.errorCode ?? null, e.params['RoleArn']])).toEqual([
      [200, null, roleArn],
      [403, 'AccessDenied', roleArn],
    ]);
  });
});

describe('AssumeRole into accounts that are not active', () => {
  it('is refused with AccessDenied for SUSPENDED and PENDING_CLOSURE accounts', async () => {
    const sim2 = await startSim({ seed: 3, accounts: 30, regions: ['us-east-1'], instancesPerRegion: 1 });
    try {
      const inactive = sim2.world.accounts.filter((a) => a.state !== 'ACTIVE');
      expect(inactive.map((a) => a.state)).toEqual(expect.arrayContaining(['SUSPENDED']));
      for (const account of inactive) {
        const err = await awsError(assumeReadRole(sim2, account.id));
        expect(err).toMatchObject({ name: 'AccessDenied', status: 403 });
      }
      const active = sim2.world.accounts.find(
        (a) => a.state === 'ACTIVE' && a.id !== sim2.world.centralAccountId,
      )!;
      await expect(assumeReadRole(sim2, active.id)).resolves.toHaveProperty('sessionToken');
    } finally {
      await sim2.close();
    }
  });
});
