// `orgraph demo` (what `npm run demo` runs) on a fresh machine: it must answer, show the broken parts
// as data, show that the accounts-only question made no STS or EC2 call, then serve GraphiQL and the
// gateway over HTTP until Ctrl-C (SIGINT), and exit 0.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { startServingCli } from '../helpers/cli-server.js';
import { generateWorld } from '../../src/sim/generator.js';

describe('orgraph demo', () => {
  it('runs the CMDB questions on the simulated organization, then serves it until Ctrl-C', async () => {
    // NODE_ENV=production as users run it (vitest's 'test' would hide Apollo's own signal handling).
    const demo = await startServingCli(['demo', '--accounts', '6', '--seed', '3', '--port', '0'], {
      ...process.env,
      NODE_ENV: 'production',
    });
    expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    const response = await fetch(demo.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ organization { accounts { totalCount } } }' }),
    });
    expect(await response.json()).toEqual({ data: { organization: { accounts: { totalCount: 6 } } } });
    const page = await fetch(demo.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain('orgraph — GraphiQL');
    const code = await demo.stop('SIGINT');
    const stdout = demo.stdout();
    expect(demo.stderr()).not.toMatch(/Error|Warning/);
    expect(code).toBe(0);
    const world = generateWorld({
      accounts: 6,
      seed: 3,
      regions: ['us-east-1', 'eu-west-1'],
      instancesPerRegion: 12,
    });
    expect(stdout).toContain('  6 accounts');
    for (const account of world.accounts) expect(stdout).toContain(account.id);
    // question 1 is Organizations only
    expect(stdout).toMatch(/1\. Every account[\s\S]*?AWS calls: organizations:ListAccounts ×1\n/);
    // question 2 reports the account without the role and the disabled Region as failures
    const [broken, partlyDisabled] = world.accounts.filter(
      (a) => a.state === 'ACTIVE' && a.id !== world.organization.managementAccountId,
    );
    expect(stdout).toContain(`✗ ROLE_NOT_ASSUMABLE ${broken!.id}`);
    expect(stdout).toContain(`✗ REGION_NOT_ENABLED ${partlyDisabled!.id} eu-west-1`);
  });

  it('rejects too small an organization before starting anything', async () => {
    const { code, stderr } = await runCli(['demo', '--accounts', '3']);
    expect(code).toBe(2);
    expect(stderr).toContain("--accounts must be a whole number from 4 to 500, got '3'");
  });

  it('rejects a bad flag with exit status 2', async () => {
    const { code, stderr } = await runCli(['demo', '--accounts', 'lots']);
    expect(code).toBe(2);
    expect(stderr).toContain("--accounts must be a whole number from 4 to 500, got 'lots'");
  });
});
