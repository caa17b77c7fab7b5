import { describe, it, expect } from 'vitest';
import { ec2Service } from '../../src/sim/services/ec2.js';
import { SimError } from '../../src/sim/types.js';
import { wildcardToRegExp } from '../../src/sim/services/ec2/filters.js';
import {
  ACCOUNT_A,
  ACCOUNT_B,
  ACCOUNT_EMPTY,
  buildWorld,
  ec2Call,
  filters,
  idList,
  instanceId,
  instancesOf,
  items,
  makeContext,
  nextTokenOf,
  rawRequest,
  subnetId,
  vpcId,
} from './ec2-fixtures.js';

const ALL_OPERATIONS = [
  'DescribeRegions',
  'DescribeAvailabilityZones',
  'DescribeVpcs',
  'DescribeSubnets',
  'DescribeInstances',
];

describe('ec2Service.parse', () => {
  it('returns the Action and the flat parameters without Action and Version', () => {
    const parsed = ec2Service.parse(
      rawRequest({
        Action: 'DescribeInstances',
        Version: '2016-11-15',
        MaxResults: 5,
        'Filter.1.Name': 'vpc-id',
        'Filter.1.Value.1': 'vpc-1',
      }),
    );
    expect(parsed).toEqual({
      operation: 'DescribeInstances',
      params: { MaxResults: '5', 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': 'vpc-1' },
    });
  });

  it('refuses a request without an Action', () => {
    expect(() => ec2Service.parse(rawRequest({ Version: '2016-11-15' }))).toThrow(SimError);
  });
});

describe('EC2 envelope and errors', () => {
  it('answers in the EC2 namespace with the request id and an XML content type', async () => {
    const ctx = makeContext();
    const answer = await ec2Call(ctx, 'DescribeRegions');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/xml/);
    const root = answer.doc['DescribeRegionsResponse'] as Record<string, unknown>;
    expect(root['@_xmlns']).toBe('http://ec2.amazonaws.com/doc/2016-11-15/');
    expect(root['requestId']).toMatch(/^req-/);
  });

  it('answers an unknown Action with InvalidAction 400', async () => {
    const answer = await ec2Call(makeContext(), 'RunInstances');
    expect(answer.status).toBe(400);
    expect(answer.error).toMatchObject({
      code: 'InvalidAction',
      message: 'The action RunInstances is not valid for this web service.',
    });
  });

  it('serializes any SimError as <Response><Errors><Error> with its own status', () => {
    const cases: [string, number][] = [
      ['RequestLimitExceeded', 503],
      ['UnauthorizedOperation', 403],
      ['AuthFailure', 401],
      ['InternalError', 500],
      ['Unavailable', 503],
    ];
    for (const [code, status] of cases) {
      const res = ec2Service.errorResponse(new SimError(code, `msg for ${code} <&>`, status), 'rid-1');
      expect(res.status).toBe(status);
      expect(res.headers['x-amzn-requestid']).toBe('rid-1');
      expect(String(res.body)).toContain(
        `<Response><Errors><Error><Code>${code}</Code><Message>msg for ${code} &lt;&amp;&gt;</Message></Error></Errors><RequestID>rid-1</RequestID></Response>`,
      );
    }
  });

  it('answers DryRun=true with DryRunOperation 412', async () => {
    const answer = await ec2Call(makeContext(), 'DescribeInstances', { DryRun: true });
    expect(answer.status).toBe(412);
    expect(answer.error?.code).toBe('DryRunOperation');
  });
});

