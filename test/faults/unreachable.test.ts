// Fault matrix (c), (e), (g), (h): what cannot be read is reported precisely — the account or target,
// the code, and the service and operation that actually failed — and everything else is exact.
import { describe, expect, it, vi } from 'vitest';
import type { InstancesAnswer } from './harness.js';
import {
  INSTANCES_QUERY,
  REGIONS,
  activeAccounts,
  faultGateway,
  faultSim,
  instancesOf,
  keysOf,
  truth,
} from './harness.js';

/** "account|Region|code|service:operation" of each failure. */
function failuresOf(answer: InstancesAnswer): string[] {
  return answer.failures
    .map((f) => `${f.accountId}|${f.region}|${f.code}|${f.service}:${f.operation}`)
    .sort();
}

describe('fault matrix: what cannot be read', () => {
  it('(c) one account slower than the per-call timeout: that account UPSTREAM_TIMEOUT, exact elsewhere', async () => {
    const sim = await faultSim(103);
    const slow = activeAccounts(sim)[1]!;
    sim.knobs.scenarios.set(slow, { extraLatencyMs: 500 });
    const gateway = faultGateway(sim, { data: { callTimeoutMs: 200 } });
    const answer = instancesOf(await gateway.run(INSTANCES_QUERY));

    expect(keysOf(answer)).toEqual(truth(sim, (a) => a === slow));
    expect(failuresOf(answer)).toEqual(
      REGIONS.map((r) => `${slow}|${r}|UPSTREAM_TIMEOUT|ec2:DescribeInstances`).sort(),
    );
    expect(answer.totalCount).toBe(truth(sim, (a) => a === slow).length);
    // Its session was fine (AssumeRole is the central principal's call); EC2 was asked, once per target:
    // a timed-out call is not retried (the query deadline bounds the work instead).
    expect(sim.log.count({ service: 'sts', operation: 'AssumeRole', status: 200 })).toBe(
      activeAccounts(sim).length,
    );
    // (The sim logs a request once it has answered it: after the client gave up.)
    await vi.waitFor(
      () =>
        expect(
          sim.log
            .entries({ service: 'ec2', accountId: slow })
            .map((e) => e.region)
            .sort(),
        ).toEqual([...REGIONS].sort()),
      { timeout: 3_000 },
    );
  });

  it('(e) STS refusing everyone: every account reported ROLE_NOT_ASSUMABLE, blamed on sts:AssumeRole', async () => {
    const sim = await faultSim(104);
    const gateway = faultGateway(sim, { stack: { broker: { externalId: 'not-the-external-id' } } });
    const answer = instancesOf(await gateway.run(INSTANCES_QUERY));

    expect(answer.nodes).toEqual([]);
    expect(failuresOf(answer)).toEqual(
      activeAccounts(sim)
        .flatMap((a) => REGIONS.map((r) => `${a}|${r}|ROLE_NOT_ASSUMABLE|sts:AssumeRole`))
        .sort(),
    );
    expect(sim.log.count({ service: 'ec2' })).toBe(0);
    // Refusals are remembered: one AssumeRole per account, not one per Region.
    expect(sim.log.count({ service: 'sts', operation: 'AssumeRole', errorCode: 'AccessDenied' })).toBe(
      activeAccounts(sim).length,
    );
  });

  it('(e) STS timing out: every account reported UPSTREAM_TIMEOUT, blamed on sts:AssumeRole, no EC2 call', async () => {
    const sim = await faultSim(105, { knobs: { unresponsive: ['sts'] } });
    // The broker's AssumeRole has the same limit (as the gateway wires it): a hung one is given up.
    const gateway = faultGateway(sim, {
      data: { callTimeoutMs: 200 },
      stack: { broker: { callTimeoutMs: 200 } },
    });
    const answer = instancesOf(await gateway.run(INSTANCES_QUERY));

    expect(answer.nodes).toEqual([]);
    expect(failuresOf(answer)).toEqual(
      activeAccounts(sim)
        .flatMap((a) => REGIONS.map((r) => `${a}|${r}|UPSTREAM_TIMEOUT|sts:AssumeRole`))
        .sort(),
    );
    expect(sim.log.count({ service: 'ec2' })).toBe(0);
    expect(sim.log.count({ service: 'sts', operation: 'AssumeRole', errorCode: 'NeverAnswered' })).toBe(
      activeAccounts(sim).length,
    );

    // STS answers again: the same gateway reads everything — no session stayed pending forever.
    sim.knobs.unresponsive = [];
    const again = instancesOf(await gateway.run(INSTANCES_QUERY));
    expect(again.failures).toEqual([]);
    expect(keysOf(again)).toEqual(truth(sim));
  });

  it('(g) role missing, ExternalId mismatch and a disabled Region together: exactly those, with their codes', async () => {
    const sim = await faultSim(106);
    const [, noRole, mismatch, halfDisabled] = activeAccounts(sim);
    sim.knobs.scenarios.set(noRole!, { roleMissing: true });
    sim.knobs.scenarios.set(mismatch!, { externalIdMismatch: true });
    sim.knobs.scenarios.set(halfDisabled!, { disabledRegions: ['eu-west-1'] });
    const gateway = faultGateway(sim);
    const result = await gateway.run(`{
      instances(first: 1000) {
        nodes { instanceId account { accountId } region { name } }
        failures { code accountId region service operation awsErrorCode retryable }
        totalCount
      }
      accounts: organization { accounts(first: 100) { nodes { accountId access { status failure { code } } } } }
    }`);
    const answer = instancesOf(result);

    expect(keysOf(answer)).toEqual(
      truth(sim, (a, r) => a === noRole || a === mismatch || (a === halfDisabled && r === 'eu-west-1')),
    );
    expect(failuresOf(answer)).toEqual(
      [
        ...[noRole, mismatch].flatMap((a) =>
          REGIONS.map((r) => `${a}|${r}|ROLE_NOT_ASSUMABLE|sts:AssumeRole`),
        ),
        `${halfDisabled}|eu-west-1|REGION_NOT_ENABLED|ec2:DescribeInstances`,
      ].sort(),
    );
    for (const f of answer.failures) expect(f.retryable).toBe(false);
    // errors[] carries the same failures, one each.
    expect(
      result.errors
        ?.map((e) => `${e.extensions?.['accountId']}|${e.extensions?.['region']}|${e.extensions?.['code']}`)
        .sort(),
    ).toEqual(answer.failures.map((f) => `${f.accountId}|${f.region}|${f.code}`).sort());
    const access = (
      result.data?.['accounts'] as {
        accounts: {
          nodes: { accountId: string; access: { status: string; failure: { code: string } | null } }[];
        };
      }
    ).accounts.nodes;
    const statusOf = (id: string) => access.find((n) => n.accountId === id)?.access.status;
    expect(statusOf(noRole!)).toBe('ROLE_NOT_ASSUMABLE');
    expect(statusOf(mismatch!)).toBe('ROLE_NOT_ASSUMABLE');
    expect(statusOf(halfDisabled!)).toBe('OK');
    expect(sim.log.count({ service: 'ec2', accountId: noRole! })).toBe(0);
    expect(sim.log.count({ service: 'ec2', accountId: mismatch! })).toBe(0);
    expect(
      sim.log.count({
        service: 'ec2',
        accountId: halfDisabled!,
        region: 'eu-west-1',
        errorCode: 'AuthFailure',
      }),
    ).toBeGreaterThan(0);
  });

  it('(h) a deadline shorter than the work: done within the deadline plus one call timeout, everything unread reported', async () => {
    // Each target needs 3 one-instance pages of 3 s each, one at a time, over a 250 ms deadline. The
    // margins are wide on purpose (no test may hang on the machine's speed): honouring the deadline
    // takes ≈0.3 s; ignoring it costs at least one call timeout (1.5 s) and a retry sent after it.
    const sim = await faultSim(107, {
      knobs: { pageCap: 1, latency: { ec2: { fixedMs: 3_000, jitterMs: 0 } } },
    });
    const deadlineMs = 250;
    const callTimeoutMs = 1_500;
    const gateway = faultGateway(sim, {
      graph: { queryDeadlineMs: deadlineMs },
      data: { callTimeoutMs, concurrency: { global: 64, perTarget: 1 } },
    });
    const started = performance.now();
    const result = await gateway.run(INSTANCES_QUERY);
    const elapsed = performance.now() - started;

    expect(elapsed).toBeLessThan(deadlineMs + callTimeoutMs);
    const answer = instancesOf(result);
    // No target could finish: every one is reported, none half-answered in silence.
    const targets = activeAccounts(sim).flatMap((a) => REGIONS.map((r) => `${a}|${r}`));
    expect(answer.failures.map((f) => `${f.accountId}|${f.region}`).sort()).toEqual(targets.sort());
    for (const f of answer.failures) expect(f).toMatchObject({ code: 'UPSTREAM_TIMEOUT', retryable: true });
    expect(answer.nodes).toEqual([]);
    expect(answer.totalCount).toBe(0);
    // Nothing was sent after the deadline had passed (the sim logs when each request arrived): a retry
    // or a next page could only start after a call timeout.
    const firstEc2 = Math.min(...sim.log.entries({ service: 'ec2' }).map((e) => e.time));
    for (const e of sim.log.entries({ service: 'ec2' }))
      expect(e.time - firstEc2).toBeLessThan(callTimeoutMs);
  });
});
