// DescribeSecurityGroups driven by the real AWS SDK v3 EC2 client (credentials from a real STS
// AssumeRole into each member account's read role), compared with the world's ground truth
// (`world.regionData(account, Region).securityGroups`) and with the sim's request log.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  paginateDescribeSecurityGroups,
} from '@aws-sdk/client-ec2';
import type { EC2Client, Filter, SecurityGroup } from '@aws-sdk/client-ec2';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import type { SimSecurityGroup } from '../../src/sim/model.js';
import { sdkGroup } from './security-group-shape.js';
import { EC2_BUCKET } from '../../src/sim/throttle.js';
import { manualClock } from '../helpers/clock.js';
import { assumeReadRole, awsError, ec2Client, readRoleEc2Clients } from '../helpers/sim-clients.js';

let sim: RunningSim;
let memberA: string;

const REGIONS = ['us-east-1', 'eu-west-1'];

beforeAll(async () => {
  sim = await startSim({
    seed: 7,
    accounts: 3,
    regions: REGIONS,
    instancesPerRegion: 40,
    vpcsPerRegion: 6,
    subnetsPerVpc: 2,
  });
  memberA = sim.world.accounts.find((a) => REGIONS.every((r) => a.enabledRegions.has(r)))?.id ?? '';
  expect(memberA).not.toBe('');
});

afterAll(async () => {
  await sim?.close();
});

beforeEach(() => {
  sim.log.reset();
  delete sim.knobs.pageCap;
  sim.knobs.shortPages = false;
  sim.knobs.scenarios.clear();
});

/** EC2 clients on the member read role's session, assumed once per account for the whole file. */
const ec2 = readRoleEc2Clients(() => sim);

const truthOf = (accountId: string, region = 'us-east-1') =>
  sim.world.regionData(accountId, region).securityGroups;

/** Every (account, Region) of the world with EC2 data. */
function populated(): { accountId: string; region: string }[] {
  return sim.world.accounts.flatMap((a) =>
    REGIONS.filter((r) => a.enabledRegions.has(r)).map((region) => ({ accountId: a.id, region })),
  );
}

async function describeIds(client: EC2Client, filters: Filter[]): Promise<string[]> {
  const out = await client.send(new DescribeSecurityGroupsCommand({ Filters: filters }));
  return (out.SecurityGroups ?? []).map((g) => g.GroupId ?? '');
}

