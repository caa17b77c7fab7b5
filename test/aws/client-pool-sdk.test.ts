// What the client pool sets on the SDK clients it makes: a logger the SDK does not build log copies
// for, sockets no fewer than the calls in flight, the fast EC2 reader (errors still the SDK's), and
// the SDK's shared config resolved once per Region, the environment still honoured.
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DescribeInstancesCommand, DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpResponse } from '@smithy/protocol-http';
import type { HttpRequest } from '@smithy/protocol-http';
import type { Logger } from '@smithy/types';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { ClientPool, DEFAULT_MAX_SOCKETS, SDK_CLIENT_LOGGER, socketsFor } from '../../src/aws/client-pool.js';
import type { ClientPoolOptions } from '../../src/aws/client-pool.js';
import { simAwsStack } from '../helpers/aws-stack.js';
import type { SimAwsStack, SimAwsStackOptions } from '../helpers/aws-stack.js';

let sim: RunningSim;
const stacks: SimAwsStack[] = [];

beforeAll(async () => {
  sim = await startSim({ seed: 9, accounts: 3, regions: ['us-east-1'], instancesPerRegion: 12 });
});
afterAll(async () => {
  for (const stack of stacks) stack.close();
  await sim.close();
});

function setup(options: SimAwsStackOptions = {}): SimAwsStack {
  const stack = simAwsStack(sim, { http: { maxSockets: 8 }, ...options });
  stacks.push(stack);
  return stack;
}
const member = () => sim.world.accounts[1]!.id;

describe('the SDK clients of the pool', () => {
  it('have a logger with warn and without info/debug (the SDK redacts each answer for an info method)', () => {
    const { pool } = setup();
    const clients = [pool.ec2(member(), 'us-east-1'), pool.organizations(), pool.stsWith(sim.central)];
    for (const client of clients) {
      const logger = client.config.logger as Partial<Logger>;
      expect(logger).toBe(SDK_CLIENT_LOGGER);
      expect(logger.info).toBeUndefined();
      expect(logger.debug).toBeUndefined();
      expect(typeof logger.warn).toBe('function');
    }
  });

  it('hand a logger with info every answer, redacted — the work the default logger avoids', async () => {
    const seen: unknown[] = [];
    const logger = { ...console, info: (entry: unknown) => seen.push(entry), debug: () => undefined };
    const { pool } = setup({ pool: { sdkLogger: logger as unknown as Logger } });
    await pool.ec2(member(), 'us-east-1').send(new DescribeRegionsCommand({}));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      commandName: 'DescribeRegionsCommand',
      output: { Regions: expect.any(Array) },
    });
  });

  it('get at least as many sockets per origin as calls may be in flight', () => {
    expect(socketsFor({})).toBe(DEFAULT_MAX_SOCKETS);
    expect(socketsFor({ maxSockets: 50, callsInFlight: 64 })).toBe(64);
    expect(socketsFor({ maxSockets: 100, callsInFlight: 64 })).toBe(100);
    expect(socketsFor({ callsInFlight: 10 })).toBe(DEFAULT_MAX_SOCKETS);
    expect(() => socketsFor({ callsInFlight: 0 })).toThrow(/callsInFlight/);
  });

  it('read DescribeInstances with the fast reader: only the projected fields, same items', async () => {
    const fast = await setup().pool.ec2(member(), 'us-east-1').send(new DescribeInstancesCommand({}));
    const sdk = await setup({ pool: { fastEc2Readers: false } })
      .pool.ec2(member(), 'us-east-1')
      .send(new DescribeInstancesCommand({}));
    const ids = (out: typeof fast) => out.Reservations?.flatMap((r) => r.Instances?.map((i) => i.InstanceId));
    expect(ids(fast)).toHaveLength(12);
    expect(ids(fast)).toEqual(ids(sdk));
    const [one, sdkOne] = [fast.Reservations![0]!.Instances![0]!, sdk.Reservations![0]!.Instances![0]!];
    expect(sdkOne.Monitoring).toBeDefined(); // not in the projection:
    expect(one.Monitoring).toBeUndefined(); // the fast path was taken
    expect(one.State).toEqual(sdkOne.State);
    expect(fast.$metadata).toMatchObject({
      httpStatusCode: 200,
      attempts: 1,
      requestId: sdk.$metadata.requestId && expect.any(String),
    });
  });

  it('leave errors to the SDK: the same error class, code and status as without the reader', async () => {
    const ask = async (fastEc2Readers: boolean) => {
      const client = setup({ pool: { fastEc2Readers } }).pool.ec2(member(), 'us-east-1');
      return client
        .send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] }))
        .catch((e: unknown) => e);
    };
    const [fast, sdk] = (await Promise.all([ask(true), ask(false)])) as {
      name: string;
      $fault: string;
      $metadata: { httpStatusCode: number };
      constructor: unknown;
    }[];
    expect(fast!.name).toBe('InvalidInstanceID.NotFound');
    expect(fast!.constructor).toBe(sdk!.constructor);
    expect([fast!.name, fast!.$fault, fast!.$metadata.httpStatusCode]).toEqual([
      sdk!.name,
      sdk!.$fault,
      sdk!.$metadata.httpStatusCode,
    ]);
  });
});

