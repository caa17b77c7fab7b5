// `npm run bench` cannot rot unnoticed: one tiny run of four scenarios, the floors and the baseline, in real
// processes against the sim, must produce exact answers and the AWS calls the design promises. No
// timing is asserted (figures are the benchmark's business, not the tests').
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'orgraph-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Row {
  scenario: string;
  exact: boolean;
  items: number;
  calls: Record<string, number>;
  boundMs?: number;
  wall: { median: number; min: number; max: number; n: number };
  startToFirstUsefulCallMs?: { n: number };
  checkDelayMs?: { n: number };
}

describe('npm run bench (smoke)', () => {
  it('runs S2 (and its floors), S4 (and graphql-js alone), S5 (JSON and streamed), S6 (and through the CLI) and the baseline at tiny scale with exact answers and the expected AWS calls', async () => {
    const out = join(dir, 'result.json');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/run.ts',
        '--scale',
        'tiny',
        '--runs',
        '1',
        '--only',
        'S2,floor,S4,S5,S6,baseline',
        '--out',
        out,
      ],
      { cwd: ROOT, timeout: 120_000 },
    );
    expect(stdout).toMatch(/\| S2 +\|/);
    const result = JSON.parse(readFileSync(out, 'utf8')) as { rows: Row[] };
    const byName = Object.fromEntries(result.rows.map((r) => [r.scenario, r]));
    expect(Object.keys(byName).sort()).toEqual([
      'S2',
      'S4',
      'S4 plain',
      'S5',
      'S5 streamed',
      'S6',
      'S6 CLI',
      'baseline',
      'floor HTTP',
      'floor SDK',
    ]);
    for (const row of result.rows) {
      expect(row.exact, row.scenario).toBe(true);
      expect(row.wall.n).toBe(1);
      if (!row.scenario.startsWith('S4')) expect(row.boundMs).toBeGreaterThan(0);
    }
    // Within the cache TTL: no AWS call; graphql-js alone answers the same items from the same data.
    expect(byName['S4']!.calls).toEqual({});
    expect(byName['S4 plain']!.items).toBe(byName['S2']!.items);
    // The export as one JSON answer and streamed as NDJSON by the CLI: the same instances.
    expect(byName['S5 streamed']!.items).toBe(byName['S5']!.items);
    expect(byName['S5 streamed']!.items).toBeGreaterThan(0);
    // The baseline and orgraph read the same instances; orgraph assumes each role once.
    expect(byName['S2']!.items).toBe(byName['baseline']!.items);
    expect(byName['S2']!.calls['sts:AssumeRole']).toBe(byName['baseline']!.calls['sts:AssumeRole']);
    expect(byName['S2']!.calls['ec2:DescribeInstances']).toBe(
      byName['baseline']!.calls['ec2:DescribeInstances'],
    );
    // The floors make S2's calls without its engine: the same instances and calls, bar the central check.
    const { 'sts:GetCallerIdentity': check, ...s2Calls } = byName['S2']!.calls;
    expect(check).toBe(1);
    for (const floor of ['floor SDK', 'floor HTTP']) {
      expect(byName[floor]!.items, floor).toBe(byName['S2']!.items);
      expect(byName[floor]!.calls, floor).toEqual(s2Calls);
    }
    // One instance by id: one AssumeRole and one DescribeInstances.
    expect(byName['S6']!.items).toBe(1);
    expect(byName['S6']!.calls['sts:AssumeRole']).toBe(1);
    expect(byName['S6']!.calls['ec2:DescribeInstances']).toBe(1);
    // The same through `orgraph query`, a fresh process: the same calls, and the times from its start
    // to the first call and to the first call other than the central check.
    expect(byName['S6 CLI']!.items).toBe(1);
    expect(byName['S6 CLI']!.calls).toEqual(byName['S6']!.calls);
    expect(byName['S6 CLI']!.startToFirstUsefulCallMs?.n).toBe(1);
    expect(byName['S6 CLI']!.checkDelayMs?.n).toBe(1);
  }, 180_000);
});
