// Fault matrix (a) and (b): failures AWS recovers from must cost retries, never data. 500/503 answers
// and dropped connections on every service (STS included), and a throttling storm on EC2 and
// Organizations, each leave the answer exactly the sim's ground truth with no failure reported.
import { describe, expect, it } from 'vitest';
import { manualClock } from '../helpers/clock.js';
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

describe('fault matrix: transient failures', () => {
  it('(a) 20 % 500/503 and 10 % dropped connections on every service incl. STS: exactly the truth, no failures', async () => {
    const sim = await faultSim(101, {
      accounts: 10,
      knobs: { faults: { errorRate: 0.2, dropRate: 0.1 }, pageCap: 1 },
    });
    // One call at a time: the requests reach the sim in the same order on every run, so the seeded
    // faults fall on the same requests every time.
    const gateway = faultGateway(sim, { data: { concurrency: { global: 1, perTarget: 1 } } });
    const result = await gateway.run(INSTANCES_QUERY);

    expect(result.errors).toBeUndefined();
    const answer = instancesOf(result);
    expect(answer.failures).toEqual([]);
    expect(keysOf(answer)).toEqual(truth(sim));
    expect(answer.totalCount).toBe(truth(sim).length);

    // The faults did happen, on STS as on the others, and were retried.
    for (const service of ['sts', 'organizations', 'ec2'] as const) {
      const failed = sim.log.entries({ service }).filter((e) => e.status === 0 || e.status >= 500);
      expect(failed.length, `faults injected on ${service}`).toBeGreaterThan(0);
    }
    expect(sim.log.entries({ service: 'sts', operation: 'AssumeRole', status: 0 }).length).toBeGreaterThan(0);
    // One session per ACTIVE account: a failed AssumeRole is retried, a successful one never repeated.
    const assumed = sim.log.entries({ service: 'sts', operation: 'AssumeRole', status: 200 });
    expect(assumed.map((e) => assumedAccount(e.params)).sort()).toEqual(activeAccounts(sim).sort());
    expect(gateway.stack.data.stats().retries).toBeGreaterThan(0);
  });

  it('(b) a throttling storm on EC2 and Organizations: exactly the truth, no failures', async () => {
    // The sim's token buckets refill on the sim's clock; the data layer's backoff moves that clock
    // instead of waiting, so the storm is outlasted at once and the same way on every run.
    const clock = manualClock();
    const sim = await faultSim(102, {
      accounts: 24,
      regions: ['us-east-1'],
      instancesPerRegion: 105,
      clock,
      knobs: { throttling: true, pageCap: 1 },
    });
    const [first, second] = activeAccounts(sim);
    const gateway = faultGateway(sim, {
      // Two accounts, one Region: 105 one-instance pages each, over an EC2 burst of 100; 24 accounts
      // listed one per page, over an Organizations burst of 20.
      graph: { regions: ['us-east-1'], include: { accountIds: [first!, second!] } },
      data: { concurrency: { global: 8, perTarget: 4 } },
      stack: {
        clock,
        dataDeps: {
          sleep: async (ms) => {
            clock.advance(ms);
          },
        },
      },
    });
    const result = await gateway.run(INSTANCES_QUERY);

    expect(result.errors).toBeUndefined();
    const answer = instancesOf(result);
    expect(answer.failures).toEqual([]);
    const expected = truth(sim, (a) => a !== first && a !== second).filter((k) => k.includes('|us-east-1|'));
    expect(keysOf(answer)).toEqual(expected);
    expect(expected).toHaveLength(210);

    const throttled = (service: 'ec2' | 'organizations') =>
      sim.log.entries({ service }).filter((e) => e.status !== 200);
    expect(throttled('ec2').length).toBeGreaterThan(0);
    expect(throttled('organizations').length).toBeGreaterThan(0);
    for (const e of [...throttled('ec2'), ...throttled('organizations')])
      expect(['RequestLimitExceeded', 'TooManyRequestsException']).toContain(e.errorCode);
    expect(gateway.stack.data.stats().throttledOut).toBe(0);
  });
});
