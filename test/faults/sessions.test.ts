// Fault matrix (d): member sessions that expire mid-query. The answer stays exact, no expired token is
// ever sent, and a short session is renewed about once per half of its lifetime — not on every call,
// as it was when the 300-second refresh window swallowed a 2-second session whole.
import { describe, expect, it } from 'vitest';
import type { RunningSim } from '../../src/sim/index.js';
import {
  INSTANCES_QUERY,
  activeAccounts,
  assumedAccount,
  faultGateway,
  faultSim,
  instancesOf,
  keysOf,
  truth,
} from './harness.js';

const LIFETIME_S = 2;
const STEP_MS = 100;

describe('fault matrix: sessions expiring mid-query', () => {
  it('(d) 2-second sessions over a query spanning many lifetimes: exact, no expired token sent, AssumeRole ≈ span ÷ (lifetime / 2)', async () => {
    // Time moves only with the work: every EC2 request the sim has answered advances the one clock the
    // sim and the gateway share by 100 ms, so sessions expire mid-query the same way on every run.
    const base = Date.now();
    let running: RunningSim | undefined;
    const clock = () => base + (running ? running.log.count({ service: 'ec2' }) : 0) * STEP_MS;
    const sim = (running = await faultSim(108, {
      accounts: 3,
      instancesPerRegion: 12,
      clock,
      knobs: { credentialLifetimeSeconds: LIFETIME_S, pageCap: 1 },
    }));
    // The default 300-second refresh window, far longer than the sessions AWS issues here.
    const gateway = faultGateway(sim, {
      data: { concurrency: { global: 1, perTarget: 1 } },
      stack: { clock, broker: { refreshWindowSeconds: 300, durationSeconds: 900 } },
    });
    const answer = instancesOf(await gateway.run(INSTANCES_QUERY));

    expect(answer.failures).toEqual([]);
    expect(keysOf(answer)).toEqual(truth(sim));

    const ec2 = sim.log.entries({ service: 'ec2' });
    expect(ec2.filter((e) => e.status !== 200)).toEqual([]); // no expired (or any refused) token
    const spanMs = Math.max(...ec2.map((e) => e.time)) - Math.min(...ec2.map((e) => e.time));
    expect(spanMs).toBeGreaterThan(3 * LIFETIME_S * 1000);
    for (const account of activeAccounts(sim)) {
      const assumes = sim.log
        .entries({ service: 'sts', operation: 'AssumeRole', status: 200 })
        .filter((e) => assumedAccount(e.params) === account).length;
      const calls = ec2.filter((e) => e.accountId === account).length;
      // Renewed halfway through each lifetime: about span ÷ 1 s, give or take the first one.
      expect(assumes).toBeGreaterThanOrEqual(Math.floor(spanMs / (LIFETIME_S * 1000)));
      expect(assumes).toBeLessThanOrEqual(Math.ceil(spanMs / ((LIFETIME_S * 1000) / 2)) + 1);
      expect(assumes).toBeLessThan(calls / 2);
    }
  });
});
