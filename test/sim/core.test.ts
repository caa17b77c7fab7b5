// The sim's HTTP core through the real SDK clients: signatures, session tokens and expiry, permissions,
// faults, throttling, the request log and the admin path.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { DescribeInstancesCommand, DescribeRegionsCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { startSim } from '../../src/sim/index.js';
import { generatorStats } from '../../src/sim/generator.js';
import { applyKnobPatch } from '../../src/sim/knobs.js';
import type { RunningSim } from '../../src/sim/index.js';
import { manualClock } from '../helpers/clock.js';
import { signedFormPost } from '../helpers/signed-request.js';
import type { ManualClock } from '../helpers/clock.js';
import {
  assumeReadRole,
  awsError,
  centralCredentials,
  ec2Client,
  organizationsClient,
  stsClient,
} from '../helpers/sim-clients.js';

let sim: RunningSim;
let clock: ManualClock;

beforeEach(async () => {
  clock = manualClock();
  sim = await startSim({ seed: 7, accounts: 4, regions: ['us-east-1'], instancesPerRegion: 5, clock });
});
afterEach(async () => {
  await sim.close();
});

describe('signatures', () => {
  it('answers a correctly signed call and logs it with the caller account and Region', async () => {
    const out = await stsClient(sim, centralCredentials(sim), 'eu-west-1').send(
      new GetCallerIdentityCommand({}),
    );
    expect(out.Account).toBe(sim.world.centralAccountId);
    expect(out.Arn).toBe(sim.world.centralUser.arn);
    const [entry] = sim.log.entries({ operation: 'GetCallerIdentity' });
    expect(entry).toMatchObject({
      service: 'sts',
      region: 'eu-west-1',
      accountId: sim.world.centralAccountId,
      status: 200,
    });
  });

  it('refuses an unknown access key with each service’s own code', async () => {
    const bogus = { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x'.repeat(40) };
    expect(await awsError(stsClient(sim, bogus).send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'InvalidClientTokenId',
      status: 403,
    });
    expect(await awsError(ec2Client(sim, bogus).send(new DescribeRegionsCommand({})))).toMatchObject({
      name: 'AuthFailure',
      status: 401,
    });
    expect(await awsError(organizationsClient(sim, bogus).send(new ListAccountsCommand({})))).toMatchObject({
      name: 'UnrecognizedClientException',
      status: 400,
    });
  });

  it('refuses a signature made with the wrong secret', async () => {
    const wrong = { accessKeyId: sim.central.accessKeyId, secretAccessKey: 'y'.repeat(40) };
    expect(await awsError(stsClient(sim, wrong).send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'SignatureDoesNotMatch',
      status: 403,
    });
    expect(await awsError(organizationsClient(sim, wrong).send(new ListAccountsCommand({})))).toMatchObject({
      name: 'InvalidSignatureException',
      status: 400,
    });
    expect(sim.log.count({ errorCode: 'SignatureDoesNotMatch' })).toBe(1);
  });

  it('answers nothing unsigned', async () => {
    const res = await fetch(sim.endpoint + '/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });

  it('requires the session token of temporary credentials', async () => {
    const member = sim.world.accounts[1]!.id;
    const creds = await assumeReadRole(sim, member);
    const withoutToken = { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey };
    expect(await awsError(stsClient(sim, withoutToken).send(new GetCallerIdentityCommand({})))).toMatchObject(
      { name: 'InvalidClientTokenId', status: 403 },
    );
    const out = await stsClient(sim, creds).send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe(member);
    expect(out.Arn).toBe(`arn:aws:sts::${member}:assumed-role/${sim.world.readRoleName}/test`);
  });

  it('refuses temporary credentials once they expire, per service', async () => {
    sim.knobs.credentialLifetimeSeconds = 5;
    const mgmt = sim.world.organization.managementAccountId;
    const creds = await assumeReadRole(sim, mgmt);
    expect(creds.expiration!.getTime()).toBe(clock() + 5000);
    await ec2Client(sim, creds).send(new DescribeRegionsCommand({}));
    clock.advance(5001);
    // 403, as the STS API reference lists ExpiredToken (the sim answered 400 before).
    expect(await awsError(stsClient(sim, creds).send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'ExpiredToken',
      status: 403,
    });
    expect(await awsError(ec2Client(sim, creds).send(new DescribeRegionsCommand({})))).toMatchObject({
      name: 'RequestExpired',
      status: 400,
    });
    expect(await awsError(organizationsClient(sim, creds).send(new ListAccountsCommand({})))).toMatchObject({
      name: 'ExpiredTokenException',
      status: 400,
    });
  });

  it('refuses a request signed too far from the server time', async () => {
    clock.advance(16 * 60 * 1000);
    expect(await awsError(stsClient(sim).send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'SignatureDoesNotMatch',
      status: 403,
    });
  });
});

describe('permissions', () => {
  it('denies a call outside the principal’s permissions with the service’s access-denied error', async () => {
    const err = await awsError(
      ec2Client(sim, centralCredentials(sim)).send(new DescribeInstancesCommand({})),
    );
    expect(err).toMatchObject({ name: 'UnauthorizedOperation', status: 403 });
    expect(err.message).toContain('ec2:DescribeInstances');
    const member = await assumeReadRole(sim, sim.world.accounts[1]!.id);
    expect(await awsError(organizationsClient(sim, member).send(new ListAccountsCommand({})))).toMatchObject({
      name: 'AccessDeniedException',
    });
  });
});

describe('knobs', () => {
  it('injects 500/503 faults at the configured rate', async () => {
    sim.knobs.faults.errorRate = 1;
    const err = await awsError(stsClient(sim).send(new GetCallerIdentityCommand({})));
    expect(['InternalFailure', 'ServiceUnavailable']).toContain(err.name);
    expect([500, 503]).toContain(err.status);
  });

  it('drops connections at the configured rate', async () => {
    sim.knobs.faults.dropRate = 1;
    await expect(stsClient(sim).send(new GetCallerIdentityCommand({}))).rejects.toThrow();
    expect(sim.log.entries({ operation: 'GetCallerIdentity' })[0]).toMatchObject({
      status: 0,
      errorCode: 'ConnectionDropped',
    });
  });

  it('never answers the services set unresponsive, until the client gives up; others still answer', async () => {
    applyKnobPatch(sim.knobs, { unresponsive: ['sts'] });
    const controller = new AbortController();
    const pending = stsClient(sim).send(new GetCallerIdentityCommand({}), { abortSignal: controller.signal });
    let settled = false;
    void pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    // The STS request arrives and is logged as never answered; Organizations answers meanwhile.
    await vi.waitFor(() =>
      expect(sim.log.entries({ operation: 'GetCallerIdentity' })).toMatchObject([
        { service: 'sts', status: 0, errorCode: 'NeverAnswered' },
      ]),
    );
    const accounts = await organizationsClient(sim).send(new ListAccountsCommand({}));
    expect(accounts.Accounts?.length).toBeGreaterThan(0);
    expect(settled).toBe(false);
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(() => applyKnobPatch(sim.knobs, { unresponsive: ['s3'] })).toThrow(
      /knobs\.unresponsive must be a list of services \(known: sts, ec2, organizations, rolesanywhere\), got \["s3"\]/,
    );
    applyKnobPatch(sim.knobs, { unresponsive: [] });
    await stsClient(sim).send(new GetCallerIdentityCommand({}));
  });

  it('adds the configured latency', async () => {
    sim.knobs.latency.sts = { fixedMs: 60, jitterMs: 0 };
    await stsClient(sim).send(new GetCallerIdentityCommand({}));
    expect(sim.log.entries({ operation: 'GetCallerIdentity' })[0]!.durationMs).toBeGreaterThanOrEqual(59);
  });

  it('throttles EC2 per account, Region and API with a burst of 100 refilled at 20/s', async () => {
    sim.knobs.throttling = true;
    const creds = await assumeReadRole(sim, sim.world.organization.managementAccountId);
    const ec2 = ec2Client(sim, creds);
    const results = await Promise.allSettled(
      Array.from({ length: 110 }, () => ec2.send(new DescribeRegionsCommand({}))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(100);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(10);
    expect((rejected[0]!.reason as { name: string }).name).toBe('RequestLimitExceeded');
    expect(sim.log.count({ errorCode: 'RequestLimitExceeded', status: 503 })).toBe(10);
    // another API has its own bucket
    await ec2.send(new DescribeInstancesCommand({ MaxResults: 5 }));
    clock.advance(1000); // 20 tokens back
    const again = await Promise.allSettled(
      Array.from({ length: 21 }, () => ec2.send(new DescribeRegionsCommand({}))),
    );
    expect(again.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
  });
});

describe('request log and admin path', () => {
  it('counts calls, tracks the peak in flight and resets, in process and over HTTP', async () => {
    sim.knobs.latency.sts = { fixedMs: 30, jitterMs: 0 };
    const sts = stsClient(sim);
    await Promise.all(Array.from({ length: 5 }, () => sts.send(new GetCallerIdentityCommand({}))));
    expect(sim.log.counters()['sts:GetCallerIdentity']).toBe(5);
    expect(sim.log.peakInFlight).toBe(5);
    const counters = (await (await fetch(`${sim.endpoint}/__sim/counters`)).json()) as {
      counters: Record<string, number>;
      peakInFlight: number;
    };
    expect(counters.counters['sts:GetCallerIdentity']).toBe(5);
    const log = (await (
      await fetch(`${sim.endpoint}/__sim/log?operation=GetCallerIdentity`)
    ).json()) as unknown[];
    expect(log).toHaveLength(5);
    // The sim's process (its own in the benchmarks): CPU so far and the generator's counters.
    const member = sim.world.accounts.find((a) => a.state === 'ACTIVE' && a.enabledRegions.has('us-east-1'))!;
    sim.world.regionData(member.id, 'us-east-1');
    const usage = (await (await fetch(`${sim.endpoint}/__sim/process`)).json()) as {
      cpuMs: number;
      rssBytes: number;
      regionData: { regionDataDerivations: number; regionDataCacheHits: number };
    };
    expect(usage.cpuMs).toBeGreaterThan(0);
    expect(usage.rssBytes).toBeGreaterThan(0);
    expect(usage.regionData).toEqual(generatorStats(sim.world));
    expect(usage.regionData.regionDataDerivations).toBeGreaterThanOrEqual(1);
    await fetch(`${sim.endpoint}/__sim/reset`, { method: 'POST' });
    expect(sim.log.count()).toBe(0);
  });

  it('changes knobs over HTTP and rejects a bad patch whole', async () => {
    const ok = await fetch(`${sim.endpoint}/__sim/knobs`, {
      method: 'POST',
      body: JSON.stringify({ throttling: true, pageCap: 7 }),
    });
    expect(ok.status).toBe(200);
    expect(sim.knobs).toMatchObject({ throttling: true, pageCap: 7 });
    const bad = await fetch(`${sim.endpoint}/__sim/knobs`, {
      method: 'POST',
      body: JSON.stringify({ pageCap: 3, faults: { errorRate: 2 } }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('knobs.faults.errorRate');
    expect(sim.knobs.pageCap).toBe(7);
  });
});

describe('unknown operations', () => {
  it('answers an action EC2 does not have with InvalidAction, and a real one outside the role with UnauthorizedOperation', async () => {
    const creds = await assumeReadRole(sim, sim.world.organization.managementAccountId);
    const unknown = await signedFormPost(sim.endpoint, 'Action=DescribeUnicorns&Version=2016-11-15', {
      credentials: creds,
      service: 'ec2',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('<Code>InvalidAction</Code>');
    const ec2 = ec2Client(sim, creds);
    const err = await awsError(
      ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, ImageId: 'ami-12345678' })),
    );
    expect(err).toMatchObject({ name: 'UnauthorizedOperation', status: 403 });
  });
});
