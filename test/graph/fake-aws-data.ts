// A hand-written AwsData (the contract of src/aws/contract.ts) over an in-memory organization. It records
// every call as the AWS operation it stands for, applies the EC2 Filters the graph pushes down (so a
// filter the graph forgot shows in the results), pages with MaxResults and opaque tokens, and fails
// accounts and targets on demand with AwsCallErrors.
import type { Account, OrganizationalUnit, Root } from '@aws-sdk/client-organizations';
import type { AvailabilityZone, Filter, Instance, Region, Subnet, Vpc } from '@aws-sdk/client-ec2';
import type { AwsData, CallOptions, Fetched, Page, PageRequest, Target } from '../../src/aws/contract.js';
import type { Ec2List } from '../../src/aws/ec2-lists.js';
import { clampMaxResults } from '../../src/aws/ec2-lists.js';
import type { InstanceItem } from '../../src/graph/kinds/index.js';
import { AwsCallError } from '../../src/aws/errors.js';
import type { GatewayErrorCode } from '../../src/aws/errors.js';

export interface FakeCall {
  op: string;
  accountId?: string;
  region?: string;
  filters?: Filter[];
  maxResults?: number;
  nextToken?: string;
  ids?: string[];
  parentId?: string;
  options?: CallOptions;
  /** Items a list page answered. */
  returned?: number;
}

export interface FakeAccount {
  id: string;
  name: string;
  parentId: string;
  state?: string;
  regions: string[];
}

export interface FakeUnit {
  id: string;
  name: string;
  parentId: string;
}

export interface FakeTargetData {
  vpcs: Vpc[];
  subnets: Subnet[];
  instances: InstanceItem[];
}

export const ROOT_ID = 'r-ab12';
export const ORG_ID = 'o-abcdefghij';
export const MANAGEMENT_ACCOUNT = '100000000000';
export const FETCHED_AT = new Date('2026-11-23T00:00:00.000Z');

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

export function accountIdOf(index: number): string {
  return String(100000000000 + index);
}

/** Builds a target's EC2 data: `vpcs` VPCs, `subnetsPerVpc` subnets each, `instances` spread round-robin. */
export function buildTargetData(
  target: Target,
  shape: { vpcs: number; subnetsPerVpc: number; instances: number; seed: number },
): FakeTargetData {
  const vpcs: Vpc[] = [];
  const subnets: Subnet[] = [];
  const instances: InstanceItem[] = [];
  for (let v = 0; v < shape.vpcs; v++) {
    const vpcId = `vpc-${hex(shape.seed, 9)}${hex(v, 8)}`;
    vpcs.push({
      VpcId: vpcId,
      OwnerId: target.accountId,
      CidrBlock: `10.${v}.0.0/16`,
      CidrBlockAssociationSet: [{ CidrBlock: `10.${v}.0.0/16`, CidrBlockState: { State: 'associated' } }],
      IsDefault: v === 0,
      State: 'available',
      DhcpOptionsId: 'dopt-0123456789abcdef0',
      InstanceTenancy: 'default',
      Tags: [{ Key: 'Name', Value: `vpc-${v}` }],
    });
    for (let s = 0; s < shape.subnetsPerVpc; s++) {
      const subnetId = `subnet-${hex(shape.seed, 9)}${hex(v * 16 + s, 8)}`;
      subnets.push({
        SubnetId: subnetId,
        SubnetArn: `arn:aws:ec2:${target.region}:${target.accountId}:subnet/${subnetId}`,
        VpcId: vpcId,
        OwnerId: target.accountId,
        CidrBlock: `10.${v}.${s}.0/24`,
        AvailabilityZone: `${target.region}${'abc'[s % 3]}`,
        AvailabilityZoneId: `use1-az${(s % 3) + 1}`,
        AvailableIpAddressCount: 250,
        DefaultForAz: false,
        MapPublicIpOnLaunch: false,
        State: 'available',
        Tags: [{ Key: 'Name', Value: `subnet-${v}-${s}` }],
      });
    }
  }
  const states = ['running', 'stopped', 'running', 'terminated'] as const;
  for (let i = 0; i < shape.instances; i++) {
    const subnet = subnets[i % Math.max(1, subnets.length)];
    const instance: Instance = {
      InstanceId: `i-${hex(shape.seed, 9)}${hex(i, 8)}`,
      InstanceType: i % 2 === 0 ? 't3.micro' : 'm5.large',
      State: { Name: states[i % states.length], Code: 16 },
      LaunchTime: new Date(Date.UTC(2026, 0, 1 + (i % 28))),
      ImageId: 'ami-0123456789abcdef0',
      PrivateIpAddress: `10.0.0.${i % 250}`,
      PrivateDnsName: `ip-10-0-0-${i % 250}.ec2.internal`,
      PublicDnsName: '',
      Architecture: 'x86_64',
      PlatformDetails: 'Linux/UNIX',
      Placement: { AvailabilityZone: subnet?.AvailabilityZone ?? `${target.region}a`, Tenancy: 'default' },
      ...(subnet ? { SubnetId: subnet.SubnetId, VpcId: subnet.VpcId } : {}),
      SecurityGroups: [{ GroupId: 'sg-0123456789abcdef0', GroupName: 'default' }],
      Tags: [
        { Key: 'Name', Value: `web-${i}` },
        { Key: 'env', Value: i % 3 === 0 ? 'prod' : 'dev' },
      ],
    };
    instances.push({
      instance,
      reservationId: `r-${hex(shape.seed, 9)}${hex(i, 8)}`,
      ownerId: target.accountId,
    });
  }
  return { vpcs, subnets, instances };
}