describe('Region enablement', () => {
  it.each(ALL_OPERATIONS)('%s in a Region the account has not enabled → AuthFailure 401', async (op) => {
    const answer = await ec2Call(makeContext(), op, {}, { region: 'af-south-1' });
    expect(answer.status).toBe(401);
    expect(answer.error).toMatchObject({
      code: 'AuthFailure',
      message: 'AWS was not able to validate the provided access credentials',
    });
  });

  it('works in an opt-in Region the account opted into', async () => {
    const answer = await ec2Call(
      makeContext(),
      'DescribeVpcs',
      {},
      { accountId: ACCOUNT_B, region: 'af-south-1' },
    );
    expect(answer.status).toBe(200);
  });

  it.each(ALL_OPERATIONS)('%s in a Region a scenario disables → AuthFailure 401', async (op) => {
    const ctx = makeContext(buildWorld(), {
      scenarios: new Map([[ACCOUNT_A, { disabledRegions: ['eu-west-1'] }]]),
    });
    const answer = await ec2Call(ctx, op, {}, { region: 'eu-west-1' });
    expect(answer.status).toBe(401);
    expect(answer.error?.code).toBe('AuthFailure');
    // Other accounts are not affected.
    expect((await ec2Call(ctx, op, {}, { region: 'eu-west-1', accountId: ACCOUNT_B })).status).toBe(200);
  });
});

