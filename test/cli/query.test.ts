// `orgraph query` as a script would run it: real processes, environment credentials, a config file,
// against the simulated AWS; the data is checked against the sim's ground truth and the AWS calls
// against its request log.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { constants, mkdtempSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { fileURLToPath } from 'node:url';
import { interruptCli, runCli, spawnCli, simCliEnv } from '../helpers/run-cli.js';
import { parseCsv } from '../helpers/csv.js';

let sim: RunningSim;
const dir = mkdtempSync(join(tmpdir(), 'orgraph-query-'));
const configFile = join(dir, 'orgraph.json');
/** maxFirst 7: every export is read in several pages of the engine's cursors. */
const smallPages = join(dir, 'small-pages.json');
const REGION = 'us-east-1';

const env = (): NodeJS.ProcessEnv => simCliEnv(sim, REGION);

/** `account/instance` of every instance of the sim in REGION. */
function truth(): string[] {
  return sim.world.accounts
    .flatMap((a) => sim.world.regionData(a.id, REGION).instances.map((i) => `${a.id}/${i.instanceId}`))
    .sort();
}

function writeConfig(path: string, graph: Record<string, unknown> = {}): void {
  writeFileSync(
    path,
    JSON.stringify({
      credentials: { broker: { externalId: sim.world.externalId } },
      graph: { regions: [REGION], ...graph },
    }),
  );
}

beforeAll(async () => {
  sim = await startSim({ seed: 21, accounts: 4, regions: [REGION], instancesPerRegion: 6 });
  writeConfig(configFile);
  writeConfig(smallPages, { maxFirst: 7 });
});
afterAll(async () => {
  await sim.close();
});

