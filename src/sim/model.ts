// The simulated AWS world: the organization, its identities and, per account and Region, the EC2 data.
// These types are the contract between the generator (which builds a world from a seed) and the
// protocol handlers (which answer AWS calls from it). EC2 data is derived lazily per (account, Region).

export const PARTITION = 'aws';

export interface Tag {
  key: string;
  value: string;
}

export type AccountStatus = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';
export type AccountState = 'PENDING_ACTIVATION' | 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED';

export interface SimAccount {
  id: string; // 12 digits
  arn: string; // arn:aws:organizations::<mgmt>:account/<org-id>/<id>
  name: string;
  email: string;
  status: AccountStatus;
  state: AccountState;
  joinedMethod: 'INVITED' | 'CREATED';
  joinedTimestamp: Date;
  parentId: string; // the root id or an OU id
  /** Regions enabled for this account (opt-in-not-required ones plus the opted-in ones). */
  enabledRegions: Set<string>;
}

export interface SimOrganizationalUnit {
  id: string; // ou-<root suffix>-<8 chars>
  arn: string;
  name: string;
  parentId: string; // root id or OU id
}

export interface SimOrganization {
  id: string; // o-xxxxxxxxxx
  arn: string;
  featureSet: 'ALL' | 'CONSOLIDATED_BILLING';
  managementAccountId: string;
  managementAccountArn: string;
  managementAccountEmail: string;
  root: { id: string; arn: string; name: string };
}

/** An IAM user with long-lived access keys (the central principal). */
export interface SimUser {
  accountId: string;
  name: string;
  arn: string;
  userId: string; // AIDA...
  accessKeyId: string; // AKIA...
  secretAccessKey: string;
  /** IAM action patterns allowed, e.g. 'sts:AssumeRole', 'ec2:Describe*'. */
  permissions: string[];
}

export interface SimRole {
  accountId: string;
  name: string;
  path: string; // '/' or '/x/y/'
  arn: string;
  roleId: string; // AROA...
  /** Principal ARNs the trust policy names (IAM user ARNs or role ARNs). '*' allows any principal. */
  trustedPrincipals: string[];
  /** Trusts IAM Roles Anywhere (rolesanywhere.amazonaws.com) as a service principal. */
  trustsRolesAnywhere?: boolean;
  /** When set, the trust policy has an sts:ExternalId StringEquals condition. */
  externalId?: string;
  maxSessionDuration: number; // seconds, 3600..43200
  permissions: string[];
}

export interface SimVpc {
  vpcId: string;
  ownerId: string;
  cidrBlock: string;
  isDefault: boolean;
  state: 'available' | 'pending';
  dhcpOptionsId: string;
  instanceTenancy: 'default' | 'dedicated';
  tags: Tag[];
}

export interface SimSubnet {
  subnetId: string;
  subnetArn: string;
  vpcId: string;
  ownerId: string;
  cidrBlock: string;
  availabilityZone: string;
  availabilityZoneId: string;
  availableIpAddressCount: number;
  defaultForAz: boolean;
  mapPublicIpOnLaunch: boolean;
  state: 'available' | 'pending';
  tags: Tag[];
}

export type InstanceStateName =
  'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export interface SimInstance {
  reservationId: string;
  ownerId: string;
  instanceId: string;
  imageId: string;
  instanceType: string;
  state: { code: number; name: InstanceStateName };
  stateTransitionReason: string;
  privateIpAddress?: string; // absent for terminated
  publicIpAddress?: string;
  privateDnsName: string; // '' for terminated
  publicDnsName: string; // '' when no public IP
  launchTime: Date;
  platform?: 'windows';
  platformDetails: string; // 'Linux/UNIX' | 'Windows' | 'Red Hat Enterprise Linux' ...
  architecture: 'x86_64' | 'arm64';
  keyName?: string;
  securityGroups: { groupId: string; groupName: string }[];
  iamInstanceProfile?: { arn: string; id: string };
  instanceLifecycle?: 'spot';
  spotInstanceRequestId?: string;
  placement: { availabilityZone: string; tenancy: 'default' | 'dedicated' };
  subnetId?: string; // absent for terminated
  vpcId?: string; // absent for terminated
  amiLaunchIndex: number;
  rootDeviceType: 'ebs' | 'instance-store';
  rootDeviceName: string;
  ebsOptimized: boolean;
  hypervisor: 'xen' | 'nitro';
  virtualizationType: 'hvm' | 'paravirtual';
  tags: Tag[];
}

