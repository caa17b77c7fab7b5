// GraphiQL in a real browser: playwright-core drives Debian's chromium (installed by .ci/run) to open
// the page served by `orgraph serve`, run a saved example query, read the answer on the page, open the
// docs explorer, and check that every request went to the gateway on 127.0.0.1 — nothing to a CDN.
// The screenshot is kept in test-artifacts/ (a CI artifact).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { restoreEnvironment } from '../helpers/gateway-env.js';
import type { Served } from '../helpers/serve.js';
import { serve } from '../helpers/serve.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

let sim: RunningSim;
let served: Served;
let profile: string;
let context: BrowserContext;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
  sim = await startSim({ seed: 51, accounts: 5, regions: ['us-east-1'], instancesPerRegion: 2 });
  served = await serve(sim, { logLevel: 'warn' });
  profile = await mkdtemp(join(tmpdir(), 'orgraph-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1400, height: 900 },
    // CI's date-independence run moves the clock with libfaketime (LD_PRELOAD); preloaded into
    // chromium it stalls page loads, so the browser keeps the real clock (it compares no dates).
    env: Object.fromEntries(
      Object.entries(process.env).filter(
        (entry): entry is [string, string] =>
          entry[1] !== undefined && entry[0] !== 'LD_PRELOAD' && !entry[0].startsWith('FAKETIME'),
      ),
    ),
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  await served?.server.close();
  await sim?.close();
  restoreEnvironment();
});

describe('GraphiQL in chromium', () => {
  it('runs a saved example query with every request on 127.0.0.1, and shows the docs', async () => {
    const page = await context.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(`${served.base}/`); // redirected to /graphql
    expect(page.url()).toBe(`${served.base}/graphql`);
    await page.locator('.graphiql-container').waitFor({ timeout: 30_000 });
    // The saved examples open as tabs; the first is the accounts question.
    await expect.poll(() => page.locator('.graphiql-tab').count()).toBeGreaterThanOrEqual(4);
    await expect.poll(() => page.locator('.graphiql-query-editor').innerText()).toContain('query Accounts');

    sim.log.reset();
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.result-window');
    const firstAccount = sim.world.accounts[0]!.id;
    await expect.poll(() => result.innerText(), { timeout: 20_000 }).toContain(firstAccount);
    const text = await result.innerText();
    for (const account of sim.world.accounts) expect(text).toContain(account.id);
    expect(text).toContain('"totalCount": 5');
    expect(sim.log.counters()).toEqual({ 'organizations:ListAccounts': 1 });

    await page.getByRole('button', { name: /documentation explorer/i }).click();
    await expect.poll(() => page.locator('.graphiql-doc-explorer').innerText()).toContain('Query');

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'graphiql.png'), fullPage: true });

    expect(requests.length).toBeGreaterThan(3);
    const offHost = requests.filter((url) => {
      const u = new URL(url);
      if (u.protocol === 'data:' || u.protocol === 'blob:') return false;
      return u.hostname !== '127.0.0.1' || u.port !== String(served.server.port);
    });
    expect(offHost).toEqual([]);
    expect(problems).toEqual([]);
  }, 90_000);

  it('sends the bearer token typed into the Headers editor when the gateway requires one', async () => {
    const token = 'browser-token-3b9d2f61ac';
    const locked = await serve(sim, { env: { ORGRAPH_TOKEN: token }, logLevel: 'warn' });
    try {
      const page = await context.newPage();
      await page.goto(`${locked.base}/graphql`);
      await page.locator('.graphiql-container').waitFor({ timeout: 30_000 });
      const headers = page.locator('.graphiql-editor-tool .graphiql-editor').last();
      await expect.poll(() => headers.innerText()).toContain('PASTE-YOUR-TOKEN');

      // Without the real token: the gateway's 401 is shown.
      await page.locator('.graphiql-execute-button').click();
      const result = page.locator('.result-window');
      await expect.poll(() => result.innerText(), { timeout: 20_000 }).toContain('UNAUTHENTICATED');

      await headers.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      await page.keyboard.type(`{"Authorization": "Bearer ${token}"}`);
      await page.locator('.graphiql-execute-button').click();
      await expect.poll(() => result.innerText(), { timeout: 20_000 }).toContain('"totalCount": 5');
      // Evaluated in the page (a string: this project's TypeScript has no DOM types).
      expect(await page.evaluate<string>('JSON.stringify(localStorage)')).not.toContain(token);
    } finally {
      await locked.server.close();
    }
  }, 90_000);
});
