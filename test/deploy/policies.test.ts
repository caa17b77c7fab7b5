// The IAM documents in deploy/ must grant every AWS action orgraph makes: run queries that touch every
// data source against the sim (which enforces permissions) and compare the actions in its request
// log with the actions the templates grant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { simAwsStack } from '../helpers/aws-stack.js';
import type { SimAwsStack } from '../helpers/aws-stack.js';
import { dataOf, harness } from '../graph/harness.js';

const template = readFileSync(new URL('../../deploy/cmdb-read-role.yaml', import.meta.url), 'utf8');
const centralPolicy = JSON.parse(
  readFileSync(new URL('../../deploy/central-principal-policy.json', import.meta.url), 'utf8'),
) as {
  Statement: { Action: string | string[] }[];
};
const memberActions = new Set([...template.matchAll(/^\s*- (ec2:[A-Za-z]+)\s*$/gm)].map((m) => m[1]!));
const centralActions = new Set(
  centralPolicy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])),
);

let sim: RunningSim;
let stack: SimAwsStack;

beforeAll(async () => {
  sim = await startSim({ seed: 8, accounts: 3, regions: ['us-east-1'], instancesPerRegion: 4 });
  stack = simAwsStack(sim);
});
afterAll(async () => {
  stack.close();
  await sim.close();
});

describe('deploy/ IAM documents', () => {
  it('grant every action orgraph calls, and nothing it does not', async () => {
    const run = harness(stack.data).run; // regions from DescribeRegions: no configured list
    const result = await run(`{
      organization { organizationId roots { unitId units { nodes { name accounts { nodes { accountId parent { name } } } } } } }
      accounts { nodes { accountId access { status }
        regions(first: 2) { nodes { name optInStatus availabilityZones { name } } }
        region(name: "us-east-1") {
          vpcs { nodes { vpcId subnets { nodes { subnetId } } } }
          instances { nodes { instanceId vpc { cidrBlock } subnet { availabilityZone } securityGroups { description } } }
        } } }
    }`);
    dataOf(result);
    expect(result.errors).toBeUndefined();
    const called = new Set(sim.log.entries().map((e) => `${e.service}:${e.operation}`));
    const memberCalls = [...called].filter((a) => a.startsWith('ec2:'));
    const centralCalls = [...called].filter((a) => a.startsWith('organizations:') || a === 'sts:AssumeRole');
    expect(memberCalls.length).toBeGreaterThanOrEqual(6);
    for (const action of memberCalls)
      expect(memberActions, `${action} missing from deploy/cmdb-read-role.yaml`).toContain(action);
    for (const action of centralCalls)
      expect(centralActions, `${action} missing from deploy/central-principal-policy.json`).toContain(action);
    // every EC2 action the template grants is one orgraph uses somewhere (no excess permission)
    expect([...memberActions].sort()).toEqual([
      'ec2:DescribeAvailabilityZones',
      'ec2:DescribeInstances',
      'ec2:DescribeRegions',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeSubnets',
      'ec2:DescribeVpcs',
    ]);
    expect(memberActions).toEqual(new Set(memberCalls));
  });
});
