// A small hand-built world for the EC2 service's unit tests, and helpers that drive ec2Service through
// parse → handle → (errorResponse) the way the sim's core does, returning the parsed XML.
import { XMLParser } from 'fast-xml-parser';
import { CredentialStore } from '../../src/sim/credential-store.js';
import type { SimKnobs } from '../../src/sim/knobs.js';
import { defaultKnobs } from '../../src/sim/knobs.js';
import type {
  InstanceStateName,
  SimAccount,
  SimAvailabilityZone,
  SimInstance,
  SimRegionData,
  SimSecurityGroup,
  SimSubnet,
  SimVpc,
  SimWorld,
} from '../../src/sim/model.js';
import type { Caller, RawRequest, ServiceRequest, SimContext, SimResponse } from '../../src/sim/types.js';
import { SimError } from '../../src/sim/types.js';
import { ec2Service } from '../../src/sim/services/ec2.js';

export const ACCOUNT_A = '111111111111';
export const ACCOUNT_B = '222222222222';
export const ACCOUNT_EMPTY = '333333333333';

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
export const instanceId = (n: number) => `i-${hex(n, 17)}`;
export const vpcId = (n: number) => `vpc-${hex(n, 17)}`;
export const subnetId = (n: number) => `subnet-${hex(n, 17)}`;

const STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

function zonesOf(region: string): SimAvailabilityZone[] {
  const prefix =
    region === 'us-east-1' ? 'use1' : region === 'eu-west-1' ? 'euw1' : region.replace(/-/g, '').slice(0, 4);
  return ['a', 'b', 'c'].map((letter, i) => ({
    zoneName: `${region}${letter}`,
    zoneId: `${prefix}-az${i + 1}`,
    state: 'available' as const,
  }));
}

function account(id: string, enabled: string[]): SimAccount {
  return {
    id,
    arn: `arn:aws:organizations::${ACCOUNT_A}:account/o-abcdefghij/${id}`,
    name: `acct-${id}`,
    email: `${id}@example.com`,
    status: 'ACTIVE',
    state: 'ACTIVE',
    joinedMethod: 'CREATED',
    joinedTimestamp: new Date('2024-01-01T00:00:00Z'),
    parentId: 'r-abcd',
    enabledRegions: new Set(enabled),
  };
}

