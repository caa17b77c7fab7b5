// `@fresh` on lookups by id: `node(id:)` and the nested `vpc` of an instance go through the response
// cache's getMany; a fresh query must ask AWS again for them and answer the new reading, while a plain
// query is served from the cache without a call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { encodeGlobalId } from '../../src/graph/global-id.js';
import { simAwsStack } from '../helpers/aws-stack.js';
import type { SimAwsStack } from '../helpers/aws-stack.js';
import { manualClock } from '../helpers/clock.js';
import { at, dataOf, harness } from './harness.js';

let sim: RunningSim;
let stack: SimAwsStack;
const clock = manualClock();

beforeAll(async () => {
  sim = await startSim({ seed: 31, accounts: 3, regions: ['us-east-1'], instancesPerRegion: 4 });
  stack = simAwsStack(sim, { clock });
});
afterAll(async () => {
  stack.close();
  await sim.close();
});

describe('@fresh lookups by id', () => {
  it('asks AWS again for node(id:) and a nested vpc, and answers the new reading; without @fresh, the cache', async () => {
    const account = sim.world.accounts.find((a) => a.state === 'ACTIVE')!.id;
    const instance = sim.world.regionData(account, 'us-east-1').instances[0]!;
    const id = encodeGlobalId('Instance', account, 'us-east-1', instance.instanceId);
    const { run } = harness(stack.data, { regions: ['us-east-1'] });
    const selection = `node(id: "${id}") { ... on Instance { instanceId fetchedAt vpc { vpcId fetchedAt } } }`;
    const byId = () =>
      sim.log
        .entries({ service: 'ec2' })
        .filter((e) => e.operation === 'DescribeInstances' || e.operation === 'DescribeVpcs')
        .map((e) => `${e.operation}:${String(e.params['InstanceId.1'] ?? e.params['VpcId.1'])}`);

    const first = dataOf(await run(`{ ${selection} }`));
    expect(at(first, 'node', 'instanceId')).toBe(instance.instanceId);
    expect(at(first, 'node', 'vpc', 'vpcId')).toBe(instance.vpcId);
    const calls = byId();
    expect(calls).toEqual([`DescribeInstances:${instance.instanceId}`, `DescribeVpcs:${instance.vpcId}`]);
    const firstAt = at<string>(first, 'node', 'fetchedAt');

    clock.advance(5_000);
    const cached = dataOf(await run(`{ ${selection} }`));
    expect(byId()).toEqual(calls);
    expect(at(cached, 'node', 'fetchedAt')).toBe(firstAt);
    expect(at(cached, 'node', 'vpc', 'fetchedAt')).toBe(at(first, 'node', 'vpc', 'fetchedAt'));

    const fresh = dataOf(await run(`query Again @fresh { ${selection} }`));
    expect(byId()).toEqual([...calls, ...calls]);
    expect(at(fresh, 'node', 'instanceId')).toBe(instance.instanceId);
    expect(at(fresh, 'node', 'fetchedAt')).toBe(new Date(clock()).toISOString());
    expect(at(fresh, 'node', 'vpc', 'fetchedAt')).toBe(new Date(clock()).toISOString());
  });
});
