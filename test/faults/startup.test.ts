// Fault matrix (f): STS never answering at start-up. `orgraph query` (a real process) checks the
// central principal with GetCallerIdentity under the same per-call timeout and retries as every other
// call, and exits 1 with an error naming the endpoint — instead of hanging forever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningSim } from '../../src/sim/index.js';
import { runCli, simCliEnv } from '../helpers/run-cli.js';
import { restoreEnvironment, useEmulatorEnvironment } from '../helpers/gateway-env.js';
import { createCentralPrincipal, validateCentralPrincipal } from '../../src/credentials/central-principal.js';
import type { CentralPrincipal, ValidateOptions } from '../../src/credentials/central-principal.js';
import { CallCancelledError } from '../../src/aws/timeout.js';
import { realSleep } from '../../src/aws/throttle-retry.js';
import { startSim } from '../../src/sim/index.js';
import { faultSim, faultSimOptions } from './harness.js';
import { Readable } from 'node:stream';
import { HttpResponse } from '@smithy/protocol-http';
import type { NodeHttpHandler } from '@smithy/node-http-handler';

let sim: RunningSim;
const dir = mkdtempSync(join(tmpdir(), 'orgraph-faults-'));

beforeAll(async () => {
  sim = await startSim(faultSimOptions(109, { knobs: { unresponsive: ['sts'] } }));
});
afterAll(async () => {
  await sim.close();
});

const env = (): NodeJS.ProcessEnv => simCliEnv(sim, 'us-east-1');

describe('fault matrix: start-up', () => {
  it('(f) STS never answering: `orgraph query` exits 1 naming the endpoint, within the configured timeout', async () => {
    const config = join(dir, 'orgraph.json');
    writeFileSync(
      config,
      JSON.stringify({
        credentials: { broker: { externalId: sim.world.externalId } },
        aws: { callTimeoutMs: 300, retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 } },
        graph: { regions: ['us-east-1'] },
      }),
    );
    const { code, stdout, stderr } = await runCli(
      ['query', '--config', config, '{ instances { totalCount } }'],
      env(),
    );

    expect(code).toBe(1);
    expect(stdout).toBe('');
    // The CLI's last stderr line is the error (a JSON progress line for the phase comes before it).
    expect(stderr.trim().split('\n').at(-1)).toBe(
      `orgraph: the central AWS credentials cannot be used: STS at ${sim.endpoint} did not answer GetCallerIdentity for the default credential chain within 300 ms (aws.callTimeoutMs; 1 attempt)`,
    );
    // One attempt, cut at the timeout — a timed-out call is not retried, as everywhere (the retries
    // are for throttling and transient failures). The account list was read alongside the check (the
    // central credentials need no answer from it); no member session was asked for.
    expect(
      sim.log
        .entries()
        .map((e) => `${e.service}:${e.operation}:${e.errorCode ?? e.status}`)
        .sort(),
    ).toEqual(['organizations:ListAccounts:200', 'sts:GetCallerIdentity:NeverAnswered']);
  });

  it('retries a dropped connection and a 5xx of the start-up check like any other call', async () => {
    // The sim draws "drop?" then "5xx?" (and which 5xx) per request: drop, then 503, then an answer.
    const draws = [0.2, 0.9, 0.1, 0.7];
    const flaky = await faultSim(110, {
      random: () => draws.shift() ?? 0.9,
      knobs: { faults: { dropRate: 0.5, errorRate: 0.5 } },
    });
    useEmulatorEnvironment(flaky.central);
    try {
      const principal = createCentralPrincipal(
        { source: 'default' },
        { endpoints: { default: flaky.endpoint } },
      );
      const identity = await validateCentralPrincipal(principal, {
        stsRegion: 'us-east-1',
        endpoints: { default: flaky.endpoint },
        callTimeoutMs: 2_000,
        retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
      });
      expect(identity.accountId).toBe(flaky.world.organization.managementAccountId);
      expect(flaky.log.entries().map((e) => `${e.operation}:${e.errorCode ?? e.status}`)).toEqual([
        'GetCallerIdentity:ConnectionDropped',
        'GetCallerIdentity:ServiceUnavailable',
        'GetCallerIdentity:200',
      ]);
    } finally {
      restoreEnvironment();
    }
  });

  it('keeps retrying a throttled start-up check only within aws.retry.throttleBudgetMs', async () => {
    // An STS that always answers Throttling: past maxAttempts, retries go on while the waits add up to
    // less than the budget (10 ms each here, budget 25 ms: 4 calls in all), never to the hard cap of 30.
    const { err, calls } = await checkAgainstThrottlingSts({
      retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10, throttleBudgetMs: 25 },
      sleep: async () => {},
      random: () => 1,
    });
    expect(err).toBeInstanceOf(Error);
    expect(calls).toBe(4);
  });

  it('stops an abandoned check (Ctrl-C) during its wait before a retry, with the cancellation, not a refusal', async () => {
    const controller = new AbortController();
    let slept = 0;
    const { err, calls } = await checkAgainstThrottlingSts({
      retry: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 10 },
      // Ctrl-C comes during the first wait (the real sleep, which stops when its signal aborts).
      sleep: (ms, signal) => {
        slept++;
        controller.abort(new Error('interrupted by SIGINT'));
        return realSleep(ms, signal);
      },
      signal: controller.signal,
    });
    expect(err).toBeInstanceOf(CallCancelledError);
    expect(String((err as Error).message)).not.toContain('STS');
    expect(slept).toBe(1);
    expect(calls).toBe(1);
  });
});

