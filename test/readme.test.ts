// The README's end-to-end walkthrough ("Try it end to end"), run exactly as written with bash in a
// scratch directory (where `bin/` links to this clone's, so `node bin/orgraph.js` is the real command
// on the built dist/): it must exit 0, and the CSV it exports must hold one row per instance of the
// simulated organization's ground truth.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSimArgs } from '../src/cli/sim.js';
import { generateWorld } from '../src/sim/generator.js';
import { parseCsv } from './helpers/csv.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECTION = '## Try it end to end';

/** The shell blocks of the walkthrough section, in order. */
function walkthrough(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(SECTION);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + SECTION.length);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  expect(blocks.length).toBeGreaterThan(0);
  return blocks.join('\n');
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** `node bin/orgraph.js` runs dist/: build it when src/ changed since (CI has it fresh from npm ci). */
function ensureBuilt(): void {
  let built = 0;
  try {
    built = statSync(join(ROOT, 'dist/cli/main.js')).mtimeMs;
  } catch {
    built = 0;
  }
  if (built < newestMtime(join(ROOT, 'src')))
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: ROOT,
      },
    );
}

function runBash(
  script: string,
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  return new Promise((resolve, reject) => {
    // The trap stops the background sim even when a line fails.
    const child = spawn(
      'bash',
      ['-c', `set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n${script}`],
      {
        cwd,
        env: { ...env, AWS_CONFIG_FILE: join(cwd, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(cwd, 'none') },
      },
    );
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('README walkthrough', () => {
  it('runs as written: sim → query → CSV export → doctor', async () => {
    ensureBuilt();
    const script = walkthrough();
    const dir = mkdtempSync(join(tmpdir(), 'orgraph-readme-'));
    symlinkSync(join(ROOT, 'bin'), join(dir, 'bin'));
    const { code, stdout, stderr } = await runBash(script, dir);
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });

    // The ground truth of the organization the README's sim line generates.
    const simLine = /node bin\/orgraph\.js sim ([^>&]*)/.exec(script);
    expect(simLine).not.toBeNull();
    const { options } = parseSimArgs((simLine![1] as string).trim().split(/\s+/));
    const world = generateWorld(options);
    const config = JSON.parse(readFileSync(join(dir, 'orgraph.json'), 'utf8')) as {
      credentials: { broker: { externalId: string } };
      graph: { regions: string[] };
    };
    expect(config.credentials.broker.externalId).toBe(world.externalId);
    const truth = world.accounts
      .filter((a) => a.state === 'ACTIVE')
      .flatMap((a) =>
        config.graph.regions.flatMap((r) => world.regionData(a.id, r).instances.map((i) => i.instanceId)),
      )
      .sort();
    const [header, ...rows] = parseCsv(readFileSync(join(dir, 'instances.csv'), 'utf8'));
    expect(header).toEqual(['instanceId', 'instanceType', 'state', 'account.name', 'region.name', 'env']);
    expect(rows.map((r) => r[0]).sort()).toEqual(truth);

    // The accounts query printed JSON; doctor found the suspended account(s) and said so with exit 3.
    const accounts = JSON.parse(stdout.split('\n')[0] as string) as {
      data: { accounts: { nodes: { accountId: string }[] } };
    };
    expect(accounts.data.accounts.nodes).toHaveLength(world.accounts.length);
    expect(stdout).toContain('accountNotActive');
    expect(stdout).toContain('doctor exit status 3');
  });
});
