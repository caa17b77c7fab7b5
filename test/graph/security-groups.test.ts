// SecurityGroup, the resource kind added through one description (src/graph/kinds/security-group.ts):
// GraphQL against the simulated AWS through the real data layer and SDK clients, asserting the data
// against the sim's ground truth and the AWS calls against its request log, as the other lists do.
import { afterAll, describe, expect, it } from 'vitest';
import { startSim } from '../../src/sim/index.js';
import { accountIdAt } from '../../src/sim/generator.js';
import type { RunningSim, SimOptions } from '../../src/sim/index.js';
import type { SimIpPermission, SimSecurityGroup } from '../../src/sim/model.js';
import { createSharedHttpHandler } from '../../src/aws/client-pool.js';
import { simAwsStack } from '../helpers/aws-stack.js';
import type { Harness } from './harness.js';
import { at, dataOf, harness } from './harness.js';

const handler = createSharedHttpHandler({ maxSockets: 64 });
const sims: RunningSim[] = [];
afterAll(async () => {
  handler.destroy();
  await Promise.all(sims.map((s) => s.close()));
});

async function sim(options: SimOptions): Promise<RunningSim> {
  const running = await startSim(options);
  sims.push(running);
  return running;
}

function gateway(s: RunningSim, regions?: string[]): Harness {
  const { data } = simAwsStack(s, { httpHandler: handler, data: { cache: { ttlSeconds: 0 } } });
  return harness(data, regions ? { regions } : {});
}

const RULE = `protocol fromPort toPort ipv4Ranges { cidr description } ipv6Ranges { cidr description }
  prefixLists { prefixListId description } groups { groupId userId description }`;
const GROUP = `groupId groupName description vpcId ownerId arn tags { key value } name
  account { accountId } region { name } ingress { ${RULE} } egress { ${RULE} }`;

/** A ground-truth rule as the schema answers it. */
function rule(p: SimIpPermission) {
  const port = (value: number | undefined) => (p.ipProtocol === '-1' || value === undefined ? null : value);
  return {
    protocol: p.ipProtocol,
    fromPort: port(p.fromPort),
    toPort: port(p.toPort),
    ipv4Ranges: p.ipRanges.map((r) => ({ cidr: r.cidrIp, description: r.description ?? null })),
    ipv6Ranges: p.ipv6Ranges.map((r) => ({ cidr: r.cidrIpv6, description: r.description ?? null })),
    prefixLists: p.prefixListIds.map((l) => ({
      prefixListId: l.prefixListId,
      description: l.description ?? null,
    })),
    groups: p.userIdGroupPairs.map((g) => ({
      groupId: g.groupId,
      userId: g.userId,
      description: g.description ?? null,
    })),
  };
}

/** A ground-truth group as the schema answers GROUP. */
function group(accountId: string, region: string, g: SimSecurityGroup) {
  return {
    groupId: g.groupId,
    groupName: g.groupName,
    description: g.description,
    vpcId: g.vpcId,
    ownerId: g.ownerId,
    arn: g.securityGroupArn,
    tags: g.tags.map((t) => ({ key: t.key, value: t.value })),
    name: g.tags.find((t) => t.key === 'Name')?.value ?? null,
    account: { accountId },
    region: { name: region },
    ingress: g.ipPermissions.map(rule),
    egress: g.ipPermissionsEgress.map(rule),
  };
}

/** The EC2 Filters of a logged call, by name. */
function filtersOf(params: Record<string, unknown>): Record<string, string[]> {
  const filters: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(params)) {
    const m = /^Filter\.(\d+)\.Name$/.exec(name);
    if (m)
      filters[String(value)] = Object.keys(params)
        .filter((k) => k.startsWith(`Filter.${m[1]}.Value.`))
        .map((k) => String(params[k]));
  }
  return filters;
}

