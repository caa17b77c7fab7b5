// The global in-flight limit holds for what AWS actually sees, also when calls are abandoned while the
// AssumeRole behind them (shared, not abortable) is still running; and access checks honour the
// caller's signal (the query deadline, a client going away) in the queue and while waiting for STS.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { createSharedHttpHandler } from '../../src/aws/client-pool.js';
import { AwsCallError } from '../../src/aws/errors.js';
import { AccessLoaders } from '../../src/graph/loaders/access.js';
import { simAwsStack } from '../helpers/aws-stack.js';

const handler = createSharedHttpHandler({ maxSockets: 64 });
let sim: RunningSim;

beforeAll(async () => {
  sim = await startSim({ seed: 5, accounts: 12, regions: ['us-east-1', 'eu-west-1'], instancesPerRegion: 3 });
});
afterAll(async () => {
  handler.destroy();
  await sim.close();
});
beforeEach(() => {
  sim.knobs.latency = {};
  sim.log.reset();
});
afterEach(async () => {
  await vi.waitFor(() => expect(sim.log.inFlight).toBe(0), { timeout: 5_000 });
});

/** Accounts whose role can be assumed (AWS refuses sessions in suspended or closing accounts). */
const active = () => sim.world.accounts.filter((a) => a.state === 'ACTIVE');

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    if (err instanceof AwsCallError) return err.code;
    throw err;
  }
}

describe('the global in-flight limit under call timeouts', () => {
  it('keeps a slot taken until the AssumeRole of a timed-out call has finished', async () => {
    const GLOBAL = 3;
    const { data } = simAwsStack(sim, {
      httpHandler: handler,
      data: { concurrency: { global: GLOBAL, perTarget: 2 }, callTimeoutMs: 40 },
    });
    // STS is slower than the call timeout: every call that has to assume its role first times out,
    // while its AssumeRole goes on (and is then the session of the account's later calls).
    sim.knobs.latency = { sts: { fixedMs: 120, jitterMs: 0 }, ec2: { fixedMs: 2, jitterMs: 2 } };
    const targets = active().flatMap((a) =>
      ['us-east-1', 'eu-west-1'].map((region) => ({ accountId: a.id, region })),
    );
    const results = await Promise.all([
      ...targets.map((t) => outcome(data.ec2.describeAvailabilityZones(t))),
      ...active()
        .slice(0, 4)
        .map((a) => outcome(data.sessions.ensureSession(a.id))),
    ]);
    expect(results).toContain('UPSTREAM_TIMEOUT');
    expect(new Set(results)).toEqual(new Set(['ok', 'UPSTREAM_TIMEOUT']));
    await vi.waitFor(() => expect(sim.log.inFlight).toBe(0), { timeout: 5_000 });
    // What the sim saw, AssumeRole requests included, never exceeded the limit.
    expect(sim.log.count({ service: 'sts', operation: 'AssumeRole' })).toBeGreaterThan(0);
    expect(sim.log.peakInFlight).toBeLessThanOrEqual(GLOBAL);
    expect(data.stats().peakInFlight).toBeLessThanOrEqual(GLOBAL);
    await vi.waitFor(() => expect(data.stats()).toMatchObject({ inFlight: 0, queued: 0 }), {
      timeout: 5_000,
    });
  });
});

describe('access checks and the caller signal', () => {
  it('stops queued and waiting access checks when the signal aborts; queued ones never reach STS', async () => {
    const { data } = simAwsStack(sim, { httpHandler: handler, data: { concurrency: { global: 1 } } });
    sim.knobs.latency = { sts: { fixedMs: 400, jitterMs: 0 } };
    const accounts = active()
      .slice(4, 8)
      .map((a) => a.id);
    const controller = new AbortController();
    const checks = accounts.map((a) =>
      outcome(data.sessions.ensureSession(a, { signal: controller.signal })),
    );
    await vi.waitFor(() => expect(sim.log.inFlight).toBe(1), { timeout: 5_000 });
    expect(data.stats().queued).toBe(3);
    controller.abort(new Error('query deadline'));
    expect(await Promise.all(checks)).toEqual(accounts.map(() => 'UPSTREAM_TIMEOUT'));
    expect(data.stats().queued).toBe(0);
    await vi.waitFor(() => expect(sim.log.inFlight).toBe(0), { timeout: 5_000 });
    // Only the check that was already waiting for STS made a request.
    expect(sim.log.count({ service: 'sts', operation: 'AssumeRole' })).toBe(1);
  });

  it("the graph's access loader passes the request's signal", async () => {
    const { data } = simAwsStack(sim, { httpHandler: handler });
    sim.knobs.latency = { sts: { fixedMs: 400, jitterMs: 0 } };
    const account = active()[9]!.id;
    const controller = new AbortController();
    const loaders = new AccessLoaders(data, () => ({ signal: controller.signal }));
    const check = loaders.check(account);
    await vi.waitFor(() => expect(sim.log.inFlight).toBe(1), { timeout: 5_000 });
    controller.abort(new Error('client went away'));
    expect(await check).toMatchObject({
      ok: false,
      failure: { code: 'UPSTREAM_TIMEOUT', accountId: account, retryable: true },
    });
  });
});
