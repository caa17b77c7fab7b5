// The fault matrix's shared parts: a small seeded organization in the sim (its faults drawn from a
// seeded random source), the gateway's real AWS stack and graph over it with short timeouts and quick
// retries, the organization-wide instance query, and the sim's ground truth to compare it with.
import { onTestFinished } from 'vitest';
import type { FormattedExecutionResult } from 'graphql';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim, SimOptions } from '../../src/sim/index.js';
import type { AwsOptions } from '../../src/config/aws.js';
import type { GraphConfigInput } from '../../src/config/graph.js';
import type { SimAwsStack, SimAwsStackOptions } from '../helpers/aws-stack.js';
import { simAwsStack } from '../helpers/aws-stack.js';
import { seededRandom } from '../sim/seeded-random.js';
import type { Harness } from '../graph/harness.js';
import { harness } from '../graph/harness.js';

export const REGIONS = ['us-east-1', 'eu-west-1'];

/** A small organization: 6 accounts (a few of them not ACTIVE, as the generator makes them) × 2 Regions. */
export function faultSimOptions(seed: number, options: SimOptions = {}): SimOptions {
  return {
    seed,
    accounts: 6,
    regions: REGIONS,
    instancesPerRegion: 3,
    vpcsPerRegion: 1,
    subnetsPerVpc: 1,
    random: seededRandom(seed),
    ...options,
  };
}

/** The sim of `faultSimOptions`, started inside a test and closed when the test ends. */
export async function faultSim(seed: number, options: SimOptions = {}): Promise<RunningSim> {
  const sim = await startSim(faultSimOptions(seed, options));
  onTestFinished(() => sim.close());
  return sim;
}

/** Quick retries and a short per-call timeout, so every case stays well under a second of waiting. */
export const FAST: AwsOptions = {
  retry: { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 5, throttleBudgetMs: 2_000 },
  callTimeoutMs: 2_000,
};

export interface FaultGateway extends Harness {
  stack: SimAwsStack;
}

/**
 * The graph over the real data layer, session broker, client pool and SDK clients, pointed at `sim`.
 * Call it inside a test: its clients are closed when the test ends.
 */
export function faultGateway(
  sim: RunningSim,
  options: { data?: AwsOptions; graph?: GraphConfigInput; stack?: SimAwsStackOptions } = {},
): FaultGateway {
  const stack = simAwsStack(sim, {
    ...options.stack,
    data: { ...FAST, ...options.data },
    dataDeps: { random: seededRandom(7), ...options.stack?.dataDeps },
  });
  onTestFinished(() => stack.close());
  return { stack, ...harness(stack.data, { regions: REGIONS, ...options.graph }) };
}

export const INSTANCES_QUERY = `{
  instances(first: 1000) {
    totalCount
    nodes { instanceId account { accountId } region { name } }
    failures { code accountId region service operation awsErrorCode retryable }
  }
}`;

export interface InstancesAnswer {
  totalCount: number | null;
  nodes: { instanceId: string; account: { accountId: string }; region: { name: string } }[];
  failures: {
    code: string;
    accountId: string | null;
    region: string | null;
    service: string | null;
    operation: string | null;
    awsErrorCode: string | null;
    retryable: boolean;
  }[];
}

export function instancesOf(result: FormattedExecutionResult<Record<string, unknown>>): InstancesAnswer {
  if (!result.data) throw new Error(`no data: ${JSON.stringify(result.errors)}`);
  return result.data['instances'] as InstancesAnswer;
}

/** "account|Region|instanceId" of each node. */
export function keysOf(answer: InstancesAnswer): string[] {
  return answer.nodes.map((n) => `${n.account.accountId}|${n.region.name}|${n.instanceId}`).sort();
}

export function activeAccounts(sim: RunningSim): string[] {
  return sim.world.accounts.filter((a) => a.state === 'ACTIVE').map((a) => a.id);
}

/** The ground truth (the generator, as `orgraph sim --dump` prints it) for the ACTIVE accounts. */
export function truth(
  sim: RunningSim,
  skip: (accountId: string, region: string) => boolean = () => false,
): string[] {
  return activeAccounts(sim)
    .flatMap((a) =>
      REGIONS.filter((r) => !skip(a, r)).flatMap((r) =>
        sim.world.regionData(a, r).instances.map((i) => `${a}|${r}|${i.instanceId}`),
      ),
    )
    .sort();
}

/** The account an AssumeRole log entry asked for (from its RoleArn). */
export function assumedAccount(params: Record<string, unknown>): string {
  return String(params['RoleArn']).split(':')[4] ?? '';
}
