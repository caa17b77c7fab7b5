// The client pool with real SDK clients against the simulated AWS: one client per (service, account,
// Region), one shared handler, one AssumeRole per account whatever the number of Regions, and sessions
// renewed before they expire so the sim never refuses one.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { createSharedHttpHandler } from '../../src/aws/client-pool.js';
import { resolveEndpoint } from '../../src/aws/endpoints.js';
import { simAwsStack } from '../helpers/aws-stack.js';
import type { SimAwsStack, SimAwsStackOptions } from '../helpers/aws-stack.js';
import { manualClock } from '../helpers/clock.js';

const clock = manualClock(Math.floor(Date.now() / 1000) * 1000);
let sim: RunningSim;
const stacks: SimAwsStack[] = [];

beforeAll(async () => {
  sim = await startSim({ seed: 5, accounts: 4, regions: ['us-east-1'], instancesPerRegion: 1, clock });
});
afterAll(async () => {
  for (const stack of stacks) stack.close();
  await sim.close();
});
beforeEach(() => {
  sim.knobs.latency = {};
  delete sim.knobs.credentialLifetimeSeconds;
  sim.log.reset();
});

const member = () => sim.world.accounts[1]!.id;
const assumeRoleCount = () => sim.log.count({ service: 'sts', operation: 'AssumeRole' });
const standardRegions = () => sim.world.allRegions.filter((r) => !sim.world.optInRegions.has(r));

/** The broker and the pool on their own handler (16 sockets) and the test clock; `options` override. */
function setup(options: SimAwsStackOptions = {}): SimAwsStack {
  const stack = simAwsStack(sim, { http: { maxSockets: 16 }, clock, ...options });
  stacks.push(stack);
  return stack;
}

