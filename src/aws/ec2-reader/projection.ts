// The fields of EC2's Describe answers that orgraph reads, in ONE place: the fast reader (reader.ts)
// builds exactly these from the XML, and the differential tests project the SDK's own output through
// the same description (`project`) before comparing, so the two cannot drift apart. Member names are
// the SDK's (Instance, Vpc, Subnet of @aws-sdk/client-ec2), `xml` the element EC2's query protocol
// uses for them (the SDK schema's xmlName; a test checks every one against the SDK's schema).
//
// To read one more field for the schema: add it here (and to the resolver that reads it).

/** How the SDK turns an element's text into a value (FromStringShapeDeserializer). */
export type ScalarKind = 'string' | 'number' | 'boolean' | 'timestamp';

export type Field =
  | { xml: string; kind: ScalarKind }
  | { xml: string; kind: 'struct'; shape: Shape }
  /** A list of structures: `<xml><item>…</item>…</xml>`. */
  | { xml: string; kind: 'list'; item: Shape };

/** SDK member name → field. */
export type Shape = Readonly<Record<string, Field>>;

const string = (xml: string): Field => ({ xml, kind: 'string' });
const number = (xml: string): Field => ({ xml, kind: 'number' });
const boolean = (xml: string): Field => ({ xml, kind: 'boolean' });
const timestamp = (xml: string): Field => ({ xml, kind: 'timestamp' });
const struct = (xml: string, shape: Shape): Field => ({ xml, kind: 'struct', shape });
const list = (xml: string, item: Shape): Field => ({ xml, kind: 'list', item });

const TAG: Shape = { Key: string('key'), Value: string('value') };

/** Instance fields read by src/graph/resolvers/Instance.ts (and loaders/ec2.ts: VpcId, SubnetId). */
export const INSTANCE_FIELDS: Shape = {
  InstanceId: string('instanceId'),
  InstanceType: string('instanceType'),
  State: struct('instanceState', { Code: number('code'), Name: string('name') }),
  StateTransitionReason: string('reason'),
  LaunchTime: timestamp('launchTime'),
  PrivateIpAddress: string('privateIpAddress'),
  PublicIpAddress: string('ipAddress'),
  PrivateDnsName: string('privateDnsName'),
  PublicDnsName: string('dnsName'),
  ImageId: string('imageId'),
  KeyName: string('keyName'),
  Platform: string('platform'),
  PlatformDetails: string('platformDetails'),
  Architecture: string('architecture'),
  InstanceLifecycle: string('instanceLifecycle'),
  SpotInstanceRequestId: string('spotInstanceRequestId'),
  Placement: struct('placement', {
    Tenancy: string('tenancy'),
    AvailabilityZone: string('availabilityZone'),
  }),
  RootDeviceType: string('rootDeviceType'),
  RootDeviceName: string('rootDeviceName'),
  EbsOptimized: boolean('ebsOptimized'),
  Hypervisor: string('hypervisor'),
  VirtualizationType: string('virtualizationType'),
  AmiLaunchIndex: number('amiLaunchIndex'),
  IamInstanceProfile: struct('iamInstanceProfile', { Arn: string('arn'), Id: string('id') }),
  SecurityGroups: list('groupSet', { GroupId: string('groupId'), GroupName: string('groupName') }),
  Tags: list('tagSet', TAG),
  VpcId: string('vpcId'),
  SubnetId: string('subnetId'),
};

/** Vpc fields read by src/graph/resolvers/Vpc.ts. */
export const VPC_FIELDS: Shape = {
  VpcId: string('vpcId'),
  OwnerId: string('ownerId'),
  CidrBlock: string('cidrBlock'),
  CidrBlockAssociationSet: list('cidrBlockAssociationSet', {
    CidrBlock: string('cidrBlock'),
    CidrBlockState: struct('cidrBlockState', { State: string('state') }),
  }),
  IsDefault: boolean('isDefault'),
  State: string('state'),
  DhcpOptionsId: string('dhcpOptionsId'),
  InstanceTenancy: string('instanceTenancy'),
  Tags: list('tagSet', TAG),
};

