// The simulated EC2 endpoint driven by the real AWS SDK v3 EC2 client (credentials from a real STS
// AssumeRole into each member account's read role), compared with the world's ground truth and with
// the sim's request log.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import {
  DescribeAvailabilityZonesCommand,
  DescribeInstancesCommand,
  DescribeRegionsCommand,
  DescribeVpcsCommand,
  paginateDescribeInstances,
  paginateDescribeSubnets,
  paginateDescribeVpcs,
} from '@aws-sdk/client-ec2';
import type { Instance, Reservation, Subnet, Vpc } from '@aws-sdk/client-ec2';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import type { SimInstance } from '../../src/sim/model.js';
import { awsError, centralCredentials, ec2Client, readRoleEc2Clients } from '../helpers/sim-clients.js';

let sim: RunningSim;
let memberA: string;
let memberB: string;

const REGIONS = ['us-east-1', 'eu-west-1'];

beforeAll(async () => {
  sim = await startSim({
    seed: 7,
    accounts: 3,
    regions: REGIONS,
    instancesPerRegion: 23,
    vpcsPerRegion: 7,
    subnetsPerVpc: 2,
  });
  const enabledEverywhere = sim.world.accounts.filter((a) => REGIONS.every((r) => a.enabledRegions.has(r)));
  memberA = enabledEverywhere[0]?.id ?? '';
  memberB = enabledEverywhere[1]?.id ?? '';
  expect(memberA).not.toBe('');
  expect(memberB).not.toBe('');
});

afterAll(async () => {
  await sim?.close();
});

beforeEach(() => {
  sim.log.reset();
  delete sim.knobs.pageCap;
  sim.knobs.scenarios.clear();
});

/** EC2 clients on the member read role's session, assumed once per account for the whole file. */
const ec2 = readRoleEc2Clients(() => sim);

function expectSameInstance(got: Instance | undefined, want: SimInstance): void {
  expect(got).toBeDefined();
  expect(got?.InstanceId).toBe(want.instanceId);
  expect(got?.ImageId).toBe(want.imageId);
  expect(got?.InstanceType).toBe(want.instanceType);
  expect(got?.State).toEqual({ Code: want.state.code, Name: want.state.name });
  expect(got?.StateTransitionReason).toBe(want.stateTransitionReason);
  expect(got?.PrivateIpAddress).toBe(want.privateIpAddress);
  expect(got?.PublicIpAddress).toBe(want.publicIpAddress);
  expect(got?.PrivateDnsName).toBe(want.privateDnsName);
  expect(got?.PublicDnsName).toBe(want.publicDnsName);
  expect(got?.LaunchTime?.toISOString()).toBe(want.launchTime.toISOString());
  expect(got?.Platform).toBe(want.platform);
  expect(got?.PlatformDetails).toBe(want.platformDetails);
  expect(got?.Architecture).toBe(want.architecture);
  expect(got?.KeyName).toBe(want.keyName);
  expect(got?.SecurityGroups).toEqual(
    want.securityGroups.map((g) => ({ GroupId: g.groupId, GroupName: g.groupName })),
  );
  expect(got?.IamInstanceProfile).toEqual(
    want.iamInstanceProfile
      ? { Arn: want.iamInstanceProfile.arn, Id: want.iamInstanceProfile.id }
      : undefined,
  );
  expect(got?.InstanceLifecycle).toBe(want.instanceLifecycle);
  expect(got?.SpotInstanceRequestId).toBe(want.spotInstanceRequestId);
  expect(got?.Placement?.AvailabilityZone).toBe(want.placement.availabilityZone);
  expect(got?.Placement?.Tenancy).toBe(want.placement.tenancy);
  expect(got?.SubnetId).toBe(want.subnetId);
  expect(got?.VpcId).toBe(want.vpcId);
  expect(got?.AmiLaunchIndex).toBe(want.amiLaunchIndex);
  expect(got?.RootDeviceType).toBe(want.rootDeviceType);
  expect(got?.RootDeviceName).toBe(want.rootDeviceName);
  expect(got?.EbsOptimized).toBe(want.ebsOptimized);
  expect(got?.Hypervisor).toBe(want.hypervisor);
  expect(got?.VirtualizationType).toBe(want.virtualizationType);
  expect(got?.Tags ?? []).toEqual(want.tags.map((t) => ({ Key: t.key, Value: t.value })));
}