describe('security groups in the generated world', () => {
  it('gives every VPC one default group and puts every instance in groups of its own VPC', () => {
    for (const { accountId, region } of populated()) {
      const data = sim.world.regionData(accountId, region);
      const byId = new Map(data.securityGroups.map((g) => [g.groupId, g]));
      expect(byId.size).toBe(data.securityGroups.length);
      for (const vpc of data.vpcs) {
        const defaults = data.securityGroups.filter(
          (g) => g.vpcId === vpc.vpcId && g.groupName === 'default',
        );
        expect(defaults).toHaveLength(1);
        expect(defaults[0]?.description).toBe('default VPC security group');
        expect(defaults[0]?.tags).toEqual([]);
        const names = data.securityGroups.filter((g) => g.vpcId === vpc.vpcId).map((g) => g.groupName);
        expect(new Set(names).size).toBe(names.length);
      }
      expect(new Set(data.securityGroups.map((g) => g.vpcId))).toEqual(
        new Set(data.vpcs.map((v) => v.vpcId)),
      );
      for (const inst of data.instances)
        for (const ref of inst.securityGroups) {
          const group = byId.get(ref.groupId);
          expect(group?.groupName).toBe(ref.groupName);
          expect(group?.vpcId).toBe(inst.vpcId);
        }
      for (const g of data.securityGroups) {
        expect(g.ownerId).toBe(accountId);
        expect(g.securityGroupArn).toBe(`arn:aws:ec2:${region}:${accountId}:security-group/${g.groupId}`);
        expect(g.groupId).toMatch(/^sg-[0-9a-f]{17}$/);
        for (const rule of [...g.ipPermissions, ...g.ipPermissionsEgress]) {
          expect(['tcp', 'udp', 'icmp', '-1']).toContain(rule.ipProtocol);
          if (rule.ipProtocol === '-1') expect([rule.fromPort, rule.toPort]).toEqual([undefined, undefined]);
          else expect(typeof rule.fromPort === 'number' && typeof rule.toPort === 'number').toBe(true);
          for (const pair of rule.userIdGroupPairs) {
            expect(pair.userId).toBe(accountId);
            expect(byId.get(pair.groupId)?.vpcId).toBe(g.vpcId);
          }
          for (const pl of rule.prefixListIds)
            expect(pl.prefixListId).toMatch(/^pl-([0-9a-f]{8}|[0-9a-f]{17})$/);
        }
      }
    }
  });

  it('gives groups realistic rules: the default egress, references between tiers, every kind of source', () => {
    const all = populated().flatMap(
      ({ accountId, region }) => sim.world.regionData(accountId, region).securityGroups,
    );
    const rules = all.flatMap((g) => [...g.ipPermissions, ...g.ipPermissionsEgress]);
    const allTraffic = all.filter((g) =>
      g.ipPermissionsEgress.some(
        (r) => r.ipProtocol === '-1' && r.ipRanges.some((x) => x.cidrIp === '0.0.0.0/0'),
      ),
    );
    expect(allTraffic.length).toBeGreaterThan(all.length / 2);
    for (const g of all.filter((x) => x.groupName === 'default'))
      expect(g.ipPermissions).toEqual([
        {
          ipProtocol: '-1',
          userIdGroupPairs: [{ userId: g.ownerId, groupId: g.groupId }],
          ipRanges: [],
          ipv6Ranges: [],
          prefixListIds: [],
        },
      ]);
    const app = all.find((g) => g.groupName.endsWith('-app'));
    const web = all.find((g) => g.groupName.endsWith('-web') && g.vpcId === app?.vpcId);
    expect(app?.ipPermissions[0]).toMatchObject({ ipProtocol: 'tcp', fromPort: 8080, toPort: 8080 });
    expect(app?.ipPermissions[0]?.userIdGroupPairs[0]?.groupId).toBe(web?.groupId);
    for (const protocol of ['tcp', 'udp', 'icmp', '-1'])
      expect(rules.some((r) => r.ipProtocol === protocol)).toBe(true);
    expect(rules.some((r) => r.ipv6Ranges.length > 0)).toBe(true);
    expect(rules.some((r) => r.prefixListIds.length > 0)).toBe(true);
    expect(rules.some((r) => r.ipRanges.some((x) => x.description !== undefined))).toBe(true);
    expect(rules.some((r) => r.userIdGroupPairs.some((x) => x.description !== undefined))).toBe(true);
    expect(all.some((g) => g.tags.some((t) => t.key === 'Name'))).toBe(true);
    expect(all.some((g) => g.groupName !== 'default' && g.tags.length === 0)).toBe(true);
    expect(all.some((g) => g.groupName.startsWith('launch-wizard-'))).toBe(true);
  });
});