/** Instances of account A in us-east-1: five reservations of 3, 1, 4, 2 and 2 instances (12 in all). */
function usEast1(accountId: string): SimRegionData {
  const vpcs: SimVpc[] = [
    {
      vpcId: vpcId(1),
      ownerId: accountId,
      cidrBlock: '172.31.0.0/16',
      isDefault: true,
      state: 'available',
      dhcpOptionsId: 'dopt-0123456789abcdef0',
      instanceTenancy: 'default',
      tags: [],
    },
  ];
  for (let n = 2; n <= 7; n++) {
    vpcs.push({
      vpcId: vpcId(n),
      ownerId: accountId,
      cidrBlock: `10.${n}.0.0/16`,
      isDefault: false,
      state: 'available',
      dhcpOptionsId: 'dopt-0123456789abcdef0',
      instanceTenancy: 'default',
      tags: [
        { key: 'Name', value: `vpc-${n % 2 === 0 ? 'prod' : 'dev'}-${n}` },
        { key: 'env', value: n % 2 === 0 ? 'prod' : 'dev' },
      ],
    });
  }
  const zones = zonesOf('us-east-1');
  const subnets: SimSubnet[] = [];
  let s = 0;
  for (const z of zones) {
    s++;
    subnets.push({
      subnetId: subnetId(s),
      subnetArn: `arn:aws:ec2:us-east-1:${accountId}:subnet/${subnetId(s)}`,
      vpcId: vpcId(1),
      ownerId: accountId,
      cidrBlock: `172.31.${(s - 1) * 16}.0/20`,
      availabilityZone: z.zoneName,
      availabilityZoneId: z.zoneId,
      availableIpAddressCount: 4091,
      defaultForAz: true,
      mapPublicIpOnLaunch: true,
      state: 'available',
      tags: [],
    });
  }
  for (let n = 2; n <= 4; n++) {
    s++;
    const z = zones[n % 3] as SimAvailabilityZone;
    subnets.push({
      subnetId: subnetId(s),
      subnetArn: `arn:aws:ec2:us-east-1:${accountId}:subnet/${subnetId(s)}`,
      vpcId: vpcId(n),
      ownerId: accountId,
      cidrBlock: `10.${n}.1.0/24`,
      availabilityZone: z.zoneName,
      availabilityZoneId: z.zoneId,
      availableIpAddressCount: 250,
      defaultForAz: false,
      mapPublicIpOnLaunch: false,
      state: 'available',
      tags: [{ key: 'Name', value: `private-${n}` }],
    });
  }
  const sizes = [3, 1, 4, 2, 2];
  const states: InstanceStateName[] = [
    'running',
    'running',
    'stopped',
    'running',
    'terminated',
    'running',
    'pending',
    'running',
    'stopped',
    'running',
    'running',
    'running',
  ];
  const instances: SimInstance[] = [];
  let k = 0;
  sizes.forEach((size, r) => {
    for (let j = 0; j < size; j++) {
      k++;
      const state = states[k - 1] as InstanceStateName;
      const terminated = state === 'terminated';
      const subnet = subnets[k % subnets.length] as SimSubnet;
      const hasPublic = !terminated && k % 3 === 0;
      const publicIp = hasPublic ? `54.0.0.${k}` : undefined;
      instances.push({
        reservationId: `r-${hex(r + 1, 17)}`,
        ownerId: accountId,
        instanceId: instanceId(k),
        imageId: k % 4 === 0 ? 'ami-0aaaaaaaaaaaaaaaa' : 'ami-0bbbbbbbbbbbbbbbb',
        instanceType: k % 2 === 0 ? 't3.micro' : 'm5.large',
        state: { code: STATE_CODES[state], name: state },
        stateTransitionReason: state === 'stopped' ? 'User initiated (2025-01-02 03:04:05 GMT)' : '',
        ...(terminated ? {} : { privateIpAddress: `10.0.0.${k}` }),
        ...(publicIp ? { publicIpAddress: publicIp } : {}),
        privateDnsName: terminated ? '' : `ip-10-0-0-${k}.ec2.internal`,
        publicDnsName: publicIp ? `ec2-54-0-0-${k}.compute-1.amazonaws.com` : '',
        launchTime: new Date(Date.UTC(2025, 0, k, 12, 0, 0)),
        ...(k === 5 ? { platform: 'windows' as const } : {}),
        platformDetails: k === 5 ? 'Windows' : 'Linux/UNIX',
        architecture: k % 5 === 0 ? 'arm64' : 'x86_64',
        ...(k % 2 === 1 ? { keyName: 'ops-key' } : {}),
        securityGroups: [{ groupId: `sg-${hex(k, 17)}`, groupName: k === 1 ? 'default' : `web-${k}` }],
        ...(k % 4 === 1
          ? {
              iamInstanceProfile: {
                arn: `arn:aws:iam::${accountId}:instance-profile/app-${k}`,
                id: `AIPA${hex(k, 17).toUpperCase()}`,
              },
            }
          : {}),
        ...(k === 6 ? { instanceLifecycle: 'spot' as const, spotInstanceRequestId: 'sir-abcd1234' } : {}),
        placement: { availabilityZone: subnet.availabilityZone, tenancy: 'default' },
        ...(terminated ? {} : { subnetId: subnet.subnetId, vpcId: subnet.vpcId }),
        amiLaunchIndex: j,
        rootDeviceType: 'ebs',
        rootDeviceName: '/dev/xvda',
        ebsOptimized: k % 2 === 0,
        hypervisor: 'nitro',
        virtualizationType: 'hvm',
        tags: [
          { key: 'Name', value: `app-${k}` },
          { key: 'env', value: k <= 6 ? 'prod' : 'staging' },
          { key: 'team', value: k % 2 === 0 ? 'payments & billing' : 'search' },
        ],
      });
    }
  });
  return { vpcs, subnets, instances, securityGroups: securityGroupsOf(accountId, instances) };
}