describe('EC2 through the AWS SDK', () => {
  it('paginateDescribeInstances with pageSize 5 returns exactly the ground truth, reservations split across pages', async () => {
    const client = await ec2(memberA);
    const truth = sim.world.regionData(memberA, 'us-east-1').instances;
    expect(truth.length).toBe(23);
    const pages: Reservation[][] = [];
    for await (const page of paginateDescribeInstances({ client, pageSize: 5 }, {}))
      pages.push(page.Reservations ?? []);
    const instances = pages.flat().flatMap((r) => r.Instances ?? []);
    expect(pages.map((p) => p.flatMap((r) => r.Instances ?? []).length)).toEqual([5, 5, 5, 5, 3]);
    expect(instances.map((i) => i.InstanceId)).toEqual(truth.map((i) => i.instanceId));
    truth.forEach((want, n) => expectSameInstance(instances[n], want));
    // Every instance sits in its own reservation; reservations that straddle a page appear on both.
    const seen = new Map<string, string[]>();
    for (const r of pages.flat())
      seen.set(r.ReservationId ?? '', [
        ...(seen.get(r.ReservationId ?? '') ?? []),
        ...(r.Instances ?? []).map((i) => i.InstanceId ?? ''),
      ]);
    for (const want of truth) expect(seen.get(want.reservationId)).toContain(want.instanceId);
    expect(pages.flat().every((r) => r.OwnerId === memberA)).toBe(true);
    // The request log shows the five paged calls, in this account and Region.
    const calls = sim.log.entries({ service: 'ec2', operation: 'DescribeInstances' });
    expect(calls).toHaveLength(5);
    expect(
      calls.every(
        (c) =>
          c.accountId === memberA &&
          c.region === 'us-east-1' &&
          c.status === 200 &&
          c.params['MaxResults'] === '5',
      ),
    ).toBe(true);
    expect(calls.filter((c) => c.params['NextToken'] !== undefined)).toHaveLength(4);
  });

  it('paginateDescribeVpcs and paginateDescribeSubnets return exactly the ground truth', async () => {
    const client = await ec2(memberB, 'eu-west-1');
    const truth = sim.world.regionData(memberB, 'eu-west-1');
    const vpcs: Vpc[] = [];
    for await (const page of paginateDescribeVpcs({ client, pageSize: 5 }, {}))
      vpcs.push(...(page.Vpcs ?? []));
    expect(vpcs.map((v) => v.VpcId)).toEqual(truth.vpcs.map((v) => v.vpcId));
    truth.vpcs.forEach((want, n) => {
      expect(vpcs[n]).toMatchObject({
        VpcId: want.vpcId,
        OwnerId: want.ownerId,
        CidrBlock: want.cidrBlock,
        IsDefault: want.isDefault,
        State: want.state,
        DhcpOptionsId: want.dhcpOptionsId,
        InstanceTenancy: want.instanceTenancy,
      });
      expect(vpcs[n]?.Tags ?? []).toEqual(want.tags.map((t) => ({ Key: t.key, Value: t.value })));
    });
    expect(vpcs.filter((v) => v.IsDefault).map((v) => v.CidrBlock)).toEqual(['172.31.0.0/16']);

    const subnets: Subnet[] = [];
    for await (const page of paginateDescribeSubnets({ client, pageSize: 5 }, {}))
      subnets.push(...(page.Subnets ?? []));
    expect(subnets.map((s) => s.SubnetId)).toEqual(truth.subnets.map((s) => s.subnetId));
    truth.subnets.forEach((want, n) => {
      expect(subnets[n]).toMatchObject({
        SubnetId: want.subnetId,
        SubnetArn: want.subnetArn,
        VpcId: want.vpcId,
        CidrBlock: want.cidrBlock,
        AvailabilityZone: want.availabilityZone,
        AvailabilityZoneId: want.availabilityZoneId,
        AvailableIpAddressCount: want.availableIpAddressCount,
        DefaultForAz: want.defaultForAz,
        MapPublicIpOnLaunch: want.mapPublicIpOnLaunch,
        State: want.state,
      });
    });
    expect(sim.log.count({ operation: 'DescribeVpcs', accountId: memberB, region: 'eu-west-1' })).toBe(
      Math.ceil(truth.vpcs.length / 5),
    );
    expect(sim.log.count({ operation: 'DescribeSubnets', accountId: memberB, region: 'eu-west-1' })).toBe(
      Math.ceil(truth.subnets.length / 5),
    );
  });

  it('the pageCap knob makes even an unpaginated paginator page', async () => {
    sim.knobs.pageCap = 4;
    const client = await ec2(memberA);
    const truth = sim.world.regionData(memberA, 'us-east-1').instances;
    const sizes: number[] = [];
    const ids: string[] = [];
    for await (const page of paginateDescribeInstances({ client }, {})) {
      const list = (page.Reservations ?? []).flatMap((r) => r.Instances ?? []);
      sizes.push(list.length);
      ids.push(...list.map((i) => i.InstanceId ?? ''));
    }
    expect(sizes.every((s) => s <= 4)).toBe(true);
    expect(ids).toEqual(truth.map((i) => i.instanceId));
    expect(sim.log.count({ operation: 'DescribeInstances' })).toBe(Math.ceil(truth.length / 4));
  });

  it('filters are applied server side', async () => {
    const client = await ec2(memberA);
    const truth = sim.world.regionData(memberA, 'us-east-1').instances;
    const out = await client.send(
      new DescribeInstancesCommand({
        Filters: [{ Name: 'instance-state-name', Values: ['running', 'stopped'] }],
      }),
    );
    const ids = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId);
    expect(ids).toEqual(
      truth.filter((i) => i.state.name === 'running' || i.state.name === 'stopped').map((i) => i.instanceId),
    );

    const sample = truth[0] as SimInstance;
    const tag = sample.tags[0];
    expect(tag).toBeDefined();
    const byTag = await client.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: `tag:${tag?.key}`, Values: [tag?.value ?? ''] },
          { Name: 'instance-type', Values: [sample.instanceType] },
        ],
      }),
    );
    const want = truth.filter(
      (i) =>
        i.instanceType === sample.instanceType &&
        i.tags.some((t) => t.key === tag?.key && t.value === tag?.value),
    );
    expect((byTag.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId)).toEqual(
      want.map((i) => i.instanceId),
    );

    const defaults = await client.send(
      new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }),
    );
    expect(defaults.Vpcs?.map((v) => v.VpcId)).toEqual(
      sim.world
        .regionData(memberA, 'us-east-1')
        .vpcs.filter((v) => v.isDefault)
        .map((v) => v.vpcId),
    );
    // The log shows the filters as sent.
    const logged = sim.log.entries({ operation: 'DescribeInstances' })[0];
    expect(logged?.params).toMatchObject({
      'Filter.1.Name': 'instance-state-name',
      'Filter.1.Value.1': 'running',
      'Filter.1.Value.2': 'stopped',
    });
  });

  it('DescribeRegions and DescribeAvailabilityZones answer from the world', async () => {
    const client = await ec2(memberA);
    const account = sim.world.accountById.get(memberA);
    const enabled = await client.send(new DescribeRegionsCommand({}));
    expect(enabled.Regions?.map((r) => r.RegionName)).toEqual(
      sim.world.allRegions.filter((r) => account?.enabledRegions.has(r)),
    );
    const all = await client.send(new DescribeRegionsCommand({ AllRegions: true }));
    expect(all.Regions?.map((r) => r.RegionName)).toEqual(sim.world.allRegions);
    for (const r of all.Regions ?? []) {
      expect(r.Endpoint).toBe(`ec2.${r.RegionName}.amazonaws.com`);
      const name = r.RegionName ?? '';
      const status = !sim.world.optInRegions.has(name)
        ? 'opt-in-not-required'
        : account?.enabledRegions.has(name)
          ? 'opted-in'
          : 'not-opted-in';
      expect(r.OptInStatus).toBe(status);
    }
    const optIn = await client.send(
      new DescribeRegionsCommand({
        AllRegions: true,
        Filters: [{ Name: 'opt-in-status', Values: ['not-opted-in'] }],
      }),
    );
    expect(optIn.Regions?.every((r) => r.OptInStatus === 'not-opted-in')).toBe(true);

    const zones = await client.send(new DescribeAvailabilityZonesCommand({}));
    expect(zones.AvailabilityZones?.map((z) => [z.ZoneName, z.ZoneId, z.State, z.RegionName])).toEqual(
      sim.world.availabilityZones('us-east-1').map((z) => [z.zoneName, z.zoneId, z.state, 'us-east-1']),
    );
  });

  it('errors surface with the AWS error name and HTTP status', async () => {
    const client = await ec2(memberA);
    const truth = sim.world.regionData(memberA, 'us-east-1').instances;
    expect(await awsError(client.send(new DescribeInstancesCommand({ MaxResults: 4 })))).toMatchObject({
      name: 'InvalidParameterValue',
      status: 400,
    });
    expect(
      await awsError(
        client.send(
          new DescribeInstancesCommand({ MaxResults: 5, InstanceIds: [truth[0]?.instanceId ?? ''] }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidParameterCombination',
      status: 400,
    });
    const unknown = await awsError(
      client.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })),
    );
    expect(unknown).toMatchObject({ name: 'InvalidInstanceID.NotFound', status: 400 });
    expect(unknown.message).toContain('i-0123456789abcdef0');
    expect(
      await awsError(client.send(new DescribeInstancesCommand({ InstanceIds: ['i-bogus'] }))),
    ).toMatchObject({ name: 'InvalidInstanceID.Malformed', status: 400 });
    expect(
      await awsError(client.send(new DescribeVpcsCommand({ VpcIds: ['vpc-0123456789abcdef0'] }))),
    ).toMatchObject({ name: 'InvalidVpcID.NotFound', status: 400 });
    expect(
      await awsError(client.send(new DescribeInstancesCommand({ NextToken: 'tampered' }))),
    ).toMatchObject({ name: 'InvalidParameterValue', status: 400 });
    expect(
      await awsError(
        client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'nope', Values: ['x'] }] })),
      ),
    ).toMatchObject({
      name: 'InvalidParameterValue',
      status: 400,
      message: "The filter 'nope' is invalid",
    });
    expect(await awsError(client.send(new DescribeInstancesCommand({ DryRun: true })))).toMatchObject({
      name: 'DryRunOperation',
      status: 412,
    });
    const errors = sim.log.entries({ service: 'ec2' }).map((e) => [e.status, e.errorCode]);
    expect(errors).toEqual([
      [400, 'InvalidParameterValue'],
      [400, 'InvalidParameterCombination'],
      [400, 'InvalidInstanceID.NotFound'],
      [400, 'InvalidInstanceID.Malformed'],
      [400, 'InvalidVpcID.NotFound'],
      [400, 'InvalidParameterValue'],
      [400, 'InvalidParameterValue'],
      [412, 'DryRunOperation'],
    ]);
  });

  it('a Region the account has not enabled answers AuthFailure 401', async () => {
    sim.knobs.scenarios.set(memberA, { disabledRegions: ['eu-west-1'] });
    const client = await ec2(memberA, 'eu-west-1');
    const err = await awsError(client.send(new DescribeVpcsCommand({})));
    expect(err).toMatchObject({
      name: 'AuthFailure',
      status: 401,
      message: 'AWS was not able to validate the provided access credentials',
    });
    // Another account in the same Region is unaffected.
    expect((await (await ec2(memberB, 'eu-west-1')).send(new DescribeVpcsCommand({}))).Vpcs?.length).toBe(7);
    const account = sim.world.accountById.get(memberA);
    const notEnabled = sim.world.allRegions.find((r) => !account?.enabledRegions.has(r));
    expect(notEnabled).toBeDefined();
    const opt = await awsError((await ec2(memberA, notEnabled ?? '')).send(new DescribeRegionsCommand({})));
    expect(opt).toMatchObject({ name: 'AuthFailure', status: 401 });
    expect(
      sim.log.entries({ errorCode: 'AuthFailure' }).every((e) => e.accountId === memberA && e.status === 401),
    ).toBe(true);
  });

  it('the central user, which has no EC2 permissions, gets UnauthorizedOperation 403', async () => {
    const client = ec2Client(sim, centralCredentials(sim));
    expect(await awsError(client.send(new DescribeInstancesCommand({})))).toMatchObject({
      name: 'UnauthorizedOperation',
      status: 403,
    });
  });
});