describe('ClientPool', () => {
  it('uses one AssumeRole for one account across EC2 clients in 17 Regions', async () => {
    const { pool, broker } = setup();
    const regions = standardRegions();
    expect(regions).toHaveLength(17);
    const answers = await Promise.all(
      regions.map((r) => pool.ec2(member(), r).send(new DescribeRegionsCommand({}))),
    );
    expect(answers.every((a) => (a.Regions?.length ?? 0) > 0)).toBe(true);
    expect(assumeRoleCount()).toBe(1);
    const calls = sim.log.entries({ service: 'ec2', operation: 'DescribeRegions' });
    expect(calls.map((c) => c.region).sort()).toEqual([...regions].sort());
    expect(calls.every((c) => c.status === 200 && c.accountId === member())).toBe(true);
    expect(new Set(calls.map((c) => c.accessKeyId)).size).toBe(1);
    expect(pool.stats()).toMatchObject({ clients: 17, created: 17 });
    expect(broker.metrics()).toMatchObject({ miss: 1 });
  });

  it('reuses one client per (service, account, Region), all on the one shared handler', async () => {
    const { pool } = setup();
    const a = pool.ec2(member(), 'us-east-1');
    expect(pool.ec2(member(), 'us-east-1')).toBe(a);
    const b = pool.ec2(member(), 'eu-west-1');
    const c = pool.ec2(sim.world.accounts[2]!.id, 'us-east-1');
    expect(new Set([a, b, c]).size).toBe(3);
    for (const client of [a, b, c, pool.organizations()])
      expect(client.config.requestHandler).toBe(pool.httpHandler);
    expect(pool.stats()).toMatchObject({ created: 4, reused: 1 });
    expect(await a.config.region()).toBe('us-east-1');
    expect(await b.config.region()).toBe('eu-west-1');
  });

  it('bounds the pool and keeps the shared handler alive when it evicts a client', async () => {
    const { pool } = setup({ pool: { maxClients: 2 } });
    const first = pool.ec2(member(), 'us-east-1');
    pool.ec2(member(), 'us-east-2');
    const third = pool.ec2(member(), 'us-west-2');
    expect(pool.stats()).toMatchObject({ clients: 2, evicted: 1 });
    expect(pool.ec2(member(), 'us-east-1')).not.toBe(first);
    await expect(third.send(new DescribeRegionsCommand({}))).resolves.toMatchObject({
      Regions: expect.any(Array),
    });
    expect(sim.log.count({ service: 'ec2', operation: 'DescribeRegions', status: 200 })).toBe(1);
  });

  it('renews 2-second sessions 1 second early: 10 seconds of calls, no refused request, 11 AssumeRoles', async () => {
    sim.knobs.credentialLifetimeSeconds = 2;
    const { pool, broker } = setup({ broker: { refreshWindowSeconds: 1 } });
    const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
    // 101 steps of 100 ms cover t = 0 .. 10,000 ms. A session issued at t lasts until t + 2 s and is
    // fresh while less than 1 s old, so sessions are issued at t = 0, 1 s, 2 s, ..., 10 s: 11 of them.
    for (let step = 0; step <= 100; step++) {
      await Promise.all(regions.map((r) => pool.ec2(member(), r).send(new DescribeRegionsCommand({}))));
      clock.advance(100);
    }
    const calls = sim.log.entries({ service: 'ec2' });
    expect(calls).toHaveLength(303);
    // No request was refused (an expired or invalid session would be a 4xx with an error code).
    expect(calls.filter((c) => c.errorCode !== undefined)).toEqual([]);
    expect(calls.every((c) => c.status === 200)).toBe(true);
    expect(assumeRoleCount()).toBe(11);
    expect(broker.metrics()).toMatchObject({ miss: 1, refresh: 10, failure: 0 });
    expect(new Set(calls.map((c) => c.accessKeyId)).size).toBe(11);
  });

  it('calls Organizations in us-east-1 with the central credentials by default', async () => {
    const { pool } = setup();
    const out = await pool.organizations().send(new ListAccountsCommand({}));
    expect(out.Accounts?.length).toBeGreaterThan(0);
    const calls = sim.log.entries({ service: 'organizations', operation: 'ListAccounts' });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      region: 'us-east-1',
      accessKeyId: sim.central.accessKeyId,
      status: 200,
    });
    expect(assumeRoleCount()).toBe(0);
  });

  it('can call Organizations through a role assumed in the management account', async () => {
    const management = sim.world.organization.managementAccountId;
    const { pool } = setup({ organizationsVia: management });
    await pool.organizations().send(new ListAccountsCommand({}));
    expect(
      sim.log.entries({ service: 'sts', operation: 'AssumeRole' }).map((e) => e.params['RoleArn']),
    ).toEqual([`arn:aws:iam::${management}:role/${sim.world.readRoleName}`]);
    const [call] = sim.log.entries({ service: 'organizations' });
    expect(call).toMatchObject({ accountId: management, region: 'us-east-1', status: 200 });
    expect(call?.accessKeyId).toMatch(/^ASIA/);
  });

  it('takes the endpoint from AWS_ENDPOINT_URL when the configuration names none', async () => {
    const { pool } = setup({ pool: { endpoints: {}, env: { AWS_ENDPOINT_URL: sim.endpoint } } });
    await pool.ec2(member(), 'eu-west-1').send(new DescribeRegionsCommand({}));
    expect(sim.log.count({ service: 'ec2', region: 'eu-west-1', status: 200 })).toBe(1);
  });

  it('never has more requests in flight than the shared handler has sockets', async () => {
    const httpHandler = createSharedHttpHandler({ maxSockets: 2 });
    const { pool } = setup({ httpHandler });
    sim.knobs.latency = { ec2: { fixedMs: 20, jitterMs: 0 } };
    const regions = standardRegions().slice(0, 5);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        pool.ec2(member(), regions[i % 5]!).send(new DescribeRegionsCommand({})),
      ),
    );
    expect(sim.log.count({ service: 'ec2', status: 200 })).toBe(20);
    expect(sim.log.peakInFlight).toBeLessThanOrEqual(2);
  });
});

describe('resolveEndpoint', () => {
  const env = {
    AWS_ENDPOINT_URL: 'http://env-all',
    AWS_ENDPOINT_URL_STS: 'http://env-sts',
    AWS_ENDPOINT_URL_ROLESANYWHERE: 'http://env-ra',
  };

  it('prefers the service entry of the configuration, then its default, then the environment', () => {
    expect(resolveEndpoint('sts', { sts: 'http://cfg-sts', default: 'http://cfg-all' }, env)).toBe(
      'http://cfg-sts',
    );
    expect(resolveEndpoint('sts', { default: 'http://cfg-all' }, env)).toBe('http://cfg-all');
    expect(resolveEndpoint('sts', {}, env)).toBe('http://env-sts');
    expect(resolveEndpoint('rolesanywhere', {}, env)).toBe('http://env-ra');
    expect(resolveEndpoint('ec2', {}, env)).toBe('http://env-all');
    expect(resolveEndpoint('organizations', {}, {})).toBeUndefined();
  });

  it('ignores the environment when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true', () => {
    expect(
      resolveEndpoint('ec2', {}, { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }),
    ).toBeUndefined();
    expect(
      resolveEndpoint('ec2', { ec2: 'http://cfg' }, { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }),
    ).toBe('http://cfg');
  });
});