describe('the start-up check, abandoned while a retry wait fails', () => {
  it('reports the cancellation, never the raw failure that came with it', async () => {
    const controller = new AbortController();
    const { err } = await checkAgainstThrottlingSts({
      retry: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 10 },
      // A sleep that fails its own way as Ctrl-C comes (its message might carry anything).
      sleep: () => {
        controller.abort(new Error('interrupted by SIGINT'));
        return Promise.reject(new Error('raw failure: secret-ish detail'));
      },
      signal: controller.signal,
    });
    expect(err).toBeInstanceOf(CallCancelledError);
    expect(String((err as Error).message)).not.toContain('secret-ish');
  });
});

describe('the start-up check, abandoned while its credentials are being resolved', () => {
  it('stops waiting at once with the cancellation, not "did not resolve"', async () => {
    let asked = 0;
    const principal: CentralPrincipal = {
      source: 'rolesAnywhere',
      description: 'a credential source that never answers',
      // Never settles: only the signal can end the wait.
      credentials: (() => {
        asked++;
        return new Promise<never>(() => undefined);
      }) as unknown as CentralPrincipal['credentials'],
    };
    const controller = new AbortController();
    const checked = validateCentralPrincipal(principal, {
      stsRegion: 'us-east-1',
      endpoints: { default: 'http://127.0.0.1:9' },
      callTimeoutMs: 600_000,
      signal: controller.signal,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await Promise.resolve();
    controller.abort(new Error('interrupted by SIGINT'));
    const err = await checked;
    expect(err).toBeInstanceOf(CallCancelledError);
    expect(String((err as Error).message)).not.toContain('did not resolve');
    expect(asked).toBe(1);
  });
});

/**
 * The start-up check against an STS that always answers Throttling, with these options: how it
 * failed and how many requests STS had.
 */
async function checkAgainstThrottlingSts(
  options: Pick<ValidateOptions, 'retry' | 'sleep' | 'random' | 'signal'>,
): Promise<{ err: unknown; calls: number }> {
  const { handler, calls } = throttlingSts();
  useEmulatorEnvironment({ accessKeyId: 'AKIAEXAMPLETHROTTLED', secretAccessKey: 'x'.repeat(40) });
  try {
    const principal = createCentralPrincipal({ source: 'default' }, {});
    const err = await validateCentralPrincipal(principal, {
      stsRegion: 'us-east-1',
      endpoints: { default: 'http://127.0.0.1:9' },
      requestHandler: handler,
      callTimeoutMs: 2_000,
      ...options,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { err, calls: calls() };
  } finally {
    restoreEnvironment();
  }
}

/** An STS that always answers Throttling, and how many requests it had. */
function throttlingSts(): { handler: NodeHttpHandler; calls: () => number } {
  let calls = 0;
  const throttling = {
    handle: async () => {
      calls++;
      const xml =
        '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r-1</RequestId></ErrorResponse>';
      return {
        response: new HttpResponse({
          statusCode: 400,
          headers: { 'content-type': 'text/xml' },
          body: Readable.from([Buffer.from(xml)]),
        }),
      };
    },
    updateHttpClientConfig: () => {},
    httpHandlerConfigs: () => ({}),
    destroy: () => {},
  } as unknown as NodeHttpHandler; // only handle() is called by the SDK client
  return { handler: throttling, calls: () => calls };
}
