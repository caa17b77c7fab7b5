// `orgraph doctor` against a simulated organization with one account per failure cause (the sim's
// scenario knobs), run as a real process: each cause is named for the right account, the summary
// counts them, the exit status says whether any account fails, and the AWS calls are the cheap ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { interruptCli, runCli, simCliEnv } from '../helpers/run-cli.js';
import { parseCsv } from '../helpers/csv.js';

let sim: RunningSim;
const dir = mkdtempSync(join(tmpdir(), 'orgraph-doctor-'));
const REGIONS = ['eu-west-1', 'us-east-1'];
/** account id → the cause doctor must name (undefined: OK). */
const expected = new Map<string, string | undefined>();

const env = (): NodeJS.ProcessEnv => simCliEnv(sim, 'us-east-1');

function config(name: string, graph: Record<string, unknown> = {}): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      credentials: { broker: { externalId: sim.world.externalId } },
      graph: { regions: REGIONS, ...graph },
    }),
  );
  return path;
}

interface DoctorJson {
  credentials: { principal: string; source: string; expires: string | null };
  accountSource: { source: string; accounts: number };
  accounts: { accountId: string; ok: boolean; cause?: string; detail?: string; fix?: string }[];
  summary: { accounts: number; ok: number; failing: number; causes: Record<string, number> };
}

beforeAll(async () => {
  sim = await startSim({ seed: 1, accounts: 10, regions: ['us-east-1'], instancesPerRegion: 1 });
  const active = sim.world.accounts.filter((a) => a.state === 'ACTIVE').map((a) => a.id);
  const suspended = sim.world.accounts.filter((a) => a.state !== 'ACTIVE').map((a) => a.id);
  expect(suspended.length).toBeGreaterThan(0);
  const scenarios: [Record<string, unknown>, string][] = [
    [{ roleMissing: true }, 'roleNotAssumable'],
    [{ trustMissingPrincipal: true }, 'roleNotAssumable'],
    [{ externalIdMismatch: true }, 'roleNotAssumable'],
    [{ deniedActions: ['ec2:DescribeSubnets'] }, 'permissionMissing'],
    [{ scpDeniedActions: ['ec2:DescribeInstances'] }, 'scpDenied'],
    [{ disabledRegions: ['eu-west-1'] }, 'regionNotEnabled'],
  ];
  // The first active account (the management account) stays healthy, and so does the last one.
  scenarios.forEach(([scenario, cause], i) => {
    const id = active[i + 1] as string;
    sim.knobs.scenarios.set(id, scenario);
    expected.set(id, cause);
  });
  for (const id of active) if (!expected.has(id)) expected.set(id, undefined);
  for (const id of suspended) expected.set(id, 'accountNotActive');
  expect([...expected.values()].filter((c) => c === undefined).length).toBeGreaterThanOrEqual(2);
});
afterAll(async () => {
  await sim.close();
});