export interface FakeOrganizationOptions {
  accounts?: number;
  /** Regions enabled in every account (DescribeRegions). */
  regions?: string[];
  /** Instances per (account, Region); or per target through `shape`. */
  instances?: number;
  vpcs?: number;
  subnetsPerVpc?: number;
  shape?: (target: Target) => { vpcs?: number; subnetsPerVpc?: number; instances?: number } | undefined;
  /** Two OUs under the root: accounts alternate between ou A (even index) and ou B (odd). */
  units?: boolean;
}

export const OU_A = 'ou-ab12-aaaaaaaa';
export const OU_B = 'ou-ab12-bbbbbbbb';
export const OU_A_CHILD = 'ou-ab12-cccccccc';

export class FakeAwsData implements AwsData {
  readonly calls: FakeCall[] = [];
  readonly accounts: FakeAccount[] = [];
  readonly units: FakeUnit[] = [];
  readonly #targets = new Map<string, FakeTargetData>();
  /** Accounts whose member role cannot be assumed (every call for them fails). */
  readonly roleNotAssumable = new Set<string>();
  /** Targets ("account|region") whose calls fail with the given code. */
  readonly failingTargets = new Map<string, GatewayErrorCode>();
  /** When set, EC2 pages hold at most this many items (like the sim's pageCap knob). */
  pageCap: number | undefined;
  /** When set, every call throws this (a bug in the data layer, say). */
  crash: Error | undefined;