describe('DescribeRegions', () => {
  const names = (answer: Awaited<ReturnType<typeof ec2Call>>) =>
    items(answer, 'DescribeRegions', 'regionInfo').map((r) => r['regionName']);

  it('lists only the Regions enabled for the calling account by default', async () => {
    const answer = await ec2Call(makeContext(), 'DescribeRegions');
    expect(names(answer)).toEqual(['us-east-1', 'eu-west-1', 'us-west-2']);
    expect(items(answer, 'DescribeRegions', 'regionInfo')[0]).toEqual({
      regionName: 'us-east-1',
      regionEndpoint: 'ec2.us-east-1.amazonaws.com',
      optInStatus: 'opt-in-not-required',
    });
    const b = await ec2Call(makeContext(), 'DescribeRegions', {}, { accountId: ACCOUNT_B });
    expect(names(b)).toEqual(['us-east-1', 'eu-west-1', 'us-west-2', 'af-south-1']);
    expect(items(b, 'DescribeRegions', 'regionInfo')[3]?.['optInStatus']).toBe('opted-in');
  });

  it('adds the disabled Regions with AllRegions=true, each with its opt-in status', async () => {
    const answer = await ec2Call(makeContext(), 'DescribeRegions', { AllRegions: true });
    const status = Object.fromEntries(
      items(answer, 'DescribeRegions', 'regionInfo').map((r) => [r['regionName'], r['optInStatus']]),
    );
    expect(status).toEqual({
      'us-east-1': 'opt-in-not-required',
      'eu-west-1': 'opt-in-not-required',
      'us-west-2': 'opt-in-not-required',
      'af-south-1': 'not-opted-in',
      'ap-east-1': 'not-opted-in',
    });
  });

  it('reports a scenario-disabled Region as not opted in and leaves it out by default', async () => {
    const ctx = makeContext(buildWorld(), {
      scenarios: new Map([[ACCOUNT_A, { disabledRegions: ['us-west-2'] }]]),
    });
    expect(names(await ec2Call(ctx, 'DescribeRegions'))).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('answers RegionName.N whatever the Region status', async () => {
    const answer = await ec2Call(
      makeContext(),
      'DescribeRegions',
      idList('RegionName', ['ap-east-1', 'eu-west-1']),
    );
    expect(names(answer)).toEqual(['eu-west-1', 'ap-east-1']);
  });

  it('refuses an unknown RegionName', async () => {
    const answer = await ec2Call(makeContext(), 'DescribeRegions', idList('RegionName', ['xx-nowhere-1']));
    expect(answer.error?.code).toBe('InvalidParameterValue');
  });

  it('filters by opt-in-status, region-name (with wildcards) and endpoint', async () => {
    const ctx = makeContext();
    expect(
      names(
        await ec2Call(ctx, 'DescribeRegions', {
          AllRegions: true,
          ...filters(['opt-in-status', 'not-opted-in']),
        }),
      ),
    ).toEqual(['af-south-1', 'ap-east-1']);
    expect(
      names(
        await ec2Call(ctx, 'DescribeRegions', {
          AllRegions: true,
          ...filters(['region-name', 'us-*', 'a?-south-1']),
        }),
      ),
    ).toEqual(['us-east-1', 'us-west-2', 'af-south-1']);
    expect(
      names(await ec2Call(ctx, 'DescribeRegions', filters(['endpoint', 'ec2.eu-west-1.amazonaws.com']))),
    ).toEqual(['eu-west-1']);
  });

  it('refuses an unknown filter', async () => {
    const answer = await ec2Call(makeContext(), 'DescribeRegions', filters(['colour', 'blue']));
    expect(answer.status).toBe(400);
    expect(answer.error).toMatchObject({
      code: 'InvalidParameterValue',
      message: "The filter 'colour' is invalid",
    });
  });
});

describe('DescribeAvailabilityZones', () => {
  const zoneNames = (answer: Awaited<ReturnType<typeof ec2Call>>) =>
    items(answer, 'DescribeAvailabilityZones', 'availabilityZoneInfo').map((z) => z['zoneName']);

  it('lists the zones of the request Region with zoneState, zoneId and regionName', async () => {
    const answer = await ec2Call(makeContext(), 'DescribeAvailabilityZones', {}, { region: 'eu-west-1' });
    const zones = items(answer, 'DescribeAvailabilityZones', 'availabilityZoneInfo');
    expect(zoneNames(answer)).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(zones[0]).toMatchObject({
      zoneName: 'eu-west-1a',
      zoneId: 'euw1-az1',
      zoneState: 'available',
      regionName: 'eu-west-1',
    });
  });

  it('selects by ZoneName.N and ZoneId.N', async () => {
    const ctx = makeContext();
    expect(
      zoneNames(await ec2Call(ctx, 'DescribeAvailabilityZones', idList('ZoneName', ['us-east-1b']))),
    ).toEqual(['us-east-1b']);
    expect(
      zoneNames(await ec2Call(ctx, 'DescribeAvailabilityZones', idList('ZoneId', ['use1-az3']))),
    ).toEqual(['us-east-1c']);
  });

  it('refuses unknown zone names and ids', async () => {
    const ctx = makeContext();
    const byName = await ec2Call(ctx, 'DescribeAvailabilityZones', idList('ZoneName', ['us-east-1z']));
    expect(byName.error).toMatchObject({
      code: 'InvalidParameterValue',
      message: 'Invalid availability zone: [us-east-1z]',
    });
    const byId = await ec2Call(ctx, 'DescribeAvailabilityZones', idList('ZoneId', ['use1-az9']));
    expect(byId.error?.code).toBe('InvalidParameterValue');
  });

  it('filters by zone-name, zone-id, state and region-name', async () => {
    const ctx = makeContext();
    expect(
      zoneNames(
        await ec2Call(ctx, 'DescribeAvailabilityZones', filters(['zone-name', 'us-east-1a', 'us-east-1c'])),
      ),
    ).toEqual(['us-east-1a', 'us-east-1c']);
    expect(
      zoneNames(
        await ec2Call(
          ctx,
          'DescribeAvailabilityZones',
          filters(['zone-id', 'use1-az?'], ['state', 'available']),
        ),
      ),
    ).toHaveLength(3);
    expect(
      zoneNames(await ec2Call(ctx, 'DescribeAvailabilityZones', filters(['region-name', 'eu-west-1']))),
    ).toEqual([]);
    expect((await ec2Call(ctx, 'DescribeAvailabilityZones', filters(['zone', 'x']))).error?.code).toBe(
      'InvalidParameterValue',
    );
  });
});

describe('DescribeVpcs', () => {
  const ids = (answer: Awaited<ReturnType<typeof ec2Call>>) =>
    items(answer, 'DescribeVpcs', 'vpcSet').map((v) => v['vpcId']);

  it('serializes every VPC field with the element names the SDK reads', async () => {
    const answer = await ec2Call(makeContext(), 'DescribeVpcs');
    const vpcs = items(answer, 'DescribeVpcs', 'vpcSet');
    expect(vpcs).toHaveLength(7);
    expect(vpcs[0]).toMatchObject({
      vpcId: vpcId(1),
      ownerId: ACCOUNT_A,
      state: 'available',
      cidrBlock: '172.31.0.0/16',
      dhcpOptionsId: 'dopt-0123456789abcdef0',
      instanceTenancy: 'default',
      isDefault: 'true',
      cidrBlockAssociationSet: {
        item: [{ cidrBlock: '172.31.0.0/16', cidrBlockState: { state: 'associated' } }],
      },
    });
    expect(vpcs[0]?.['tagSet']).toBeUndefined();
    expect(vpcs[1]?.['tagSet']).toEqual({
      item: [
        { key: 'Name', value: 'vpc-prod-2' },
        { key: 'env', value: 'prod' },
      ],
    });
    expect(nextTokenOf(answer, 'DescribeVpcs')).toBeUndefined();
  });

  it('answers VpcId.N with just those VPCs', async () => {
    const answer = await ec2Call(makeContext(), 'DescribeVpcs', idList('VpcId', [vpcId(3), vpcId(1)]));
    expect(ids(answer).sort()).toEqual([vpcId(1), vpcId(3)]);
  });

  it('fails the whole call naming every unknown VPC id', async () => {
    const answer = await ec2Call(
      makeContext(),
      'DescribeVpcs',
      idList('VpcId', [vpcId(1), vpcId(98), vpcId(99)]),
    );
    expect(answer.status).toBe(400);
    expect(answer.error).toMatchObject({
      code: 'InvalidVpcID.NotFound',
      message: `The vpc IDs '${vpcId(98)}, ${vpcId(99)}' do not exist`,
    });
    const single = await ec2Call(makeContext(), 'DescribeVpcs', idList('VpcId', [vpcId(98)]));
    expect(single.error?.message).toBe(`The vpc ID '${vpcId(98)}' does not exist`);
  });

  it('treats another account’s VPC as not found', async () => {
    const answer = await ec2Call(makeContext(), 'DescribeVpcs', idList('VpcId', [vpcId(1)]), {
      accountId: ACCOUNT_EMPTY,
    });
    expect(answer.error?.code).toBe('InvalidVpcID.NotFound');
  });

  it('refuses malformed VPC ids', async () => {
    for (const bad of ['vpc-123', 'vpc-XYZ45678', 'subnet-0123456789abcdef0', '']) {
      const answer = await ec2Call(makeContext(), 'DescribeVpcs', idList('VpcId', [bad]));
      expect(answer.error?.code).toBe('InvalidVpcID.Malformed');
    }
    const answer = await ec2Call(makeContext(), 'DescribeVpcs', idList('VpcId', ['vpc-123']));
    expect(answer.error?.message).toBe('Invalid id: "vpc-123" (expecting "vpc-...")');
  });

  it('accepts 8-digit (old style) ids as well-formed', async () => {
    const answer = await ec2Call(makeContext(), 'DescribeVpcs', idList('VpcId', ['vpc-0123abcd']));
    expect(answer.error?.code).toBe('InvalidVpcID.NotFound');
  });

  it('filters by is-default, cidr, cidr-block-association.cidr-block, state, owner-id, dhcp-options-id and vpc-id', async () => {
    const ctx = makeContext();
    expect(ids(await ec2Call(ctx, 'DescribeVpcs', filters(['is-default', 'true'])))).toEqual([vpcId(1)]);
    expect(ids(await ec2Call(ctx, 'DescribeVpcs', filters(['is-default', 'false'])))).toHaveLength(6);
    expect(ids(await ec2Call(ctx, 'DescribeVpcs', filters(['cidr', '10.3.0.0/16'])))).toEqual([vpcId(3)]);
    expect(ids(await ec2Call(ctx, 'DescribeVpcs', filters(['cidr-block', '172.31.*'])))).toEqual([vpcId(1)]);
    expect(
      ids(await ec2Call(ctx, 'DescribeVpcs', filters(['cidr-block-association.cidr-block', '10.4.0.0/16']))),
    ).toEqual([vpcId(4)]);
    expect(
      ids(await ec2Call(ctx, 'DescribeVpcs', filters(['state', 'available'], ['owner-id', ACCOUNT_A]))),
    ).toHaveLength(7);
    expect(ids(await ec2Call(ctx, 'DescribeVpcs', filters(['owner-id', ACCOUNT_B])))).toEqual([]);
    expect(
      ids(await ec2Call(ctx, 'DescribeVpcs', filters(['dhcp-options-id', 'dopt-0123456789abcdef0']))),
    ).toHaveLength(7);
    expect(ids(await ec2Call(ctx, 'DescribeVpcs', filters(['vpc-id', vpcId(2), vpcId(5)])))).toEqual([
      vpcId(2),
      vpcId(5),
    ]);
  });

  it('filters by tag:<key>, tag-key and tag-value; values OR, filters AND', async () => {
    const ctx = makeContext();
    expect(ids(await ec2Call(ctx, 'DescribeVpcs', filters(['tag:env', 'prod'])))).toEqual([
      vpcId(2),
      vpcId(4),
      vpcId(6),
    ]);
    expect(ids(await ec2Call(ctx, 'DescribeVpcs', filters(['tag:env', 'prod', 'dev'])))).toHaveLength(6);
    expect(
      ids(await ec2Call(ctx, 'DescribeVpcs', filters(['tag:env', 'prod'], ['tag:Name', '*-4']))),
    ).toEqual([vpcId(4)]);
    expect(ids(await ec2Call(ctx, 'DescribeVpcs', filters(['tag-key', 'Name'])))).toHaveLength(6);
    expect(ids(await ec2Call(ctx, 'DescribeVpcs', filters(['tag-value', 'vpc-dev-?'])))).toEqual([
      vpcId(3),
      vpcId(5),
      vpcId(7),
    ]);
    expect(ids(await ec2Call(ctx, 'DescribeVpcs', filters(['tag:ENV', 'prod'])))).toEqual([]);
    expect(ids(await ec2Call(ctx, 'DescribeVpcs', filters(['tag:env', 'PROD'])))).toEqual([]);
  });

  it('refuses an unknown filter name naming it', async () => {
    const answer = await ec2Call(
      makeContext(),
      'DescribeVpcs',
      filters(['vpc-id', vpcId(1)], ['instance-type', 't3.micro']),
    );
    expect(answer.error).toMatchObject({
      code: 'InvalidParameterValue',
      message: "The filter 'instance-type' is invalid",
    });
  });
});

describe('DescribeSubnets', () => {
  const ids = (answer: Awaited<ReturnType<typeof ec2Call>>) =>
    items(answer, 'DescribeSubnets', 'subnetSet').map((s) => s['subnetId']);

  it('serializes every subnet field with the element names the SDK reads', async () => {
    const answer = await ec2Call(makeContext(), 'DescribeSubnets');
    const subnets = items(answer, 'DescribeSubnets', 'subnetSet');
    expect(subnets).toHaveLength(6);
    expect(subnets[0]).toMatchObject({
      subnetId: subnetId(1),
      subnetArn: `arn:aws:ec2:us-east-1:${ACCOUNT_A}:subnet/${subnetId(1)}`,
      vpcId: vpcId(1),
      ownerId: ACCOUNT_A,
      cidrBlock: '172.31.0.0/20',
      availabilityZone: 'us-east-1a',
      availabilityZoneId: 'use1-az1',
      availableIpAddressCount: '4091',
      defaultForAz: 'true',
      mapPublicIpOnLaunch: 'true',
      state: 'available',
    });
    expect(subnets[3]?.['tagSet']).toEqual({ item: [{ key: 'Name', value: 'private-2' }] });
  });

  it('answers SubnetId.N, and NotFound / Malformed for bad ids', async () => {
    const ctx = makeContext();
    expect(ids(await ec2Call(ctx, 'DescribeSubnets', idList('SubnetId', [subnetId(2)])))).toEqual([
      subnetId(2),
    ]);
    const missing = await ec2Call(ctx, 'DescribeSubnets', idList('SubnetId', [subnetId(2), subnetId(77)]));
    expect(missing.error).toMatchObject({
      code: 'InvalidSubnetID.NotFound',
      message: `The subnet ID '${subnetId(77)}' does not exist`,
    });
    const malformed = await ec2Call(ctx, 'DescribeSubnets', idList('SubnetId', ['subnet-nothex!']));
    expect(malformed.error?.code).toBe('InvalidSubnetID.Malformed');
  });

  it('filters by vpc-id, availability-zone(-id), cidr aliases, default-for-az aliases, map-public-ip-on-launch, subnet-arn and tags', async () => {
    const ctx = makeContext();
    expect(ids(await ec2Call(ctx, 'DescribeSubnets', filters(['vpc-id', vpcId(1)])))).toEqual([
      subnetId(1),
      subnetId(2),
      subnetId(3),
    ]);
    expect(ids(await ec2Call(ctx, 'DescribeSubnets', filters(['availability-zone', 'us-east-1b'])))).toEqual([
      subnetId(2),
      subnetId(6),
    ]);
    expect(ids(await ec2Call(ctx, 'DescribeSubnets', filters(['availability-zone-id', 'use1-az1'])))).toEqual(
      [subnetId(1), subnetId(5)],
    );
    for (const name of ['cidr-block', 'cidr', 'cidrBlock']) {
      expect(ids(await ec2Call(ctx, 'DescribeSubnets', filters([name, '10.2.1.0/24'])))).toEqual([
        subnetId(4),
      ]);
    }
    for (const name of ['default-for-az', 'defaultForAz']) {
      expect(ids(await ec2Call(ctx, 'DescribeSubnets', filters([name, 'true'])))).toHaveLength(3);
    }
    expect(ids(await ec2Call(ctx, 'DescribeSubnets', filters(['map-public-ip-on-launch', 'false'])))).toEqual(
      [subnetId(4), subnetId(5), subnetId(6)],
    );
    expect(ids(await ec2Call(ctx, 'DescribeSubnets', filters(['subnet-arn', `*${subnetId(6)}`])))).toEqual([
      subnetId(6),
    ]);
    expect(
      ids(
        await ec2Call(
          ctx,
          'DescribeSubnets',
          filters(['state', 'available'], ['owner-id', ACCOUNT_A], ['tag:Name', 'private-*']),
        ),
      ),
    ).toHaveLength(3);
    expect(ids(await ec2Call(ctx, 'DescribeSubnets', filters(['subnet-id', subnetId(5)])))).toEqual([
      subnetId(5),
    ]);
  });

  it('refuses an unknown filter', async () => {
    expect(
      (await ec2Call(makeContext(), 'DescribeSubnets', filters(['is-default', 'true']))).error?.message,
    ).toBe("The filter 'is-default' is invalid");
  });
});

describe('DescribeInstances', () => {
  const ids = (answer: Awaited<ReturnType<typeof ec2Call>>) =>
    instancesOf(answer).map((i) => i.instance['instanceId']);

  it('groups instances into their reservations', async () => {
    const answer = await ec2Call(makeContext(), 'DescribeInstances');
    const reservations = items(answer, 'DescribeInstances', 'reservationSet');
    expect(reservations.map((r) => (r['instancesSet'] as { item: unknown[] }).item.length)).toEqual([
      3, 1, 4, 2, 2,
    ]);
    expect(reservations[0]).toMatchObject({
      reservationId: `r-${'1'.padStart(17, '0')}`,
      ownerId: ACCOUNT_A,
    });
    expect(ids(answer)).toHaveLength(12);
    expect(nextTokenOf(answer, 'DescribeInstances')).toBeUndefined();
  });

  it('serializes the instance fields with the element names the SDK reads', async () => {
    const world = buildWorld();
    const truth = world.regionData(ACCOUNT_A, 'us-east-1').instances;
    const answer = await ec2Call(
      makeContext(world),
      'DescribeInstances',
      idList('InstanceId', [instanceId(3), instanceId(5), instanceId(6)]),
    );
    const byId = new Map(instancesOf(answer).map((i) => [i.instance['instanceId'], i.instance]));
    const three = byId.get(instanceId(3));
    const t3 = truth[2];
    expect(three).toMatchObject({
      instanceId: instanceId(3),
      imageId: t3?.imageId,
      instanceState: { code: '80', name: 'stopped' },
      privateDnsName: 'ip-10-0-0-3.ec2.internal',
      dnsName: 'ec2-54-0-0-3.compute-1.amazonaws.com',
      privateIpAddress: '10.0.0.3',
      ipAddress: '54.0.0.3',
      reason: 'User initiated (2025-01-02 03:04:05 GMT)',
      keyName: 'ops-key',
      amiLaunchIndex: '2',
      instanceType: 'm5.large',
      launchTime: '2025-01-03T12:00:00.000Z',
      placement: { availabilityZone: t3?.placement.availabilityZone, tenancy: 'default' },
      subnetId: t3?.subnetId,
      vpcId: t3?.vpcId,
      architecture: 'x86_64',
      rootDeviceType: 'ebs',
      rootDeviceName: '/dev/xvda',
      virtualizationType: 'hvm',
      hypervisor: 'nitro',
      ebsOptimized: 'false',
      platformDetails: 'Linux/UNIX',
      groupSet: { item: [{ groupId: t3?.securityGroups[0]?.groupId, groupName: 'web-3' }] },
      tagSet: {
        item: [
          { key: 'Name', value: 'app-3' },
          { key: 'env', value: 'prod' },
          { key: 'team', value: 'search' },
        ],
      },
      stateReason: { code: 'Client.UserInitiatedShutdown' },
    });
    // Terminated: no addresses, subnet or VPC; empty DNS names.
    const five = byId.get(instanceId(5));
    expect(five).toMatchObject({
      instanceState: { code: '48', name: 'terminated' },
      privateDnsName: '',
      dnsName: '',
      platform: 'windows',
    });
    expect(five?.['privateIpAddress']).toBeUndefined();
    expect(five?.['subnetId']).toBeUndefined();
    expect(five?.['iamInstanceProfile']).toMatchObject({
      arn: `arn:aws:iam::${ACCOUNT_A}:instance-profile/app-5`,
    });
    expect(byId.get(instanceId(6))).toMatchObject({
      instanceLifecycle: 'spot',
      spotInstanceRequestId: 'sir-abcd1234',
      ebsOptimized: 'true',
    });
  });

  it('escapes tag values in XML', async () => {
    const answer = await ec2Call(makeContext(), 'DescribeInstances', idList('InstanceId', [instanceId(2)]));
    expect(answer.text).toContain('<value>payments &amp; billing</value>');
  });

  it('fails the whole call naming every unknown instance id, and refuses malformed ones', async () => {
    const ctx = makeContext();
    const missing = await ec2Call(
      ctx,
      'DescribeInstances',
      idList('InstanceId', [instanceId(1), instanceId(500), instanceId(501)]),
    );
    expect(missing.status).toBe(400);
    expect(missing.error).toMatchObject({
      code: 'InvalidInstanceID.NotFound',
      message: `The instance IDs '${instanceId(500)}, ${instanceId(501)}' do not exist`,
    });
    const single = await ec2Call(ctx, 'DescribeInstances', idList('InstanceId', [instanceId(500)]));
    expect(single.error?.message).toBe(`The instance ID '${instanceId(500)}' does not exist`);
    const malformed = await ec2Call(
      ctx,
      'DescribeInstances',
      idList('InstanceId', [instanceId(500), 'i-123']),
    );
    expect(malformed.error).toMatchObject({
      code: 'InvalidInstanceID.Malformed',
      message: 'Invalid id: "i-123" (expecting "i-...")',
    });
  });

  it('applies filters to an id list too', async () => {
    const answer = await ec2Call(makeContext(), 'DescribeInstances', {
      ...idList('InstanceId', [instanceId(1), instanceId(3)]),
      ...filters(['instance-state-name', 'running']),
    });
    expect(ids(answer)).toEqual([instanceId(1)]);
  });

  it('supports the documented filters', async () => {
    const ctx = makeContext();
    const q = async (...f: [string, ...string[]][]) =>
      ids(await ec2Call(ctx, 'DescribeInstances', filters(...f)));
    expect(await q(['instance-state-name', 'stopped', 'pending'])).toEqual([
      instanceId(3),
      instanceId(7),
      instanceId(9),
    ]);
    expect(await q(['instance-state-code', '48'])).toEqual([instanceId(5)]);
    expect(await q(['instance-type', 't3.*'])).toHaveLength(6);
    expect(await q(['instance-type', 't3.micro'], ['instance-state-name', 'running'])).toEqual([
      instanceId(2),
      instanceId(4),
      instanceId(6),
      instanceId(8),
      instanceId(10),
      instanceId(12),
    ]);
    expect(await q(['vpc-id', vpcId(2)])).toEqual([instanceId(3), instanceId(9)]);
    expect(await q(['subnet-id', subnetId(4)])).toEqual([instanceId(3), instanceId(9)]);
    expect(await q(['instance-id', instanceId(4), instanceId(11)])).toEqual([instanceId(4), instanceId(11)]);
    expect(await q(['availability-zone', 'us-east-1a'])).toEqual([
      instanceId(4),
      instanceId(6),
      instanceId(10),
      instanceId(12),
    ]);
    expect(await q(['image-id', 'ami-0aaaaaaaaaaaaaaaa'])).toEqual([
      instanceId(4),
      instanceId(8),
      instanceId(12),
    ]);
    expect(await q(['key-name', 'ops-key'])).toHaveLength(6);
    expect(await q(['architecture', 'arm64'])).toEqual([instanceId(5), instanceId(10)]);
    expect(await q(['platform', 'windows'])).toEqual([instanceId(5)]);
    expect(await q(['instance-lifecycle', 'spot'])).toEqual([instanceId(6)]);
    expect(await q(['private-ip-address', '10.0.0.1?'])).toEqual([
      instanceId(10),
      instanceId(11),
      instanceId(12),
    ]);
    expect(await q(['ip-address', '54.0.0.*'])).toEqual([
      instanceId(3),
      instanceId(6),
      instanceId(9),
      instanceId(12),
    ]);
    expect(await q(['private-dns-name', 'ip-10-0-0-7.ec2.internal'])).toEqual([instanceId(7)]);
    expect(await q(['dns-name', '*compute-1.amazonaws.com'])).toHaveLength(4);
    expect(await q(['reservation-id', `r-${'3'.padStart(17, '0')}`])).toEqual([
      instanceId(5),
      instanceId(6),
      instanceId(7),
      instanceId(8),
    ]);
    expect(await q(['owner-id', ACCOUNT_A])).toHaveLength(12);
    expect(await q(['iam-instance-profile.arn', `arn:aws:iam::${ACCOUNT_A}:instance-profile/*`])).toEqual([
      instanceId(1),
      instanceId(5),
      instanceId(9),
    ]);
    expect(await q(['tag:env', 'staging'])).toHaveLength(6);
    expect(await q(['tag-key', 'team'])).toHaveLength(12);
    expect(await q(['tag-value', 'payments*'])).toHaveLength(6);
    expect(await q(['tag-value', 'payments\\*'])).toHaveLength(0);
    expect(await q(['tag-value', 'payments & billing'])).toHaveLength(6);
    expect(await q(['tag:Name', 'app-1', 'app-2'], ['tag:team', 'search'])).toEqual([instanceId(1)]);
  });

  it('refuses an unknown filter naming it', async () => {
    const answer = await ec2Call(makeContext(), 'DescribeInstances', filters(['instance-state', 'running']));
    expect(answer.error).toMatchObject({
      code: 'InvalidParameterValue',
      message: "The filter 'instance-state' is invalid",
    });
  });
});

describe('EC2 wildcards', () => {
  it('treat * as any run, ? as one character and \\ as an escape', () => {
    expect(wildcardToRegExp('us-*').test('us-east-1')).toBe(true);
    expect(wildcardToRegExp('us-*').test('eu-west-1')).toBe(false);
    expect(wildcardToRegExp('a?c').test('abc')).toBe(true);
    expect(wildcardToRegExp('a?c').test('ac')).toBe(false);
    expect(wildcardToRegExp('a\\*c').test('a*c')).toBe(true);
    expect(wildcardToRegExp('a\\*c').test('abc')).toBe(false);
    expect(wildcardToRegExp('10.0.0.1').test('10.0.0.1')).toBe(true);
    expect(wildcardToRegExp('10.0.0.1').test('10x0x0x1')).toBe(false);
    expect(wildcardToRegExp('(a)[b]+').test('(a)[b]+')).toBe(true);
  });
});