describe('SecurityGroup against the simulated AWS', () => {
  it('answers an organization-wide securityGroups query with exactly the ground truth: one AssumeRole per account, one DescribeSecurityGroups per account and Region', async () => {
    const regions = ['eu-west-1', 'us-east-1'];
    const s = await sim({ seed: 31, accounts: 6, regions, instancesPerRegion: 5 });
    const result = await gateway(s, regions).run(`{ securityGroups { totalCount nodes { ${GROUP} } } }`);
    expect(result.errors).toBeUndefined();
    const active = s.world.accounts.filter((a) => a.state === 'ACTIVE');
    const truth = active.flatMap((a) =>
      regions.flatMap((r) => s.world.regionData(a.id, r).securityGroups.map((g) => group(a.id, r, g))),
    );
    expect(truth.length).toBeGreaterThan(20);
    const nodes = at<unknown[]>(dataOf(result), 'securityGroups', 'nodes');
    expect(nodes).toEqual(truth);
    expect(at(dataOf(result), 'securityGroups', 'totalCount')).toBe(truth.length);
    expect(s.log.count({ service: 'sts', operation: 'AssumeRole' })).toBe(active.length);
    expect(s.log.count({ service: 'ec2', operation: 'DescribeSecurityGroups' })).toBe(
      active.length * regions.length,
    );
    // The Regions are configured: no DescribeRegions.
    expect(s.log.count({ service: 'ec2' })).toBe(active.length * regions.length);
  });

  it("reads 300 instances' security groups in 1 DescribeInstances + 1 DescribeSecurityGroups, and by name alone in no DescribeSecurityGroups", async () => {
    const target = accountIdAt(32, 1);
    const s = await sim({
      seed: 32,
      accounts: 2,
      regions: ['us-east-1'],
      instancesPerRegion: 1,
      overrides: { [target]: { instancesPerRegion: 300, vpcsPerRegion: 3 } },
    });
    const h = gateway(s);
    const truth = s.world.regionData(target, 'us-east-1');
    const byId = new Map(truth.securityGroups.map((g) => [g.groupId, g]));

    s.log.reset();
    const full = await h.run(
      `{ account(id: "${target}") { region(name: "us-east-1") { instances { nodes { instanceId securityGroups { groupId groupName description vpcId } } } } } }`,
    );
    expect(full.errors).toBeUndefined();
    const nodes = at<
      { instanceId: string; securityGroups: { groupId: string; description: string; vpcId: string }[] }[]
    >(dataOf(full), 'account', 'region', 'instances', 'nodes');
    expect(nodes).toHaveLength(300);
    nodes.forEach((n, i) => {
      const instance = truth.instances[i];
      expect(n.instanceId).toBe(instance?.instanceId);
      expect(n.securityGroups).toEqual(
        (instance?.securityGroups ?? []).map((ref) => {
          const g = byId.get(ref.groupId) as SimSecurityGroup;
          return { groupId: g.groupId, groupName: g.groupName, description: g.description, vpcId: g.vpcId };
        }),
      );
    });
    expect(s.log.count({ service: 'ec2', operation: 'DescribeInstances' })).toBe(1);
    expect(s.log.count({ service: 'ec2', operation: 'DescribeSecurityGroups' })).toBe(1);
    expect(s.log.count({ service: 'ec2' })).toBe(2);
    // The one DescribeSecurityGroups names every group the instances use, and no other.
    const [call] = s.log.entries({ service: 'ec2', operation: 'DescribeSecurityGroups' });
    const asked = Object.entries(call?.params ?? {})
      .filter(([k]) => k.startsWith('GroupId.'))
      .map(([, v]) => String(v))
      .sort();
    expect(asked).toEqual(
      [...new Set(truth.instances.flatMap((i) => i.securityGroups.map((g) => g.groupId)))].sort(),
    );

    s.log.reset();
    const names = await h.run(
      `{ account(id: "${target}") { region(name: "us-east-1") { instances { nodes { securityGroups { groupId groupName } } } } } }`,
    );
    expect(
      at<{ securityGroups: unknown[] }[]>(dataOf(names), 'account', 'region', 'instances', 'nodes').map(
        (n) => n.securityGroups,
      ),
    ).toEqual(
      truth.instances.map((i) =>
        i.securityGroups.map((g) => ({ groupId: g.groupId, groupName: g.groupName })),
      ),
    );
    expect(s.log.count({ service: 'ec2', operation: 'DescribeInstances' })).toBe(1);
    expect(s.log.count({ service: 'ec2', operation: 'DescribeSecurityGroups' })).toBe(0);
  });

  it('pushes a where on names, VPCs and tags down as Filters, and reads a VPC’s groups with one filtered call for all VPCs', async () => {
    const s = await sim({ seed: 33, accounts: 2, regions: ['us-east-1'], instancesPerRegion: 10 });
    const account = s.world.accounts[1]?.id as string;
    const truth = s.world.regionData(account, 'us-east-1');
    const vpcId = truth.vpcs[1]?.vpcId as string;
    const h = gateway(s);

    s.log.reset();
    const result = await h.run(
      `query ($vpc: String!) { account(id: "${account}") { region(name: "us-east-1") {
        securityGroups(where: { groupNames: ["*-db", "default"], vpcIds: [$vpc] }) { nodes { groupId } } } } }`,
      { vpc: vpcId },
    );
    const expected = truth.securityGroups.filter(
      (g) => g.vpcId === vpcId && (g.groupName.endsWith('-db') || g.groupName === 'default'),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(at<{ groupId: string }[]>(dataOf(result), 'account', 'region', 'securityGroups', 'nodes')).toEqual(
      expected.map((g) => ({ groupId: g.groupId })),
    );
    const calls = s.log.entries({ service: 'ec2', operation: 'DescribeSecurityGroups' });
    expect(calls).toHaveLength(1);
    expect(filtersOf(calls[0]?.params ?? {})).toEqual({
      'group-name': ['*-db', 'default'],
      'vpc-id': [vpcId],
    });

    s.log.reset();
    const nested = await h.run(
      `{ account(id: "${account}") { region(name: "us-east-1") { vpcs { nodes { vpcId securityGroups { nodes { groupId } } } } } } }`,
    );
    const vpcs = at<{ vpcId: string; securityGroups: { nodes: { groupId: string }[] } }[]>(
      dataOf(nested),
      'account',
      'region',
      'vpcs',
      'nodes',
    );
    expect(vpcs.map((v) => v.vpcId)).toEqual(truth.vpcs.map((v) => v.vpcId));
    for (const v of vpcs)
      expect(v.securityGroups.nodes.map((g) => g.groupId)).toEqual(
        truth.securityGroups.filter((g) => g.vpcId === v.vpcId).map((g) => g.groupId),
      );
    const nestedCalls = s.log.entries({ service: 'ec2', operation: 'DescribeSecurityGroups' });
    expect(nestedCalls).toHaveLength(1);
    expect(filtersOf(nestedCalls[0]?.params ?? {})['vpc-id']?.sort()).toEqual(
      truth.vpcs.map((v) => v.vpcId).sort(),
    );
  });

  it('finds a group by node(id), by Region.securityGroup(id) and through a rule, null when unknown, refused when malformed (no call)', async () => {
    const s = await sim({ seed: 34, accounts: 2, regions: ['us-east-1'], instancesPerRegion: 4 });
    const account = s.world.accounts[1]?.id as string;
    const truth = s.world.regionData(account, 'us-east-1');
    const app = truth.securityGroups.find((g) =>
      g.ipPermissions.some((p) => p.userIdGroupPairs.length > 0),
    ) as SimSecurityGroup;
    const peer = app.ipPermissions.flatMap((p) => p.userIdGroupPairs)[0]?.groupId as string;
    const h = gateway(s);

    const listed = await h.run(
      `{ account(id: "${account}") { region(name: "us-east-1") { securityGroup(id: "${app.groupId}") { id groupName
        ingress { groups { groupId group { groupId groupName } } } } missing: securityGroup(id: "sg-0123456789abcdef0") { groupId } } } }`,
    );
    expect(listed.errors).toBeUndefined();
    const found = at<{
      id: string;
      groupName: string;
      ingress: { groups: { groupId: string; group: { groupId: string; groupName: string } }[] }[];
    }>(dataOf(listed), 'account', 'region', 'securityGroup');
    expect(found.groupName).toBe(app.groupName);
    const pair = found.ingress.flatMap((r) => r.groups).find((g) => g.groupId === peer);
    expect(pair?.group).toEqual({
      groupId: peer,
      groupName: truth.securityGroups.find((g) => g.groupId === peer)?.groupName,
    });
    expect(at(dataOf(listed), 'account', 'region', 'missing')).toBeNull();

    const byNode = await h.run(`{ node(id: "${found.id}") { ... on SecurityGroup { groupId groupName } } }`);
    expect(at(dataOf(byNode), 'node')).toEqual({ groupId: app.groupId, groupName: app.groupName });

    s.log.reset();
    const malformed = await h.run(
      `{ account(id: "${account}") { region(name: "us-east-1") { securityGroup(id: "sg-nothex") { groupId } } } }`,
    );
    expect(malformed.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(malformed.errors?.[0]?.message).toContain('sg-nothex');
    expect(s.log.entries()).toEqual([]);
  });

  it('pages through every group with first: 3, each exactly once', async () => {
    const s = await sim({ seed: 35, accounts: 3, regions: ['us-east-1'], instancesPerRegion: 3 });
    const h = gateway(s);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const result = await h.run(
        `query ($after: String) { securityGroups(first: 3, after: $after) { nodes { groupId } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      seen.push(
        ...at<{ groupId: string }[]>(dataOf(result), 'securityGroups', 'nodes').map((n) => n.groupId),
      );
      const info = at<{ hasNextPage: boolean; endCursor: string | null }>(
        dataOf(result),
        'securityGroups',
        'pageInfo',
      );
      if (!info.hasNextPage) break;
      after = info.endCursor;
    }
    const truth = s.world.accounts
      .filter((a) => a.state === 'ACTIVE')
      .flatMap((a) => s.world.regionData(a.id, 'us-east-1').securityGroups.map((g) => g.groupId));
    expect(seen).toEqual(truth);
  });

  it('fans out on Organization, a unit and an account; pushes groupIds and tags down; answers vpc, tag and fetchedAt', async () => {
    const s = await sim({ seed: 36, accounts: 4, regions: ['us-east-1'], instancesPerRegion: 4 });
    const h = gateway(s, ['us-east-1']);
    const account = s.world.accounts.find((a) => a.state === 'ACTIVE')?.id as string;
    const truth = s.world.regionData(account, 'us-east-1');
    const tagged = truth.securityGroups.find((g) => g.tags.some((t) => t.key === 'team')) as SimSecurityGroup;
    const team = tagged.tags.find((t) => t.key === 'team')?.value as string;
    const ids = truth.securityGroups.slice(0, 3).map((g) => g.groupId);

    s.log.reset();
    const result = await h.run(
      `query ($ids: [String!], $team: String!) {
        organization { securityGroups(where: { accountIds: ["${account}"], groupIds: $ids }) { nodes { groupId } } }
        account(id: "${account}") { securityGroups(where: { tags: [{ key: "team", values: [$team] }] }) {
          nodes { groupId vpc { vpcId } team: tag(key: "team") fetchedAt } } }
      }`,
      { ids, team },
    );
    expect(result.errors).toBeUndefined();
    expect(at<{ groupId: string }[]>(dataOf(result), 'organization', 'securityGroups', 'nodes')).toEqual(
      ids.map((groupId) => ({ groupId })),
    );
    const byTag = at<{ groupId: string; vpc: { vpcId: string }; team: string; fetchedAt: string }[]>(
      dataOf(result),
      'account',
      'securityGroups',
      'nodes',
    );
    const expected = truth.securityGroups.filter((g) =>
      g.tags.some((t) => t.key === 'team' && t.value === team),
    );
    expect(byTag.map((g) => [g.groupId, g.vpc.vpcId, g.team])).toEqual(
      expected.map((g) => [g.groupId, g.vpcId, team]),
    );
    expect(byTag.every((g) => !Number.isNaN(Date.parse(g.fetchedAt)))).toBe(true);
    const calls = s.log.entries({ service: 'ec2', operation: 'DescribeSecurityGroups' });
    expect(
      calls
        .map((c) => filtersOf(c.params))
        .sort((a, b) => Object.keys(a).join().localeCompare(Object.keys(b).join())),
    ).toEqual([{ 'group-id': ids }, { 'tag:team': [team] }]);
    // The groups' VPCs: one batched by-id DescribeVpcs.
    expect(s.log.count({ service: 'ec2', operation: 'DescribeVpcs' })).toBe(1);

    const unit = s.world.accounts.find((a) => a.id === account)?.parentId as string;
    const inUnit = await h.run(
      `{ node(id: "${Buffer.from(`OrganizationalUnit:${unit}`).toString('base64url')}") { ... on OrganizationalUnit { securityGroups(where: { accountIds: ["${account}"] }) { totalCount } } } }`,
    );
    expect(inUnit.errors).toBeUndefined();
    expect(at(dataOf(inUnit), 'node', 'securityGroups', 'totalCount')).toBe(truth.securityGroups.length);
  });
});