/** One group per distinct group an instance names, in that instance's VPC (the default VPC if none). */
function securityGroupsOf(accountId: string, instances: readonly SimInstance[]): SimSecurityGroup[] {
  const groups = new Map<string, SimSecurityGroup>();
  for (const inst of instances)
    for (const ref of inst.securityGroups) {
      if (groups.has(ref.groupId)) continue;
      groups.set(ref.groupId, {
        groupId: ref.groupId,
        groupName: ref.groupName,
        description: ref.groupName === 'default' ? 'default VPC security group' : `group ${ref.groupName}`,
        vpcId: inst.vpcId ?? vpcId(1),
        ownerId: accountId,
        securityGroupArn: `arn:aws:ec2:us-east-1:${accountId}:security-group/${ref.groupId}`,
        tags: ref.groupName === 'default' ? [] : [{ key: 'Name', value: ref.groupName }],
        ipPermissions: [
          {
            ipProtocol: 'tcp',
            fromPort: 443,
            toPort: 443,
            userIdGroupPairs: [],
            ipRanges: [{ cidrIp: '0.0.0.0/0', description: 'HTTPS & more' }],
            ipv6Ranges: [],
            prefixListIds: [],
          },
        ],
        ipPermissionsEgress: [
          {
            ipProtocol: '-1',
            userIdGroupPairs: [],
            ipRanges: [{ cidrIp: '0.0.0.0/0' }],
            ipv6Ranges: [],
            prefixListIds: [],
          },
        ],
      });
    }
  return [...groups.values()];
}

const EMPTY: SimRegionData = { vpcs: [], subnets: [], instances: [], securityGroups: [] };

export function buildWorld(): SimWorld {
  const accounts = [
    account(ACCOUNT_A, ['us-east-1', 'eu-west-1', 'us-west-2']),
    account(ACCOUNT_B, ['us-east-1', 'eu-west-1', 'us-west-2', 'af-south-1']),
    account(ACCOUNT_EMPTY, ['us-east-1', 'eu-west-1', 'us-west-2']),
  ];
  const memo = new Map<string, SimRegionData>();
  const regionsInScope = ['us-east-1', 'eu-west-1'];
  const world: SimWorld = {
    seed: 1,
    organization: {
      id: 'o-abcdefghij',
      arn: `arn:aws:organizations::${ACCOUNT_A}:organization/o-abcdefghij`,
      featureSet: 'ALL',
      managementAccountId: ACCOUNT_A,
      managementAccountArn: `arn:aws:organizations::${ACCOUNT_A}:account/o-abcdefghij/${ACCOUNT_A}`,
      managementAccountEmail: 'root@example.com',
      root: {
        id: 'r-abcd',
        arn: `arn:aws:organizations::${ACCOUNT_A}:root/o-abcdefghij/r-abcd`,
        name: 'Root',
      },
    },
    accounts,
    accountById: new Map(accounts.map((a) => [a.id, a])),
    organizationalUnits: [],
    allRegions: ['us-east-1', 'eu-west-1', 'us-west-2', 'af-south-1', 'ap-east-1'],
    optInRegions: new Set(['af-south-1', 'ap-east-1']),
    regionsInScope,
    centralAccountId: ACCOUNT_A,
    centralUser: {
      accountId: ACCOUNT_A,
      name: 'central',
      arn: `arn:aws:iam::${ACCOUNT_A}:user/central`,
      userId: 'AIDAEXAMPLE',
      accessKeyId: 'AKIAEXAMPLEEXAMPLE00',
      secretAccessKey: 'not-a-secret',
      permissions: ['sts:AssumeRole'],
    },
    roles: new Map(),
    readRoleName: 'CMDBReadRole',
    externalId: 'ext-id',
    regionData(accountId, region) {
      const key = `${accountId}/${region}`;
      let data = memo.get(key);
      if (!data) {
        const acct = accounts.find((a) => a.id === accountId);
        data =
          acct &&
          acct.id !== ACCOUNT_EMPTY &&
          acct.enabledRegions.has(region) &&
          regionsInScope.includes(region)
            ? usEast1(accountId)
            : EMPTY;
        memo.set(key, data);
      }
      return data;
    },
    availabilityZones: (region) => zonesOf(region),
    delegatedAdministrators: new Set(),
  };
  return world;
}

export function makeContext(world: SimWorld = buildWorld(), knobs: Partial<SimKnobs> = {}): SimContext {
  return {
    world,
    credentials: new CredentialStore(),
    knobs: { ...defaultKnobs(), ...knobs },
    clock: () => Date.UTC(2025, 5, 1),
    random: () => 0.5,
    rolesAnywhere: { trustAnchors: new Map(), profiles: new Map() },
  };
}

