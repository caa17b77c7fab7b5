import { describe, it, expect, vi, afterEach } from 'vitest';
import { AwsCallError } from '../../src/aws/errors.js';
import { parseGraphConfig } from '../../src/config/graph.js';
import { createFormatError } from '../../src/graph/errors.js';
import { createApolloServer, createGraph } from '../../src/graph/index.js';
import { FakeAwsData, accountIdOf } from './fake-aws-data.js';
import { at, dataOf, harness } from './harness.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('error masking', () => {
  it('masks an unexpected error: no message, stack or secret reaches the client, and it is logged', async () => {
    const fake = new FakeAwsData();
    fake.crash = new TypeError(`cannot read secretAccessKey ${SECRET}`);
    const logged: string[] = [];
    const graph = createGraph({
      config: parseGraphConfig({}),
      data: fake,
      logger: {
        error: (msg: string, fields?: Record<string, unknown>) =>
          logged.push(JSON.stringify({ msg, fields })),
      } as never,
    });
    const server = createApolloServer(graph);
    const response = await server.executeOperation(
      { query: '{ accounts { totalCount } }' },
      { contextValue: graph.createContext() },
    );
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    const result = response.body.singleResult;
    expect(result.errors).toEqual([
      {
        message: 'Internal server error',
        locations: [{ line: 1, column: 3 }],
        path: ['accounts'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      },
    ]);
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(JSON.stringify(result)).not.toContain('TypeError');
    expect(logged.join('\n')).toContain('cannot read secretAccessKey');
  });

  it('reports an AWS failure of a single field with its facts in extensions', async () => {
    const fake = new FakeAwsData();
    fake.organizations.describeOrganization = async () => {
      throw new AwsCallError({
        code: 'ACCESS_DENIED',
        message: 'not the management account',
        service: 'organizations',
        operation: 'DescribeOrganization',
        awsErrorCode: 'AccessDeniedException',
        requestId: 'r-1',
        retryable: false,
      });
    };
    const result = await harness(fake).run('{ organization { arn accounts { totalCount } } }');
    expect(dataOf(result)['organization']).toBeNull();
    expect(result.errors).toEqual([
      {
        message: 'not the management account',
        locations: [{ line: 1, column: 18 }],
        path: ['organization', 'arn'],
        extensions: {
          code: 'ACCESS_DENIED',
          service: 'organizations',
          operation: 'DescribeOrganization',
          awsErrorCode: 'AccessDeniedException',
          requestId: 'r-1',
          retryable: false,
        },
      },
    ]);
  });

  it('keeps validation errors as they are, without stack traces', () => {
    const format = createFormatError();
    const formatted = format(
      {
        message: 'Cannot query field "x"',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['at x'] },
      },
      new Error('x'),
    );
    expect(formatted).toEqual({
      message: 'Cannot query field "x"',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('answers a bad argument with BAD_USER_INPUT', async () => {
    const result = await harness(new FakeAwsData()).run('{ account(id: "12") { accountId } }');
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(result.errors?.[0]?.message).toContain('"12"');
  });
});

describe('deadline and abort', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A data layer whose EC2 list calls wait until their signal aborts. */
  function hangingEc2(fake: FakeAwsData): { started: Promise<void> } {
    let markStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    fake.ec2.page = async (_list, _target, _request, options) => {
      markStarted();
      return new Promise((_, reject) => {
        const signal = options?.signal;
        if (!signal) return;
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    };
    return { started };
  }

  it("stops the query's work at its deadline and reports UPSTREAM_TIMEOUT per target", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const fake = new FakeAwsData({ accounts: 1, regions: ['us-east-1'] });
    const { started } = hangingEc2(fake);
    const h = harness(fake, { queryDeadlineMs: 5_000 });
    const pending = h.run('{ instances { nodes { instanceId } failures { code accountId region } } }');
    await started;
    vi.advanceTimersByTime(5_000);
    const result = await pending;
    expect(at(dataOf(result), 'instances', 'failures')).toEqual([
      { code: 'UPSTREAM_TIMEOUT', accountId: accountIdOf(0), region: 'us-east-1' },
    ]);
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      accountId: accountIdOf(0),
      region: 'us-east-1',
      retryable: true,
    });
  });

  it('never lets a deadline beyond what a timer holds fire at once', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    // A configuration built by hand, past the schema's cap (which refuses 3e9, see config.test.ts).
    const config = { ...parseGraphConfig({}), queryDeadlineMs: 3e9 };
    const context = createGraph({ config, data: new FakeAwsData() }).createContext();
    vi.advanceTimersByTime(60_000);
    expect(context.signal.aborted).toBe(false);
    vi.advanceTimersByTime(2_147_483_647);
    expect(context.signal.aborted).toBe(true);
    context.dispose();
  });

  it('stops the work when the client goes away', async () => {
    const fake = new FakeAwsData({ accounts: 1, regions: ['us-east-1'] });
    const { started } = hangingEc2(fake);
    const graph = createGraph({ config: parseGraphConfig({}), data: fake });
    const server = createApolloServer(graph);
    const client = new AbortController();
    const pending = server.executeOperation(
      {
        query: `{ account(id: "${accountIdOf(0)}") { region(name: "us-east-1") { instances { totalCount } } } }`,
      },
      { contextValue: graph.createContext({ signal: client.signal }) },
    );
    await started;
    client.abort();
    const response = await pending;
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    expect(response.body.singleResult.errors?.[0]?.extensions?.['code']).toBe('UPSTREAM_TIMEOUT');
    expect(response.body.singleResult.errors?.[0]?.path).toEqual(['account', 'region', 'instances']);
  });

  it('aborts the signal given to data calls once the response is sent', async () => {
    const fake = new FakeAwsData({ accounts: 1 });
    await harness(fake).run('{ instances(first: 1) { nodes { instanceId } } }');
    const ec2 = fake.calls.find((c) => c.op === 'DescribeInstances');
    expect(ec2?.options?.signal?.aborted).toBe(true);
    // The exception: the account list's read stops only when the request is stopped (deadline, client
    // gone, a budget), so a page answered while its pages still arrive lets it finish and be cached
    // (test/graph/account-feed.test.ts).
    const list = fake.calls.find((c) => c.op === 'ListAccounts');
    expect(list?.options?.signal).toBeDefined();
    expect(list?.options?.signal?.aborted).toBe(false);
  });
});