describe('the SDK config the pool’s clients share (shared-sdk-config.ts)', () => {
  const hosts: string[] = [];
  const handler = {
    handle: async (request: HttpRequest) => {
      hosts.push(request.hostname);
      const body = `<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><reservationSet/></DescribeInstancesResponse>`;
      return {
        response: new HttpResponse({
          statusCode: 200,
          headers: {},
          body: Readable.from([Buffer.from(body)]),
        }),
      };
    },
    destroy: () => undefined,
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
  } as unknown as NodeHttpHandler;
  const credentials = async () => ({ accessKeyId: 'AKIDTEST', secretAccessKey: 'test' });
  const pool = (options: Partial<ClientPoolOptions> = {}) =>
    new ClientPool({
      broker: { providerFor: () => credentials },
      centralCredentials: credentials,
      httpHandler: handler,
      env: {}, // no endpoint override: the SDK's own regional endpoints
      ...options,
    });
  afterEach(() => {
    vi.unstubAllEnvs();
    hosts.length = 0;
  });

  it('is resolved once per Region: clients of other accounts there get the first one’s providers', () => {
    const shared = pool();
    const [a, b, other] = [
      shared.ec2('111111111111', 'us-east-1'),
      shared.ec2('222222222222', 'us-east-1'),
      shared.ec2('111111111111', 'eu-west-1'),
    ];
    for (const key of ['retryMode', 'authSchemePreference', 'useDualstackEndpoint', 'maxAttempts'] as const) {
      expect(typeof a.config[key], key).toBe('function');
      expect(b.config[key], key).toBe(a.config[key]);
      expect(other.config[key], key).not.toBe(a.config[key]);
    }
    const apart = pool({ shareSdkConfig: false });
    const [c, d] = [apart.ec2('111111111111', 'us-east-1'), apart.ec2('222222222222', 'us-east-1')];
    expect(d.config.retryMode).not.toBe(c.config.retryMode);
  });

  it('still honours the environment: AWS_USE_FIPS_ENDPOINT, AWS_RETRY_MODE, AWS_SDK_UA_APP_ID', async () => {
    vi.stubEnv('AWS_USE_FIPS_ENDPOINT', 'true');
    vi.stubEnv('AWS_RETRY_MODE', 'adaptive');
    vi.stubEnv('AWS_SDK_UA_APP_ID', 'orgraph-test');
    const p = pool();
    const clients = [
      p.ec2('111111111111', 'us-east-1'),
      p.ec2('222222222222', 'us-east-1'),
      p.ec2('333333333333', 'us-east-1'),
      p.ec2('111111111111', 'eu-west-1'),
    ];
    for (const client of clients) await client.send(new DescribeInstancesCommand({}));
    expect(hosts).toEqual([
      'ec2-fips.us-east-1.amazonaws.com',
      'ec2-fips.us-east-1.amazonaws.com',
      'ec2-fips.us-east-1.amazonaws.com',
      'ec2-fips.eu-west-1.amazonaws.com',
    ]);
    for (const client of clients) {
      expect(await client.config.useFipsEndpoint()).toBe(true);
      expect(await (client.config.retryMode as () => Promise<string>)()).toBe('adaptive');
      expect(await client.config.userAgentAppId()).toBe('orgraph-test');
    }
  });

  it('and without them, the SDK’s defaults', async () => {
    vi.stubEnv('AWS_USE_FIPS_ENDPOINT', 'false');
    const p = pool();
    for (const account of ['111111111111', '222222222222'])
      await p.ec2(account, 'us-east-1').send(new DescribeInstancesCommand({}));
    expect(hosts).toEqual(['ec2.us-east-1.amazonaws.com', 'ec2.us-east-1.amazonaws.com']);
  });
});