export function callerFor(accountId: string): Caller {
  return {
    accessKeyId: 'ASIAEXAMPLE',
    accountId,
    arn: `arn:aws:sts::${accountId}:assumed-role/CMDBReadRole/test`,
    userId: 'AROAEXAMPLE:test',
    roleArn: `arn:aws:iam::${accountId}:role/CMDBReadRole`,
    isRoleSession: true,
    permissions: ['ec2:Describe*'],
  };
}

export function rawRequest(params: Record<string, string | number | boolean>): RawRequest {
  const body = new URLSearchParams(
    Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
  return {
    method: 'POST',
    path: '/',
    rawQuery: '',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: Buffer.from(body, 'utf8'),
  };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  isArray: (name) => name === 'item',
});

export interface Ec2Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The parsed XML document. */
  doc: Record<string, unknown>;
  /** For errors: the code and message. */
  error?: { code: string; message: string; requestId: string };
}

let requestCounter = 0;

/** Runs one EC2 call the way the core does: parse, handle, and serialize a SimError with errorResponse. */
export async function ec2Call(
  ctx: SimContext,
  action: string,
  params: Record<string, string | number | boolean> = {},
  options: { accountId?: string; region?: string } = {},
): Promise<Ec2Answer> {
  const raw = rawRequest({ Action: action, Version: '2016-11-15', ...params });
  const requestId = `req-${++requestCounter}`;
  let response: SimResponse;
  try {
    const parsed = ec2Service.parse(raw);
    const req: ServiceRequest = {
      ...parsed,
      service: 'ec2',
      region: options.region ?? 'us-east-1',
      requestId,
      caller: callerFor(options.accountId ?? ACCOUNT_A),
      raw,
    };
    response = await ec2Service.handle(req, ctx);
  } catch (err) {
    if (!(err instanceof SimError)) throw err;
    response = ec2Service.errorResponse(err, requestId);
  }
  const text = typeof response.body === 'string' ? response.body : response.body.toString('utf8');
  const doc = parser.parse(text) as Record<string, unknown>;
  const answer: Ec2Answer = { status: response.status, headers: response.headers, text, doc };
  const errDoc = doc['Response'] as
    { Errors?: { Error?: { Code: string; Message: string } }; RequestID?: string } | undefined;
  if (errDoc?.Errors?.Error) {
    answer.error = {
      code: errDoc.Errors.Error.Code,
      message: errDoc.Errors.Error.Message,
      requestId: String(errDoc.RequestID),
    };
  }
  return answer;
}

/** Filter parameters in the wire form: Filter.N.Name / Filter.N.Value.M. */
export function filters(...list: [name: string, ...values: string[]][]): Record<string, string> {
  const out: Record<string, string> = {};
  list.forEach(([name, ...values], i) => {
    out[`Filter.${i + 1}.Name`] = name;
    values.forEach((v, j) => (out[`Filter.${i + 1}.Value.${j + 1}`] = v));
  });
  return out;
}

/** ID list parameters: Prefix.1, Prefix.2, ... */
export function idList(prefix: string, ids: string[]): Record<string, string> {
  return Object.fromEntries(ids.map((id, i) => [`${prefix}.${i + 1}`, id]));
}

type Node = Record<string, unknown>;

/** Items of `<set><item>…</item></set>` at the path below the response element ([] when empty). */
export function items(answer: Ec2Answer, action: string, set: string): Node[] {
  const root = answer.doc[`${action}Response`] as Node | undefined;
  const container = root?.[set];
  if (!container || typeof container !== 'object') return [];
  return ((container as Node)['item'] as Node[] | undefined) ?? [];
}

export function nextTokenOf(answer: Ec2Answer, action: string): string | undefined {
  const root = answer.doc[`${action}Response`] as Node | undefined;
  const token = root?.['nextToken'];
  return typeof token === 'string' ? token : undefined;
}

/** The instances of a DescribeInstances answer, flattened, with their reservation id. */
export function instancesOf(answer: Ec2Answer): { reservationId: string; instance: Node }[] {
  const out: { reservationId: string; instance: Node }[] = [];
  for (const r of items(answer, 'DescribeInstances', 'reservationSet')) {
    const set = r['instancesSet'] as Node | undefined;
    for (const i of (set?.['item'] as Node[] | undefined) ?? [])
      out.push({ reservationId: String(r['reservationId']), instance: i });
  }
  return out;
}