describe('DescribeSecurityGroups through the AWS SDK', () => {
  it('paginateDescribeSecurityGroups with pageSize 5 returns every group once, every parsed field equal to the ground truth', async () => {
    for (const { accountId, region } of populated()) {
      sim.log.reset();
      const client = await ec2(accountId, region);
      const truth = truthOf(accountId, region);
      const pages: SecurityGroup[][] = [];
      for await (const page of paginateDescribeSecurityGroups({ client, pageSize: 5 }, {}))
        pages.push(page.SecurityGroups ?? []);
      const got = pages.flat();
      expect(pages.slice(0, -1).every((p) => p.length === 5)).toBe(true);
      expect(got.map((g) => g.GroupId)).toEqual(truth.map((g) => g.groupId));
      expect(got).toEqual(truth.map(sdkGroup));
      const calls = sim.log.entries({ service: 'ec2', operation: 'DescribeSecurityGroups' });
      expect(calls).toHaveLength(Math.ceil(truth.length / 5));
      expect(
        calls.every(
          (c) =>
            c.accountId === accountId &&
            c.region === region &&
            c.status === 200 &&
            c.params['MaxResults'] === '5',
        ),
      ).toBe(true);
      expect(calls.filter((c) => c.params['NextToken'] !== undefined)).toHaveLength(calls.length - 1);
    }
  });

  it('answers an unpaginated call with every group, and pages under the pageCap and shortPages knobs', async () => {
    const client = await ec2(memberA);
    const truth = truthOf(memberA);
    const all = await client.send(new DescribeSecurityGroupsCommand({}));
    expect(all.NextToken).toBeUndefined();
    expect(all.SecurityGroups).toEqual(truth.map(sdkGroup));

    sim.knobs.pageCap = 4;
    const capped: string[] = [];
    for await (const page of paginateDescribeSecurityGroups({ client }, {}))
      capped.push(...(page.SecurityGroups ?? []).map((g) => g.GroupId ?? ''));
    expect(capped).toEqual(truth.map((g) => g.groupId));
    expect(sim.log.count({ operation: 'DescribeSecurityGroups' })).toBe(1 + Math.ceil(truth.length / 4));

    delete sim.knobs.pageCap;
    sim.knobs.shortPages = true;
    const filters = [{ Name: 'group-name', Values: ['*-app', 'default'] }];
    const want = truth.filter((g) => g.groupName === 'default' || g.groupName.endsWith('-app'));
    const short: string[] = [];
    for await (const page of paginateDescribeSecurityGroups({ client, pageSize: 5 }, { Filters: filters }))
      short.push(...(page.SecurityGroups ?? []).map((g) => g.GroupId ?? ''));
    expect(short).toEqual(want.map((g) => g.groupId));
  });

  it('applies every supported filter, with wildcards, OR-ing values and AND-ing filters', async () => {
    const client = await ec2(memberA);
    const truth = truthOf(memberA);
    const vpcs = sim.world.regionData(memberA, 'us-east-1').vpcs;
    const sample = truth.find((g) => g.groupName.endsWith('-app') && g.tags.some((t) => t.key === 'Name'));
    const withPl = truth.find((g) => g.ipPermissions.some((r) => r.prefixListIds.length > 0));
    const withV6 = truth.find((g) => g.ipPermissions.some((r) => r.ipv6Ranges.length > 0));
    const withEgressPl = truth.find((g) => g.ipPermissionsEgress.some((r) => r.prefixListIds.length > 0));
    expect(sample && withPl && withV6 && withEgressPl).toBeTruthy();
    const s = sample as SimSecurityGroup;
    const ingress = (g: SimSecurityGroup) => g.ipPermissions;
    const egress = (g: SimSecurityGroup) => g.ipPermissionsEgress;
    const cases: [Filter[], (g: SimSecurityGroup) => boolean][] = [
      [[{ Name: 'group-id', Values: [s.groupId] }], (g) => g.groupId === s.groupId],
      [[{ Name: 'group-name', Values: ['*-web'] }], (g) => g.groupName.endsWith('-web')],
      [
        [{ Name: 'group-name', Values: ['ssh-from-?astion', 'default'] }],
        (g) => ['ssh-from-bastion', 'default'].includes(g.groupName),
      ],
      [[{ Name: 'description', Values: ['Managed by*'] }], (g) => g.description.startsWith('Managed by')],
      [[{ Name: 'vpc-id', Values: [vpcs[1]?.vpcId ?? ''] }], (g) => g.vpcId === vpcs[1]?.vpcId],
      [[{ Name: 'owner-id', Values: [memberA] }], () => true],
      [
        [{ Name: 'tag:Name', Values: [s.groupName] }],
        (g) => g.tags.some((t) => t.key === 'Name' && t.value === s.groupName),
      ],
      [[{ Name: 'tag-key', Values: ['ManagedBy'] }], (g) => g.tags.some((t) => t.key === 'ManagedBy')],
      [[{ Name: 'tag-value', Values: ['terra*'] }], (g) => g.tags.some((t) => t.value.startsWith('terra'))],
      [
        [{ Name: 'ip-permission.protocol', Values: ['udp', '1'] }],
        (g) => ingress(g).some((r) => r.ipProtocol === 'udp' || r.ipProtocol === 'icmp'),
      ],
      [
        [{ Name: 'ip-permission.from-port', Values: ['8080'] }],
        (g) => ingress(g).some((r) => r.fromPort === 8080),
      ],
      [[{ Name: 'ip-permission.to-port', Values: ['22'] }], (g) => ingress(g).some((r) => r.toPort === 22)],
      [
        [{ Name: 'ip-permission.cidr', Values: ['0.0.0.0/0'] }],
        (g) => ingress(g).some((r) => r.ipRanges.some((x) => x.cidrIp === '0.0.0.0/0')),
      ],
      [
        [{ Name: 'ip-permission.ipv6-cidr', Values: ['::/0'] }],
        (g) => ingress(g).some((r) => r.ipv6Ranges.some((x) => x.cidrIpv6 === '::/0')),
      ],
      [
        [{ Name: 'ip-permission.prefix-list-id', Values: ['pl-*'] }],
        (g) => ingress(g).some((r) => r.prefixListIds.length > 0),
      ],
      [
        [
          {
            Name: 'ip-permission.group-id',
            Values: [s.ipPermissions[0]?.userIdGroupPairs[0]?.groupId ?? ''],
          },
        ],
        (g) =>
          ingress(g).some((r) =>
            r.userIdGroupPairs.some((p) => p.groupId === s.ipPermissions[0]?.userIdGroupPairs[0]?.groupId),
          ),
      ],
      [
        [{ Name: 'ip-permission.group-name', Values: ['*-web'] }],
        (g) =>
          ingress(g).some((r) =>
            r.userIdGroupPairs.some((p) =>
              truth.find((x) => x.groupId === p.groupId)?.groupName.endsWith('-web'),
            ),
          ),
      ],
      [
        [{ Name: 'ip-permission.user-id', Values: [memberA] }],
        (g) => ingress(g).some((r) => r.userIdGroupPairs.length > 0),
      ],
      [
        [{ Name: 'egress.ip-permission.protocol', Values: ['tcp'] }],
        (g) => egress(g).some((r) => r.ipProtocol === 'tcp'),
      ],
      [
        [{ Name: 'egress.ip-permission.prefix-list-id', Values: ['pl-*'] }],
        (g) => egress(g).some((r) => r.prefixListIds.length > 0),
      ],
      [
        [{ Name: 'egress.ip-permission.cidr', Values: ['0.0.0.0/0'] }],
        (g) => egress(g).some((r) => r.ipRanges.length > 0),
      ],
      [
        [{ Name: 'egress.ip-permission.ipv6-cidr', Values: ['::/0'] }],
        (g) => egress(g).some((r) => r.ipv6Ranges.length > 0),
      ],
      [
        [{ Name: 'egress.ip-permission.from-port', Values: ['443'] }],
        (g) => egress(g).some((r) => r.fromPort === 443),
      ],
      [
        [{ Name: 'egress.ip-permission.to-port', Values: ['443'] }],
        (g) => egress(g).some((r) => r.toPort === 443),
      ],
      [
        [{ Name: 'egress.ip-permission.group-id', Values: ['sg-*'] }],
        (g) => egress(g).some((r) => r.userIdGroupPairs.length > 0),
      ],
      [
        [{ Name: 'egress.ip-permission.group-name', Values: ['*'] }],
        (g) => egress(g).some((r) => r.userIdGroupPairs.length > 0),
      ],
      [
        [{ Name: 'egress.ip-permission.user-id', Values: [memberA] }],
        (g) => egress(g).some((r) => r.userIdGroupPairs.length > 0),
      ],
      [
        [
          { Name: 'vpc-id', Values: [s.vpcId] },
          { Name: 'group-name', Values: ['default', '*-db'] },
        ],
        (g) => g.vpcId === s.vpcId && (g.groupName === 'default' || g.groupName.endsWith('-db')),
      ],
    ];
    for (const [filters, predicate] of cases) {
      const want = truth.filter(predicate).map((g) => g.groupId);
      expect(await describeIds(client, filters), JSON.stringify(filters)).toEqual(want);
    }
    // The cases select something and leave something out, so each could fail (owner-id and the
    // egress group filters excepted: every group is the account's, and no egress rule names a group).
    const informative = cases.filter(
      ([f]) =>
        ![
          'owner-id',
          'egress.ip-permission.group-id',
          'egress.ip-permission.group-name',
          'egress.ip-permission.user-id',
        ].includes(f[0]?.Name ?? ''),
    );
    for (const [, predicate] of informative) {
      const n = truth.filter(predicate).length;
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(truth.length);
    }
    expect(await describeIds(client, [{ Name: 'owner-id', Values: ['999999999999'] }])).toEqual([]);
    expect(await describeIds(client, [{ Name: 'group-name', Values: ['DEFAULT'] }])).toEqual([]);
    const bad = await awsError(
      client.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-size', Values: ['1'] }] })),
    );
    expect(bad).toMatchObject({
      name: 'InvalidParameterValue',
      status: 400,
      message: "The filter 'group-size' is invalid",
    });
  });

  it('selects by GroupIds and by GroupNames (groups of the default VPC), OR-ed', async () => {
    const client = await ec2(memberA);
    const truth = truthOf(memberA);
    const vpcs = sim.world.regionData(memberA, 'us-east-1').vpcs;
    const defaultVpc = vpcs.find((v) => v.isDefault)?.vpcId;
    const other = truth.filter((g) => g.vpcId !== defaultVpc);
    const ids = [other[3]?.groupId ?? '', other[0]?.groupId ?? ''];
    const byIds = await client.send(new DescribeSecurityGroupsCommand({ GroupIds: ids }));
    expect(byIds.SecurityGroups).toEqual(truth.filter((g) => ids.includes(g.groupId)).map(sdkGroup));
    expect(byIds.NextToken).toBeUndefined();

    const web = truth.find((g) => g.vpcId === defaultVpc && g.groupName.endsWith('-web'));
    const byNames = await client.send(
      new DescribeSecurityGroupsCommand({ GroupNames: ['default', web?.groupName ?? ''] }),
    );
    expect(byNames.SecurityGroups?.map((g) => g.GroupId)).toEqual(
      truth
        .filter((g) => g.vpcId === defaultVpc && (g.groupName === 'default' || g === web))
        .map((g) => g.groupId),
    );
    const both = await client.send(
      new DescribeSecurityGroupsCommand({ GroupIds: ids, GroupNames: ['default'] }),
    );
    expect(both.SecurityGroups?.map((g) => g.GroupId)).toEqual(
      truth
        .filter((g) => ids.includes(g.groupId) || (g.vpcId === defaultVpc && g.groupName === 'default'))
        .map((g) => g.groupId),
    );
    // GroupNames may be paged (only GroupIds refuses MaxResults); filters still apply to the selection.
    const pagedNames = await client.send(
      new DescribeSecurityGroupsCommand({ GroupNames: ['default'], MaxResults: 5 }),
    );
    expect(pagedNames.SecurityGroups?.map((g) => g.GroupName)).toEqual(['default']);
    const filtered = await client.send(
      new DescribeSecurityGroupsCommand({
        GroupIds: ids,
        Filters: [{ Name: 'group-id', Values: [ids[0] ?? ''] }],
      }),
    );
    expect(filtered.SecurityGroups?.map((g) => g.GroupId)).toEqual([ids[0]]);
    const calls = sim.log.entries({ operation: 'DescribeSecurityGroups', accountId: memberA });
    expect(calls[0]?.params['GroupId.1']).toBe(ids[0]);
    expect(calls[1]?.params['GroupName.2']).toBe(web?.groupName);
  });

  it('refuses GroupIds with MaxResults, and MaxResults outside 5..1000, as EC2 does', async () => {
    const client = await ec2(memberA);
    const id = truthOf(memberA)[0]?.groupId ?? '';
    expect(
      await awsError(client.send(new DescribeSecurityGroupsCommand({ GroupIds: [id], MaxResults: 5 }))),
    ).toEqual({
      name: 'InvalidParameterCombination',
      status: 400,
      message: 'The parameter GroupIds cannot be used with the parameter MaxResults',
    });
    expect(await awsError(client.send(new DescribeSecurityGroupsCommand({ MaxResults: 4 })))).toMatchObject({
      name: 'InvalidParameterValue',
      message:
        'Value ( 4 ) for parameter MaxResults is invalid. Expecting a value greater than or equal to 5.',
    });
    expect(
      await awsError(client.send(new DescribeSecurityGroupsCommand({ MaxResults: 1001 }))),
    ).toMatchObject({
      name: 'InvalidParameterValue',
      message:
        'Value ( 1001 ) for parameter MaxResults is invalid. Expecting a value smaller than or equal to 1000.',
    });
    const ok = await client.send(new DescribeSecurityGroupsCommand({ MaxResults: 1000 }));
    expect(ok.SecurityGroups).toHaveLength(truthOf(memberA).length);
    // A token is bound to its selection: replayed with other filters it is refused.
    const first = await client.send(new DescribeSecurityGroupsCommand({ MaxResults: 5 }));
    expect(first.NextToken).toBeDefined();
    const replay = await awsError(
      client.send(
        new DescribeSecurityGroupsCommand({
          MaxResults: 5,
          NextToken: first.NextToken,
          Filters: [{ Name: 'group-name', Values: ['default'] }],
        }),
      ),
    );
    expect(replay.name).toBe('InvalidParameterValue');
    expect(sim.log.count({ operation: 'DescribeSecurityGroups', errorCode: 'InvalidParameterValue' })).toBe(
      3,
    );
    expect(
      sim.log.count({ operation: 'DescribeSecurityGroups', errorCode: 'InvalidParameterCombination' }),
    ).toBe(1);
  });

  it('answers unknown and malformed ids and unknown names with EC2 codes and messages', async () => {
    const client = await ec2(memberA);
    const known = truthOf(memberA)[2]?.groupId ?? '';
    const unknown = 'sg-0123456789abcdef0';
    expect(
      await awsError(client.send(new DescribeSecurityGroupsCommand({ GroupIds: [known, unknown] }))),
    ).toEqual({
      name: 'InvalidGroup.NotFound',
      status: 400,
      message: `The security group '${unknown}' does not exist`,
    });
    expect(
      (await awsError(client.send(new DescribeSecurityGroupsCommand({ GroupIds: [unknown, 'sg-12345678'] }))))
        .message,
    ).toBe(`The security group '${unknown}, sg-12345678' does not exist`);
    // Another account's group does not exist in this one.
    const otherAccount =
      sim.world.accounts.find((a) => a.id !== memberA && a.enabledRegions.has('us-east-1'))?.id ?? '';
    const foreign = truthOf(otherAccount)[0]?.groupId ?? '';
    expect(
      (await awsError(client.send(new DescribeSecurityGroupsCommand({ GroupIds: [foreign] })))).name,
    ).toBe('InvalidGroup.NotFound');
    for (const bad of ['sg-123', 'sg-0123456789ABCDEF0', 'vpc-0123456789abcdef0', 'web'])
      expect(
        await awsError(client.send(new DescribeSecurityGroupsCommand({ GroupIds: [known, bad] }))),
      ).toEqual({
        name: 'InvalidGroupId.Malformed',
        status: 400,
        message: `Invalid id: "${bad}" (expecting "sg-...")`,
      });
    const defaultVpc = sim.world.regionData(memberA, 'us-east-1').vpcs.find((v) => v.isDefault)?.vpcId;
    // A name that exists only in a non-default VPC is not found by GroupNames.
    const nonDefault = truthOf(memberA).find(
      (g) => g.vpcId !== defaultVpc && g.groupName.startsWith('launch-wizard-'),
    );
    for (const name of ['no-such-group', ...(nonDefault ? [nonDefault.groupName] : [])])
      expect(
        await awsError(client.send(new DescribeSecurityGroupsCommand({ GroupNames: ['default', name] }))),
      ).toEqual({
        name: 'InvalidGroup.NotFound',
        status: 400,
        message: `The security group '${name}' does not exist in default VPC '${defaultVpc}'`,
      });
    expect(
      sim.log.count({ operation: 'DescribeSecurityGroups', errorCode: 'InvalidGroup.NotFound' }),
    ).toBeGreaterThanOrEqual(4);
    expect(
      sim.log.count({ operation: 'DescribeSecurityGroups', errorCode: 'InvalidGroupId.Malformed' }),
    ).toBe(4);
  });

  it('honours DryRun and the permission knobs, as for the other Describe calls', async () => {
    const client = await ec2(memberA);
    expect(await awsError(client.send(new DescribeSecurityGroupsCommand({ DryRun: true })))).toMatchObject({
      name: 'DryRunOperation',
      status: 412,
    });
    sim.knobs.scenarios.set(memberA, { deniedActions: ['ec2:DescribeSecurityGroups'] });
    const denied = await awsError(client.send(new DescribeSecurityGroupsCommand({})));
    expect(denied).toMatchObject({ name: 'UnauthorizedOperation', status: 403 });
    expect(denied.message).toContain('ec2:DescribeSecurityGroups');
    await client.send(new DescribeVpcsCommand({}));
    expect(sim.log.count({ operation: 'DescribeSecurityGroups', errorCode: 'UnauthorizedOperation' })).toBe(
      1,
    );
  });
});