  constructor(options: FakeOrganizationOptions = {}) {
    const regions = options.regions ?? ['eu-west-1', 'us-east-1'];
    if (options.units) {
      this.units.push(
        { id: OU_A, name: 'Workloads', parentId: ROOT_ID },
        { id: OU_B, name: 'Sandbox', parentId: ROOT_ID },
        { id: OU_A_CHILD, name: 'Prod', parentId: OU_A },
      );
    }
    const count = options.accounts ?? 3;
    for (let i = 0; i < count; i++) {
      const id = accountIdOf(i);
      const parentId = !options.units ? ROOT_ID : i % 2 === 0 ? (i % 4 === 0 ? OU_A : OU_A_CHILD) : OU_B;
      this.accounts.push({
        id,
        name: i === 0 ? 'management' : `account-${i}`,
        parentId,
        regions: [...regions],
      });
      regions.forEach((region, r) => {
        const target = { accountId: id, region };
        const shape = options.shape?.(target) ?? {};
        this.#targets.set(
          `${id}|${region}`,
          buildTargetData(target, {
            vpcs: shape.vpcs ?? options.vpcs ?? 2,
            subnetsPerVpc: shape.subnetsPerVpc ?? options.subnetsPerVpc ?? 2,
            instances: shape.instances ?? options.instances ?? 4,
            seed: i * 16 + r + 1,
          }),
        );
      });
    }
  }

  /** Calls of one operation (optionally for one account/Region). */
  count(op: string, where: { accountId?: string; region?: string } = {}): number {
    return this.calls.filter(
      (c) =>
        c.op === op &&
        (where.accountId === undefined || c.accountId === where.accountId) &&
        (where.region === undefined || c.region === where.region),
    ).length;
  }

  ops(): string[] {
    return this.calls.map((c) => c.op);
  }

  resetCalls(): void {
    this.calls.length = 0;
  }

  dataOf(accountId: string, region: string): FakeTargetData {
    return this.#targets.get(`${accountId}|${region}`) ?? { vpcs: [], subnets: [], instances: [] };
  }

  // ---- AwsData ----

  readonly organizations: AwsData['organizations'] = {
    describeOrganization: async (options) => {
      this.#record({ op: 'DescribeOrganization', ...opt(options) });
      return fetched({
        Id: ORG_ID,
        Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:organization/${ORG_ID}`,
        FeatureSet: 'ALL',
        MasterAccountId: MANAGEMENT_ACCOUNT,
        MasterAccountArn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:account/${ORG_ID}/${MANAGEMENT_ACCOUNT}`,
        MasterAccountEmail: 'root@example.com',
      });
    },
    listAccounts: async (options) => {
      this.#record({ op: 'ListAccounts', ...opt(options) });
      return fetched(this.accounts.map(toOrgAccount));
    },
    describeAccount: async (accountId, options) => {
      this.#record({ op: 'DescribeAccount', accountId, ...opt(options) });
      const account = this.accounts.find((a) => a.id === accountId);
      if (!account)
        throw new AwsCallError({
          code: 'UPSTREAM_ERROR',
          message: `account ${accountId} not found`,
          service: 'organizations',
          awsErrorCode: 'AccountNotFoundException',
          retryable: false,
        });
      return fetched(toOrgAccount(account));
    },
    listRoots: async (options) => {
      this.#record({ op: 'ListRoots', ...opt(options) });
      return fetched<Root[]>([
        {
          Id: ROOT_ID,
          Name: 'Root',
          Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:root/${ORG_ID}/${ROOT_ID}`,
        },
      ]);
    },
    listOrganizationalUnitsForParent: async (parentId, options) => {
      this.#record({ op: 'ListOrganizationalUnitsForParent', parentId, ...opt(options) });
      return fetched(this.units.filter((u) => u.parentId === parentId).map(toOrgUnit));
    },
    listAccountsForParent: async (parentId, options) => {
      this.#record({ op: 'ListAccountsForParent', parentId, ...opt(options) });
      return fetched(this.accounts.filter((a) => a.parentId === parentId).map(toOrgAccount));
    },
    listParents: async (childId, options) => {
      this.#record({ op: 'ListParents', parentId: childId, ...opt(options) });
      const parentId =
        this.accounts.find((a) => a.id === childId)?.parentId ??
        this.units.find((u) => u.id === childId)?.parentId;
      if (!parentId)
        throw new AwsCallError({
          code: 'UPSTREAM_ERROR',
          message: `child ${childId} not found`,
          awsErrorCode: 'ChildNotFoundException',
          retryable: false,
        });
      return fetched([{ Id: parentId, Type: parentId.startsWith('r-') ? 'ROOT' : 'ORGANIZATIONAL_UNIT' }]);
    },
    describeOrganizationalUnit: async (unitId, options) => {
      this.#record({ op: 'DescribeOrganizationalUnit', parentId: unitId, ...opt(options) });
      const unit = this.units.find((u) => u.id === unitId);
      if (!unit) {
        throw new AwsCallError({
          code: 'UPSTREAM_ERROR',
          message: `unit ${unitId} not found`,
          service: 'organizations',
          awsErrorCode: 'OrganizationalUnitNotFoundException',
          retryable: false,
        });
      }
      return fetched(toOrgUnit(unit));
    },
  };

  readonly ec2: AwsData['ec2'] = {
    describeRegions: async (accountId, options) => {
      this.#record({ op: 'DescribeRegions', accountId, ...opt(options) });
      this.#failFor(accountId, undefined, 'DescribeRegions');
      const account = this.accounts.find((a) => a.id === accountId);
      return fetched<Region[]>(
        (account?.regions ?? []).map((r) => ({
          RegionName: r,
          OptInStatus: 'opt-in-not-required',
          Endpoint: `ec2.${r}.amazonaws.com`,
        })),
      );
    },
    describeAvailabilityZones: async (target, options) => {
      this.#record({ op: 'DescribeAvailabilityZones', ...target, ...opt(options) });
      this.#failFor(target.accountId, target.region, 'DescribeAvailabilityZones');
      return fetched<AvailabilityZone[]>(
        ['a', 'b', 'c'].map((s, i) => ({
          ZoneName: `${target.region}${s}`,
          ZoneId: `use1-az${i + 1}`,
          State: 'available',
        })),
      );
    },
    page: async (list, target, request, options) => {
      const { all, attributes } = this.#list(list, target);
      return this.#page(list.operation, target, request, options, all, attributes) as Promise<Page<never>>;
    },
    all: async (list, target, filters, options) => {
      const { all, attributes } = this.#list(list, target);
      const items: unknown[] = [];
      let token: string | undefined;
      do {
        const page = await this.#page(
          list.operation,
          target,
          { filters, ...(token ? { token } : {}) },
          options,
          all,
          attributes,
        );
        items.push(...page.items);
        token = page.nextToken;
      } while (token !== undefined);
      return { items, fetchedAt: FETCHED_AT } as Page<never>;
    },
    byIds: async (list, target, ids, options) => {
      const { all } = this.#list(list, target);
      return this.#byIds(list.operation, target, ids, options, all, (item) =>
        list.idOf(item as never),
      ) as Promise<Fetched<Map<string, never>>>;
    },
  };

  readonly sessions: AwsData['sessions'] = {
    ensureSession: async (accountId) => {
      this.#record({ op: 'AssumeRole', accountId });
      this.#failFor(accountId, undefined, 'AssumeRole');
    },
    roleArnFor: async (accountId) => `arn:aws:iam::${accountId}:role/CMDBReadRole`,
  };

  // ---- helpers ----

  #record(call: FakeCall): void {
    if (this.crash) throw this.crash;
    this.calls.push(call);
  }

  #failFor(accountId: string, region: string | undefined, operation: string): void {
    if (this.roleNotAssumable.has(accountId)) {
      throw new AwsCallError({
        code: 'ROLE_NOT_ASSUMABLE',
        message: `Cannot assume arn:aws:iam::${accountId}:role/CMDBReadRole`,
        accountId,
        ...(region !== undefined ? { region } : {}),
        service: 'sts',
        operation: 'AssumeRole',
        awsErrorCode: 'AccessDenied',
        requestId: 'req-assume',
        retryable: false,
      });
    }
    const code = region !== undefined ? this.failingTargets.get(`${accountId}|${region}`) : undefined;
    if (code) {
      throw new AwsCallError({
        code,
        message: `${operation} failed in ${accountId} ${region}`,
        accountId,
        ...(region !== undefined ? { region } : {}),
        service: 'ec2',
        operation,
        awsErrorCode: code === 'REGION_NOT_ENABLED' ? 'AuthFailure' : 'RequestLimitExceeded',
        requestId: 'req-ec2',
        retryable: code === 'THROTTLED',
      });
    }
  }

  /** The items and filter attributes of one list in one target. */
  #list(
    list: Ec2List<unknown>,
    target: Target,
  ): { all: readonly unknown[]; attributes: (item: unknown) => Attributes } {
    const data = this.dataOf(target.accountId, target.region);
    switch (list.operation) {
      case 'DescribeInstances':
        return { all: data.instances, attributes: (i) => instanceAttributes(i as InstanceItem) };
      case 'DescribeVpcs':
        return { all: data.vpcs, attributes: (v) => vpcAttributes(v as Vpc) };
      case 'DescribeSubnets':
        return { all: data.subnets, attributes: (s) => subnetAttributes(s as Subnet) };
      default:
        throw new Error(`the fake has no ${list.operation}`);
    }
  }

  async #page<T>(
    op: string,
    target: Target,
    request: PageRequest,
    options: CallOptions | undefined,
    all: readonly T[],
    attributes: (item: T) => Attributes,
  ): Promise<Page<T>> {
    const filters = [...(request.filters ?? [])];
    const matching = all.filter((item) => matches(attributes(item), filters));
    const selection = JSON.stringify(filters);
    const token = request.token;
    const maxResults = clampMaxResults(request.wanted);
    const call: FakeCall = {
      op,
      ...target,
      filters: [...filters],
      maxResults,
      ...(token !== undefined ? { nextToken: token } : {}),
      ...opt(options),
    };
    this.#record(call);
    this.#failFor(target.accountId, target.region, op);
    let start = 0;
    if (token !== undefined) {
      const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
        s: string;
        o: number;
        t: string;
      };
      if (decoded.s !== selection || decoded.t !== `${target.accountId}|${target.region}`)
        throw new Error(`token replayed with another selection: ${token}`);
      start = decoded.o;
    }
    const size = Math.min(maxResults, this.pageCap ?? Infinity);
    const items = matching.slice(start, start + size);
    call.returned = items.length;
    const next =
      start + size < matching.length
        ? Buffer.from(
            JSON.stringify({ s: selection, o: start + size, t: `${target.accountId}|${target.region}` }),
          ).toString('base64url')
        : undefined;
    return {
      items,
      ...(token !== undefined ? { token } : {}),
      ...(next !== undefined ? { nextToken: next } : {}),
      fetchedAt: FETCHED_AT,
    };
  }

  async #byIds<T>(
    op: string,
    target: Target,
    ids: readonly string[],
    options: CallOptions | undefined,
    all: readonly T[],
    idOf: (item: T) => string | undefined,
  ): Promise<Fetched<Map<string, T>>> {
    this.#record({ op, ...target, ids: [...ids], ...opt(options) });
    this.#failFor(target.accountId, target.region, op);
    const wanted = new Set(ids);
    const map = new Map<string, T>();
    for (const item of all) {
      const id = idOf(item);
      if (id !== undefined && wanted.has(id)) map.set(id, item);
    }
    return { value: map, fetchedAt: FETCHED_AT };
  }
}

interface Attributes {
  fields: Record<string, (string | undefined)[]>;
  tags: { Key?: string; Value?: string }[];
}

function instanceAttributes(item: InstanceItem): Attributes {
  const i = item.instance;
  return {
    fields: {
      'instance-id': [i.InstanceId],
      'instance-state-name': [i.State?.Name],
      'instance-type': [i.InstanceType],
      'vpc-id': [i.VpcId],
      'subnet-id': [i.SubnetId],
      'availability-zone': [i.Placement?.AvailabilityZone],
    },
    tags: i.Tags ?? [],
  };
}

function vpcAttributes(v: Vpc): Attributes {
  return {
    fields: {
      'vpc-id': [v.VpcId],
      'is-default': [String(v.IsDefault)],
      'cidr-block-association.cidr-block': (v.CidrBlockAssociationSet ?? []).map((a) => a.CidrBlock),
    },
    tags: v.Tags ?? [],
  };
}

function subnetAttributes(s: Subnet): Attributes {
  return {
    fields: {
      'subnet-id': [s.SubnetId],
      'vpc-id': [s.VpcId],
      'availability-zone': [s.AvailabilityZone],
    },
    tags: s.Tags ?? [],
  };
}

function wildcard(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\/-]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}

function matches(attributes: Attributes, filters: readonly Filter[]): boolean {
  return filters.every((f) => {
    const name = f.Name ?? '';
    const values = (f.Values ?? []).map(wildcard);
    const test = (v: string | undefined) => v !== undefined && values.some((re) => re.test(v));
    if (name === 'tag-key') return attributes.tags.some((t) => test(t.Key));
    if (name.startsWith('tag:')) return attributes.tags.some((t) => t.Key === name.slice(4) && test(t.Value));
    const own = attributes.fields[name];
    if (!own) throw new Error(`The filter '${name}' is invalid`);
    return own.some(test);
  });
}

function fetched<T>(value: T): Fetched<T> {
  return { value, fetchedAt: FETCHED_AT };
}

function opt(options: CallOptions | undefined): { options?: CallOptions } {
  return options ? { options } : {};
}

function toOrgAccount(a: FakeAccount): Account {
  return {
    Id: a.id,
    Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:account/${ORG_ID}/${a.id}`,
    Name: a.name,
    Email: `${a.name}@example.com`,
    State: (a.state ?? 'ACTIVE') as Account['State'],
    JoinedMethod: 'CREATED',
    JoinedTimestamp: new Date('2024-01-01T00:00:00.000Z'),
  };
}

function toOrgUnit(u: FakeUnit): OrganizationalUnit {
  return { Id: u.id, Name: u.name, Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:ou/${ORG_ID}/${u.id}` };
}