/** Another security group a rule allows traffic from (ingress) or to (egress): same account, same VPC. */
export interface SimUserIdGroupPair {
  userId: string; // the group's owner account
  groupId: string;
  description?: string;
}

export interface SimIpRange {
  cidrIp: string;
  description?: string;
}

export interface SimIpv6Range {
  cidrIpv6: string;
  description?: string;
}

export interface SimPrefixListId {
  prefixListId: string; // pl-<8 or 17 hex>
  description?: string;
}

/**
 * One rule of a security group (EC2's IpPermission). `ipProtocol` is 'tcp' | 'udp' | 'icmp' | '-1' (all
 * traffic). Ports: for tcp/udp the range; for icmp the ICMP type (`fromPort`) and code (`toPort`), -1 for
 * any; absent for '-1'. The four source/destination lists are always present (possibly empty).
 */
export interface SimIpPermission {
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  userIdGroupPairs: SimUserIdGroupPair[];
  ipRanges: SimIpRange[];
  ipv6Ranges: SimIpv6Range[];
  prefixListIds: SimPrefixListId[];
}

export interface SimSecurityGroup {
  groupId: string; // sg-<17 hex>
  groupName: string; // unique within its VPC; every VPC has one named 'default'
  description: string;
  vpcId: string;
  ownerId: string;
  securityGroupArn: string; // arn:aws:ec2:<region>:<account>:security-group/<groupId>
  tags: Tag[];
  /** Ingress rules. */
  ipPermissions: SimIpPermission[];
  /** Egress rules. */
  ipPermissionsEgress: SimIpPermission[];
}

export interface SimRegionData {
  vpcs: SimVpc[];
  subnets: SimSubnet[];
  /** Ordered so that the instances of one reservation are adjacent. */
  instances: SimInstance[];
  /**
   * Every security group of every VPC, VPC by VPC in `vpcs` order (the VPC's `default` group first).
   * Every instance's `securityGroups` refs name groups of the instance's own VPC.
   */
  securityGroups: SimSecurityGroup[];
}

export type OptInStatus = 'opt-in-not-required' | 'opted-in' | 'not-opted-in';

export interface SimAvailabilityZone {
  zoneName: string; // us-east-1a
  zoneId: string; // use1-az1
  state: 'available';
}

export interface SimWorld {
  seed: number;
  organization: SimOrganization;
  /** In Organizations order (creation order). */
  accounts: SimAccount[];
  accountById: Map<string, SimAccount>;
  organizationalUnits: SimOrganizationalUnit[];
  /** Every Region the sim knows, including opt-in ones; `regionsInScope` are the ones with data. */
  allRegions: string[];
  /** Regions that require opt-in (e.g. af-south-1, ap-east-1, me-south-1). */
  optInRegions: Set<string>;
  /** Regions the generator populates (the --regions flag). */
  regionsInScope: string[];
  /** The central account, where the central principal lives. */
  centralAccountId: string;
  centralUser: SimUser;
  /** Every IAM role of every account, by ARN. */
  roles: Map<string, SimRole>;
  /** The member read role's name (default CMDBReadRole) and ExternalId. */
  readRoleName: string;
  externalId: string;
  /** Lazily derived, memoized EC2 data; empty for Regions not in scope or not enabled. */
  regionData(accountId: string, region: string): SimRegionData;
  availabilityZones(region: string): SimAvailabilityZone[];
  /** Accounts that may call Organizations read APIs besides the management account. */
  delegatedAdministrators: Set<string>;
}

/** IAM Roles Anywhere resources the sim's CreateSession endpoint checks against. */
export interface SimTrustAnchor {
  arn: string; // arn:aws:rolesanywhere:<region>:<acct>:trust-anchor/<uuid>
  region: string;
  /** PEM CA certificates (roots or intermediates) that anchor the chain. */
  caCertificatesPem: string[];
  enabled: boolean;
}

export interface SimRolesAnywhereProfile {
  arn: string; // arn:aws:rolesanywhere:<region>:<acct>:profile/<uuid>
  region: string;
  roleArns: string[];
  durationSeconds: number; // 900..43200, the profile's cap
  acceptRoleSessionName: boolean;
  enabled: boolean;
}

export interface SimRolesAnywhere {
  trustAnchors: Map<string, SimTrustAnchor>;
  profiles: Map<string, SimRolesAnywhereProfile>;
}