describe('orgraph query: JSON and exit statuses', () => {
  it('prints the answer as JSON and exits 0 when it is complete, without the SDK Node notice', async () => {
    sim.log.reset();
    const { code, stdout, stderr } = await runCli(
      ['query', '--config', configFile, '{ instances { nodes { instanceId account { accountId } } } }'],
      env(),
    );
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as {
      data: { instances: { nodes: { instanceId: string; account: { accountId: string } }[] } };
    };
    expect(result.data.instances.nodes.map((n) => `${n.account.accountId}/${n.instanceId}`).sort()).toEqual(
      truth(),
    );
    expect(sim.log.count({ operation: 'AssumeRole' })).toBe(4);
    expect(stderr).not.toContain('NodeVersionSupportWarning');
    // Not a terminal: one structured line per phase.
    const phases = stderr
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(phases).toContain('query finished');
  });

  it('loads the EC2 SDK only when the operation reads EC2', async () => {
    const probe = fileURLToPath(new URL('../helpers/report-loaded-sdk.cjs', import.meta.url));
    const run = (query: string) =>
      runCli(['query', '--config', configFile, query], { ...env(), NODE_OPTIONS: `--require ${probe}` });
    sim.log.reset();
    const accounts = await run('{ accounts { nodes { accountId name } } }');
    expect(accounts.code).toBe(0);
    expect(JSON.parse(accounts.stdout)).toMatchObject({ data: { accounts: { nodes: expect.any(Array) } } });
    expect(accounts.stderr).toContain('client-ec2 loaded at the first request: false; at exit: false');
    expect(sim.log.count({ service: 'ec2' })).toBe(0);

    const instances = await run('{ instances { nodes { instanceId } } }');
    expect(instances.code).toBe(0);
    // Loaded before anything was sent: loading it with calls in flight would stall their answers.
    expect(instances.stderr).toContain('client-ec2 loaded at the first request: true; at exit: true');
    expect(sim.log.count({ operation: 'DescribeInstances' })).toBeGreaterThan(0);
  });

  it('exits 3 with data and errors when part of the organization cannot be read', async () => {
    const broken = sim.world.accounts[1]!.id;
    sim.knobs.scenarios.set(broken, { roleMissing: true });
    try {
      const variables = join(dir, 'vars.json');
      writeFileSync(variables, JSON.stringify({ n: 100 }));
      const { code, stdout, stderr } = await runCli(
        [
          'query',
          '--config',
          configFile,
          '--variables',
          variables,
          'query ($n: Int) { instances(first: $n) { nodes { instanceId } } }',
        ],
        env(),
      );
      expect(code).toBe(3);
      const result = JSON.parse(stdout) as {
        data: unknown;
        errors: { extensions: { code: string; accountId: string } }[];
      };
      expect(result.data).not.toBeNull();
      expect(result.errors.map((e) => [e.extensions.code, e.extensions.accountId])).toEqual([
        ['ROLE_NOT_ASSUMABLE', broken],
      ]);
      expect(stderr).toContain('ROLE_NOT_ASSUMABLE');
    } finally {
      sim.knobs.scenarios.delete(broken);
    }
  });

  it('exits 2 with QUERY_TOO_EXPENSIVE, before any AssumeRole or EC2 call, over graph.limits.maxAwsCalls', async () => {
    const tight = join(dir, 'tight.json');
    writeFileSync(
      tight,
      JSON.stringify({
        credentials: { broker: { externalId: sim.world.externalId } },
        graph: { regions: ['us-east-1'], limits: { maxAwsCalls: 3 } },
      }),
    );
    sim.log.reset();
    const { code, stdout, stderr } = await runCli(
      ['query', '--config', tight, '{ instances { totalCount } }'],
      env(),
    );
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({
      errors: [{ extensions: { code: 'QUERY_TOO_EXPENSIVE', estimatedCalls: 8, limit: 3 } }],
    });
    expect(stderr).toContain('QUERY_TOO_EXPENSIVE');
    // 4 accounts × 1 Region + 4 AssumeRole.
    expect(stderr).toMatch(/8 AWS calls/);
    expect(sim.log.count({ operation: 'AssumeRole' })).toBe(0);
    expect(sim.log.count({ service: 'ec2' })).toBe(0);
  });

  it('exits 1 when the central credentials are unusable', async () => {
    const { code, stderr } = await runCli(['query', '--config', configFile, '{ accounts { totalCount } }'], {
      ...env(),
      AWS_SECRET_ACCESS_KEY: 'wrong-secret-wrong-secret-wrong-secret-00',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('central AWS credentials cannot be used');
    // The check's own error, not what the bad credentials did to the account list read alongside it.
    expect(stderr).toContain('STS rejected the signature of the default credential chain');
    expect(stderr).not.toContain('ListAccounts');
  });

  it('reads the account list while the central check runs; member sessions wait for the check', async () => {
    const quick = configWithCallTimeout('quick.json', 400);
    sim.log.reset();
    sim.knobs.unresponsive = ['sts']; // the check never gets its answer, nor would any AssumeRole
    try {
      const { code, stderr } = await runCli(
        ['query', '--config', quick, '{ instances { nodes { instanceId } } }'],
        env(),
      );
      expect(code).toBe(1);
      expect(stderr).toContain('the central AWS credentials cannot be used');
      expect(stderr).toMatch(/did not answer GetCallerIdentity for .* within 400 ms/);
    } finally {
      sim.knobs.unresponsive = [];
    }
    // Before this, the first Organizations call waited for the check, so a check that never ended
    // meant no ListAccounts at all.
    expect(sim.log.count({ operation: 'GetCallerIdentity' })).toBe(1);
    expect(sim.log.count({ operation: 'ListAccounts' })).toBeGreaterThanOrEqual(1);
    expect(sim.log.count({ operation: 'AssumeRole' })).toBe(0);
    expect(sim.log.count({ service: 'ec2' })).toBe(0);
  });

  it.each([
    ['a bad argument (BAD_USER_INPUT)', '{ account(id: "12") { name } }', /12-digit account id/],
    ['a field the schema lacks', '{ account(id: "123456789012") { nme } }', /Cannot query field "nme"/],
    ['a syntax error', '{ account(id: ', /not valid GraphQL \(line 1/],
  ])('exits 2 for %s', async (_what, query, message) => {
    sim.log.reset();
    const { code, stderr } = await runCli(['query', '--config', configFile, query], env());
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('exits 2 naming the bad option of a configuration file', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        graph: { regions: ['not-a-region'] },
        credentials: { broker: { roleSessionName: 'x' } },
      }),
    );
    const { code, stderr } = await runCli(['query', '--config', bad, '{ organization { id } }'], env());
    expect(code).toBe(2);
    expect(stderr).toContain('graph.regions.0');
    expect(stderr).toContain('credentials.broker.roleSessionName');
  });

  it('exits 2 when the operation is refused as bad input, without reading the organization', async () => {
    sim.log.reset();
    const { code, stdout, stderr } = await runCli(
      ['query', '--config', configFile, '{ instances(where: { regions: ["mars-1"] }) { totalCount } }'],
      env(),
    );
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
    expect(JSON.parse(stdout)).not.toHaveProperty('data');
    expect(stderr).toContain('BAD_USER_INPUT');
    expect(stderr).toContain('Argument where.regions[0] of instances');
    expect(JSON.parse(stdout).errors[0].message).toContain('(got "mars-1")');
    expect(stderr).toContain('mars-1');
    // Refused before the central-credential check: not a single AWS call.
    expect(sim.log.total).toBe(0);
  });

  it('exits 2 when the operation is missing (stdin empty)', async () => {
    const { code, stderr } = await runCli(['query'], env(), '');
    expect(code).toBe(2);
    expect(stderr).toContain('no operation: stdin was empty');
  });
});

describe('orgraph query: input', () => {
  it('reads the operation from stdin and types --var by the variable definitions', async () => {
    const account = sim.world.accounts[2]!.id;
    const op = `query Q($ids: [String!], $n: Int, $on: Boolean!) {
      accounts(where: { accountIds: $ids }, first: $n) { nodes { accountId } }
      skipped: accounts(first: 1) @include(if: $on) { totalCount }
    }`;
    for (const args of [['-'], []]) {
      const { code, stdout } = await runCli(
        [
          'query',
          '--config',
          configFile,
          '--var',
          `ids=${account}`,
          '--var',
          'n=5',
          '--var',
          'on=false',
          ...args,
        ],
        env(),
        op,
      );
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual({ data: { accounts: { nodes: [{ accountId: account }] } } });
    }
  });

  it('refuses a --var of the wrong type or one the operation does not declare, naming it', async () => {
    const op = 'query ($n: Int) { accounts(first: $n) { totalCount } }';
    const wrong = await runCli(['query', '--config', configFile, '--var', 'n=many', op], env());
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("--var n: expected an integer (Int), got 'many'");
    const unknown = await runCli(['query', '--config', configFile, '--var', 'm=1', op], env());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--var m: the operation declares no $m (it declares $n)');
  });

  it('runs the operation --operation names, and asks for one when there are several', async () => {
    const file = join(dir, 'two.graphql');
    writeFileSync(
      file,
      'query Count { accounts { totalCount } }\nquery Ids { accounts { nodes { accountId } } }',
    );
    const chosen = await runCli(
      ['query', '--config', configFile, '--file', file, '--operation', 'Count'],
      env(),
    );
    expect(chosen.code).toBe(0);
    expect(JSON.parse(chosen.stdout)).toEqual({ data: { accounts: { totalCount: 4 } } });
    const ambiguous = await runCli(['query', '--config', configFile, '--file', file], env());
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('2 operations (Count, Ids): choose one with --operation NAME');
  });
});

describe('orgraph query: NDJSON and CSV', () => {
  const INSTANCES = '{ instances { nodes { instanceId account { accountId name } region { name } } } }';

  it('streams NDJSON rows page by page with the engine cursors, one row per instance', async () => {
    sim.log.reset();
    const { code, stdout, stderr } = await runCli(
      ['query', '--config', smallPages, '--format', 'ndjson', '--verbose', INSTANCES],
      env(),
    );
    expect(code).toBe(0);
    const rows = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(Object.keys(rows[0]!)).toEqual(['instanceId', 'account.accountId', 'account.name', 'region.name']);
    expect(rows.map((r) => `${r['account.accountId']}/${r['instanceId']}`).sort()).toEqual(truth());
    // 24 instances in pages of at most 7: at least 4 pages, and no AWS page read twice.
    const pages = stderr.split('\n').filter((l) => l.includes('"page written"')).length;
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(sim.log.count({ operation: 'DescribeInstances' })).toBeLessThanOrEqual(pages + 4);
    expect(sim.log.count({ operation: 'AssumeRole' })).toBe(4);
    // An export reads ahead (graph.fanOutPaging 'read-ahead'): the first page asks every target of its
    // window at once for the whole page (7), never a 5-item probe.
    const asked = sim.log.entries({ operation: 'DescribeInstances' }).map((e) => e.params['MaxResults']);
    expect(asked.slice(0, 4)).toEqual(['7', '7', '7', '7']);
    expect(asked).not.toContain('5');
  });

  it('writes RFC 4180 CSV: header, CRLF, quoted commas, quotes, newlines and non-ASCII tag values', async () => {
    const account = sim.world.accounts[0]!;
    const instance = sim.world.regionData(account.id, REGION).instances[0]!;
    const note = 'a,b "quoted"\nsecond line, ünïcødé ✓';
    instance.tags.push({ key: 'note', value: note });
    try {
      const { code, stdout } = await runCli(
        [
          'query',
          '--config',
          smallPages,
          '--format',
          'csv',
          `{ instances { nodes { instanceId account { name } note: tag(key: "note") tags { key } } } }`,
        ],
        env(),
      );
      expect(code).toBe(0);
      expect(stdout.startsWith('instanceId,account.name,note,tags\r\n')).toBe(true);
      expect(stdout).toContain(`"a,b ""quoted""\nsecond line, ünïcødé ✓"`);
      const [header, ...rows] = parseCsv(stdout);
      expect(header).toEqual(['instanceId', 'account.name', 'note', 'tags']);
      expect(rows).toHaveLength(truth().length);
      const row = rows.find((r) => r[0] === instance.instanceId)!;
      expect(row[1]).toBe(account.name);
      expect(row[2]).toBe(note);
      expect(JSON.parse(row[3]!)).toEqual(instance.tags.map((t) => ({ key: t.key })));
      expect(rows.filter((r) => r[0] !== instance.instanceId).every((r) => r[2] === '')).toBe(true);
    } finally {
      instance.tags.pop();
    }
  });

  it('needs --path when the result has several lists, and exports the one it names', async () => {
    const query = '{ accounts { nodes { accountId } } instances { nodes { instanceId } } }';
    const ambiguous = await runCli(['query', '--config', configFile, '--format', 'csv', query], env());
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain(
      'several lists (accounts.nodes, instances.nodes): choose the rows with --path',
    );
    const chosen = await runCli(
      ['query', '--config', configFile, '--format', 'csv', '--path', 'accounts.nodes', query],
      env(),
    );
    expect(chosen.code).toBe(0);
    expect(
      parseCsv(chosen.stdout)
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual(sim.world.accounts.map((a) => a.id).sort());
  });

  it('ends quietly when the reader closes the pipe', async () => {
    const child = spawnCli(['query', '--config', smallPages, '--format', 'ndjson', INSTANCES], env());
    child.stdin.end();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|Error:|at .*\.js:\d+/);
  });
});

describe('orgraph query: cursors across processes', () => {
  const PAGE =
    'query ($after: String) { instances(first: 3, after: $after) { nodes { instanceId } pageInfo { endCursor } } }';

  async function firstCursor(config: string): Promise<string> {
    const { code, stdout } = await runCli(['query', '--config', config, PAGE], env());
    expect(code).toBe(0);
    return (JSON.parse(stdout) as { data: { instances: { pageInfo: { endCursor: string } } } }).data.instances
      .pageInfo.endCursor;
  }

  it('refuses a cursor of another process without graph.cursorSecret, saying why and how to fix it', async () => {
    const cursor = await firstCursor(configFile);
    const { code, stderr } = await runCli(
      ['query', '--config', configFile, '--var', `after=${cursor}`, PAGE],
      env(),
    );
    expect(code).toBe(2);
    expect(stderr).toContain('issued by another orgraph process');
    expect(stderr).toContain('set graph.cursorSecret');
  });

  it('accepts it in the next process when graph.cursorSecret is set', async () => {
    const shared = join(dir, 'secret.json');
    writeConfig(shared, { cursorSecret: 'a-shared-secret-of-at-least-32-characters' });
    const cursor = await firstCursor(shared);
    const { code, stdout } = await runCli(
      ['query', '--config', shared, '--var', `after=${cursor}`, PAGE],
      env(),
    );
    expect(code).toBe(0);
    const nodes = (JSON.parse(stdout) as { data: { instances: { nodes: unknown[] } } }).data.instances.nodes;
    expect(nodes).toHaveLength(3);
  });
});

describe('orgraph query: Ctrl-C', () => {
  it('stops the AWS work and exits 130', async () => {
    sim.knobs.latency.ec2 = { fixedMs: 60_000, jitterMs: 0 };
    try {
      const child = spawnCli(
        ['query', '--config', configFile, '{ instances { nodes { instanceId } } }'],
        env(),
      );
      child.stdin.end();
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      // The handler is in place once this phase is logged; the EC2 calls then wait on the sim.
      while (!stderr.includes('checking the central credentials')) await sleep(50);
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      expect(code).toBe(130);
      expect(stderr).toContain('SIGINT: stopping the AWS work');
    } finally {
      delete sim.knobs.latency.ec2;
    }
  });
});

describe('orgraph query: Ctrl-C while the central check is unanswered', () => {
  // STS never answers and the check would wait ten minutes; Ctrl-C must not (the test's timeout says a hang).
  it('exits 130 without waiting for the check', async () => {
    const patient = configWithCallTimeout('patient.json', 600_000);
    const { code, stderr } = await withStsUnresponsive(() =>
      // The account list goes out alongside the check: once it is logged, the check is pending.
      interruptCli(
        ['query', '--config', patient, '{ instances { nodes { instanceId } } }'],
        env(),
        () => sim.log.count({ operation: 'ListAccounts' }) > 0,
      ),
    );
    expect(code).toBe(130);
    expect(stderr).toContain('SIGINT: stopping the AWS work');
    expect(stderr).not.toContain('the central AWS credentials cannot be used');
    expect(sim.log.count({ operation: 'GetCallerIdentity' })).toBe(1);
    expect(sim.log.count({ operation: 'AssumeRole' })).toBe(0);
  });

  it('with a management-account role (the check comes first): exits 130 at once, the check abandoned', async () => {
    // Retries as configured by default: an abandoned check must not go on retrying either.
    const patient = configIn('patient-role.json', {
      graph: {
        regions: [REGION],
        accounts: {
          source: 'organizations',
          managementAccountRole: { accountId: sim.world.organization.managementAccountId },
        },
      },
      aws: { callTimeoutMs: 600_000 },
    });
    const { code, stderr } = await withStsUnresponsive(() =>
      // The account list needs a member session: nothing goes out alongside the check.
      interruptCli(
        ['query', '--config', patient, '{ accounts { nodes { accountId } } }'],
        env(),
        () => sim.log.count({ operation: 'GetCallerIdentity' }) > 0,
      ),
    );
    expect(code).toBe(130);
    expect(stderr).toContain('SIGINT: stopping the AWS work');
    expect(stderr).not.toContain('the central AWS credentials cannot be used');
    expect(sim.log.count({ operation: 'GetCallerIdentity' })).toBe(1);
    expect(sim.log.count({ operation: 'ListAccounts' })).toBe(0);
    expect(sim.log.count({ operation: 'AssumeRole' })).toBe(0);
  });
});

describe('orgraph query: Ctrl-C while its input is still being read', () => {
  it('exits 130 and sends nothing to AWS', async () => {
    // The variables come through a named pipe: the command waits on it, its Ctrl-C handler installed.
    const fifo = join(dir, 'variables.fifo');
    execFileSync('mkfifo', [fifo]);
    sim.log.reset();
    const args = [
      'query',
      '--config',
      configFile,
      '--variables',
      fifo,
      '{ accounts { nodes { accountId } } }',
    ];
    const child = spawnCli(args, env());
    onTestFinished(() => void child.kill('SIGKILL')); // also when the test times out
    try {
      child.stdin.end();
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      // A non-blocking open for writing fails (ENXIO) until the command has opened the pipe to read it.
      const writer = await openWhenRead(fifo, closed);
      child.kill('SIGINT');
      while (!stderr.includes('SIGINT: stopping the AWS work')) await sleep(20);
      await writer.writeFile('{}');
      await writer.close();
      expect(await closed).toBe(130);
      expect(stderr).not.toContain('the central AWS credentials cannot be used');
      expect(stderr).not.toMatch(/Error|at .*\.ts:\d+/); // no crash, no stack trace
    } finally {
      child.kill('SIGKILL');
    }
    expect(sim.log.entries()).toEqual([]);
  });
});

/** `fifo` opened for writing once a reader has it open; fails if the command ends before that. */
async function openWhenRead(fifo: string, ended: Promise<unknown>): Promise<FileHandle> {
  let gone = false;
  void ended.then(() => (gone = true));
  for (;;) {
    try {
      return await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENXIO') throw err;
      if (gone) throw new Error('the command ended before it read its variables');
      await sleep(20);
    }
  }
}

/** `run` with the sim's request log cleared and STS never answering. */
async function withStsUnresponsive<T>(run: () => Promise<T>): Promise<T> {
  sim.log.reset();
  sim.knobs.unresponsive = ['sts'];
  try {
    return await run();
  } finally {
    sim.knobs.unresponsive = [];
  }
}

/** A configuration file (in the suite's directory) with this `aws.callTimeoutMs` and one attempt per call. */
function configWithCallTimeout(name: string, callTimeoutMs: number): string {
  return configIn(name, {
    graph: { regions: [REGION] },
    aws: { callTimeoutMs, retry: { maxAttempts: 1 } },
  });
}

/** A configuration file (in the suite's directory): the sim's ExternalId and these sections. */
function configIn(name: string, sections: Record<string, unknown>): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    JSON.stringify({ credentials: { broker: { externalId: sim.world.externalId } }, ...sections }),
  );
  return file;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