/** Subnet fields read by src/graph/resolvers/Subnet.ts. */
export const SUBNET_FIELDS: Shape = {
  SubnetId: string('subnetId'),
  SubnetArn: string('subnetArn'),
  OwnerId: string('ownerId'),
  VpcId: string('vpcId'),
  CidrBlock: string('cidrBlock'),
  AvailabilityZone: string('availabilityZone'),
  AvailabilityZoneId: string('availabilityZoneId'),
  AvailableIpAddressCount: number('availableIpAddressCount'),
  DefaultForAz: boolean('defaultForAz'),
  MapPublicIpOnLaunch: boolean('mapPublicIpOnLaunch'),
  State: string('state'),
  Tags: list('tagSet', TAG),
};

/** A rule of a security group (IpPermission), as src/graph/resolvers/SecurityGroup.ts reads it. */
const DESCRIBED = (member: string, xml: string): Shape => ({
  [member]: string(xml),
  Description: string('description'),
});
const PERMISSION: Shape = {
  IpProtocol: string('ipProtocol'),
  FromPort: number('fromPort'),
  ToPort: number('toPort'),
  UserIdGroupPairs: list('groups', {
    UserId: string('userId'),
    GroupId: string('groupId'),
    GroupName: string('groupName'),
    Description: string('description'),
  }),
  IpRanges: list('ipRanges', DESCRIBED('CidrIp', 'cidrIp')),
  Ipv6Ranges: list('ipv6Ranges', DESCRIBED('CidrIpv6', 'cidrIpv6')),
  PrefixListIds: list('prefixListIds', DESCRIBED('PrefixListId', 'prefixListId')),
};

/** SecurityGroup fields read by src/graph/resolvers/SecurityGroup.ts. */
export const SECURITY_GROUP_FIELDS: Shape = {
  GroupId: string('groupId'),
  GroupName: string('groupName'),
  Description: string('groupDescription'),
  VpcId: string('vpcId'),
  OwnerId: string('ownerId'),
  SecurityGroupArn: string('securityGroupArn'),
  IpPermissions: list('ipPermissions', PERMISSION),
  IpPermissionsEgress: list('ipPermissionsEgress', PERMISSION),
  Tags: list('tagSet', TAG),
};

/**
 * Each operation's answer (the SDK's output shape without $metadata). Adding an operation here and a
 * command to FAST_READ_OPERATIONS (install.ts) is all a new reader needs.
 */
export const OUTPUTS = {
  DescribeInstances: {
    NextToken: string('nextToken'),
    Reservations: list('reservationSet', {
      ReservationId: string('reservationId'),
      OwnerId: string('ownerId'),
      Instances: list('instancesSet', INSTANCE_FIELDS),
    }),
  },
  DescribeVpcs: { NextToken: string('nextToken'), Vpcs: list('vpcSet', VPC_FIELDS) },
  DescribeSubnets: { NextToken: string('nextToken'), Subnets: list('subnetSet', SUBNET_FIELDS) },
  DescribeSecurityGroups: {
    NextToken: string('nextToken'),
    SecurityGroups: list('securityGroupInfo', SECURITY_GROUP_FIELDS),
  },
} as const satisfies Record<string, Shape>;

export type ReadOperation = keyof typeof OUTPUTS;

/**
 * `value` (an SDK-shaped object) reduced to the members `shape` names, recursively; members that are
 * absent (undefined) stay absent. The tests compare project(SDK output) with the reader's output.
 */
export function project(shape: Shape, value: unknown): Record<string, unknown> {
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [member, field] of Object.entries(shape)) {
    const v = source[member];
    if (v === undefined) continue;
    if (field.kind === 'struct') out[member] = project(field.shape, v);
    else if (field.kind === 'list') out[member] = (v as unknown[]).map((item) => project(field.item, item));
    else out[member] = v;
  }
  return out;
}