describe('DescribeSecurityGroups throttling', () => {
  it('draws from its own per-account, per-Region bucket and answers RequestLimitExceeded over it', async () => {
    const clock = manualClock();
    const throttled = await startSim({
      seed: 4,
      accounts: 2,
      regions: ['us-east-1'],
      instancesPerRegion: 1,
      clock,
      knobs: { throttling: true },
    });
    try {
      const client = ec2Client(
        throttled,
        await assumeReadRole(throttled, throttled.world.accounts[0]?.id ?? ''),
      );
      const results = await Promise.allSettled(
        Array.from({ length: EC2_BUCKET.burst + 3 }, () =>
          client.send(new DescribeSecurityGroupsCommand({})),
        ),
      );
      const errors = results.flatMap((r) =>
        r.status === 'rejected' ? [(r.reason as { name: string }).name] : [],
      );
      expect(errors).toEqual(Array(3).fill('RequestLimitExceeded'));
      // DescribeVpcs has its own bucket; a second later DescribeSecurityGroups has tokens again.
      await client.send(new DescribeVpcsCommand({}));
      clock.advance(1000);
      await client.send(new DescribeSecurityGroupsCommand({}));
      expect(
        throttled.log.count({
          operation: 'DescribeSecurityGroups',
          errorCode: 'RequestLimitExceeded',
          status: 503,
        }),
      ).toBe(3);
      client.destroy();
    } finally {
      await throttled.close();
    }
  });
});