describe('orgraph doctor', () => {
  it('names the cause of each failing account, counts them, and exits 3 (--json)', async () => {
    sim.log.reset();
    const { code, stdout } = await runCli(['doctor', '-q', '--json', '--config', config('all.json')], env());
    expect(code).toBe(3);
    const report = JSON.parse(stdout) as DoctorJson;
    expect(report.credentials.principal).toBe(
      `arn:aws:iam::${sim.world.centralAccountId}:user/orgraph-central`,
    );
    expect(report.credentials.source).toBe('default');
    expect(report.accountSource).toEqual({
      source: 'organizations',
      description: expect.stringContaining('AWS Organizations') as unknown,
      accounts: sim.world.accounts.length,
    });
    expect(new Map(report.accounts.map((a) => [a.accountId, a.cause]))).toEqual(expected);
    const byCause = (cause: string) => report.accounts.find((a) => a.cause === cause)!;
    expect(byCause('permissionMissing').detail).toBe('ec2:DescribeSubnets');
    expect(byCause('permissionMissing').fix).toContain('deploy/cmdb-read-role.yaml');
    expect(byCause('scpDenied').detail).toBe('ec2:DescribeInstances');
    expect(byCause('regionNotEnabled').detail).toBe('eu-west-1');
    expect(byCause('roleNotAssumable').fix).toContain('StackSet instance');
    const counts: Record<string, number> = {};
    for (const c of expected.values()) if (c) counts[c] = (counts[c] ?? 0) + 1;
    expect(report.summary.causes).toEqual(counts);
    expect(report.summary.ok).toBe([...expected.values()].filter((c) => c === undefined).length);

    // One AssumeRole per active account; in each healthy one, DescribeRegions (for real) and one DryRun
    // per other action.
    const active = sim.world.accounts.filter((a) => a.state === 'ACTIVE').length;
    expect(sim.log.count({ operation: 'AssumeRole' })).toBe(active);
    const healthy = [...expected].find(([, c]) => c === undefined)![0];
    const calls = sim.log
      .entries({ service: 'ec2' })
      .filter((e) => e.accountId === healthy)
      .map((e) => `${e.operation}${(e.params as Record<string, string>)['DryRun'] === 'true' ? ' dry' : ''}`)
      .sort();
    expect(calls).toEqual([
      'DescribeAvailabilityZones dry',
      'DescribeInstances dry',
      'DescribeRegions',
      'DescribeSubnets dry',
      'DescribeVpcs dry',
    ]);
  });

  it('prints a table with the fix and a summary, or CSV', async () => {
    const table = await runCli(['doctor', '-q', '--config', config('all.json')], env());
    expect(table.code).toBe(3);
    expect(table.stdout).toMatch(/^1\. central credentials: OK/m);
    expect(table.stdout).toMatch(/^2\. account source: OK/m);
    expect(table.stdout).toMatch(/fix: redeploy deploy\/cmdb-read-role\.yaml/);
    expect(table.stdout).toMatch(/^4\. summary: \d+ of 10 accounts OK; failing: /m);
    const csv = await runCli(['doctor', '-q', '--format', 'csv', '--config', config('all.json')], env());
    expect(csv.code).toBe(3);
    const [header, ...rows] = parseCsv(csv.stdout);
    expect(header).toEqual(['accountId', 'name', 'status', 'cause', 'detail', 'problem', 'fix']);
    expect(new Map(rows.map((r) => [r[0], r[3] || undefined]))).toEqual(expected);
  });

  it('exits 0 when every account in scope works', async () => {
    const healthy = [...expected].filter(([, c]) => c === undefined).map(([id]) => id);
    const file = config('healthy.json', { include: { accountIds: healthy } });
    const { code, stdout } = await runCli(['doctor', '-q', '--json', '--config', file], env());
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as DoctorJson;
    expect(report.accounts.map((a) => a.accountId).sort()).toEqual([...healthy].sort());
    expect(report.summary.failing).toBe(0);
  });

  it('exits 1 when it cannot even start (unusable central credentials)', async () => {
    const { code, stderr } = await runCli(['doctor', '--config', config('all.json')], {
      ...env(),
      AWS_SECRET_ACCESS_KEY: 'wrong-secret-wrong-secret-wrong-secret-00',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('central AWS credentials cannot be used');
  });

  it('exits 130 at once on Ctrl-C while STS has not answered the check', async () => {
    const file = join(dir, 'patient.json');
    writeFileSync(
      file,
      JSON.stringify({
        credentials: { broker: { externalId: sim.world.externalId } },
        graph: { regions: REGIONS },
        aws: { callTimeoutMs: 600_000 }, // the check alone would wait ten minutes
      }),
    );
    sim.log.reset();
    sim.knobs.unresponsive = ['sts'];
    let ended;
    try {
      ended = await interruptCli(
        ['doctor', '--config', file],
        env(),
        () => sim.log.count({ operation: 'GetCallerIdentity' }) > 0,
      );
    } finally {
      sim.knobs.unresponsive = [];
    }
    expect(ended.code).toBe(130);
    expect(ended.stderr).toContain('SIGINT: stopping the AWS work');
    expect(ended.stdout + ended.stderr).not.toContain('central credentials: FAILED');
    expect(sim.log.count({ operation: 'GetCallerIdentity' })).toBe(1);
    expect(sim.log.count({ operation: 'ListAccounts' })).toBe(0);
  });
});
