// EC2 Query XML for the Describe* results, with the element names the AWS SDK's EC2 deserializers read
// (the `xmlName` traits in @aws-sdk/client-ec2's schema): e.g. `instanceState`, `dnsName` for the public
// DNS name, `ipAddress` for the public IP, `reason` for StateTransitionReason, `zoneState`,
// `regionEndpoint`; lists are `<xxxSet><item>…</item></xxxSet>`. Built as strings: a 1,000-instance
// page is the hot path.
import type {
  OptInStatus,
  SimAvailabilityZone,
  SimInstance,
  SimIpPermission,
  SimSecurityGroup,
  SimSubnet,
  SimVpc,
  Tag,
} from '../../model.js';
import { xmlEscape } from '../../protocols/query.js';

export const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

const NEEDS_ESCAPE = /[&<>"']/;

/** `<name>value</name>`; nothing for undefined. Empty strings are kept (EC2 sends `<dnsName/>`). */
function el(name: string, value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  const text =
    typeof value === 'string' ? (NEEDS_ESCAPE.test(value) ? xmlEscape(value) : value) : String(value);
  return `<${name}>${text}</${name}>`;
}

/** The whole answer: `<XxxResponse xmlns=…><requestId>…</requestId>…</XxxResponse>`. */
export function responseEnvelope(action: string, requestId: string, inner: string): string {
  return `<${action}Response xmlns="${EC2_XMLNS}">${el('requestId', requestId)}${inner}</${action}Response>`;
}

/** `<tagSet>…</tagSet>`, omitted when there are no tags (as EC2 does). */
export function tagSetXml(tags: readonly Tag[]): string {
  if (tags.length === 0) return '';
  let out = '<tagSet>';
  for (const t of tags) out += `<item>${el('key', t.key)}${el('value', t.value)}</item>`;
  return out + '</tagSet>';
}

export function regionXml(region: { name: string; endpoint: string; optInStatus: OptInStatus }): string {
  return `<item>${el('regionName', region.name)}${el('regionEndpoint', region.endpoint)}${el('optInStatus', region.optInStatus)}</item>`;
}

export function availabilityZoneXml(zone: SimAvailabilityZone, region: string): string {
  return (
    '<item>' +
    el('zoneName', zone.zoneName) +
    el('zoneState', zone.state) +
    el('regionName', region) +
    el('zoneId', zone.zoneId) +
    el('groupName', region) +
    el('optInStatus', 'opt-in-not-required') +
    '<messageSet/>' +
    el('networkBorderGroup', region) +
    el('zoneType', 'availability-zone') +
    '</item>'
  );
}

export function vpcXml(vpc: SimVpc): string {
  const associationId = `vpc-cidr-assoc-${vpc.vpcId.slice(4)}`;
  return (
    '<item>' +
    el('vpcId', vpc.vpcId) +
    el('ownerId', vpc.ownerId) +
    el('state', vpc.state) +
    el('cidrBlock', vpc.cidrBlock) +
    '<cidrBlockAssociationSet><item>' +
    el('cidrBlock', vpc.cidrBlock) +
    el('associationId', associationId) +
    `<cidrBlockState>${el('state', 'associated')}</cidrBlockState>` +
    '</item></cidrBlockAssociationSet>' +
    el('dhcpOptionsId', vpc.dhcpOptionsId) +
    tagSetXml(vpc.tags) +
    el('instanceTenancy', vpc.instanceTenancy) +
    el('isDefault', vpc.isDefault) +
    `<blockPublicAccessStates>${el('internetGatewayBlockMode', 'off')}</blockPublicAccessStates>` +
    '</item>'
  );
}

export function subnetXml(subnet: SimSubnet): string {
  return (
    '<item>' +
    el('subnetId', subnet.subnetId) +
    el('subnetArn', subnet.subnetArn) +
    el('state', subnet.state) +
    el('ownerId', subnet.ownerId) +
    el('vpcId', subnet.vpcId) +
    el('cidrBlock', subnet.cidrBlock) +
    '<ipv6CidrBlockAssociationSet/>' +
    el('availableIpAddressCount', subnet.availableIpAddressCount) +
    el('availabilityZone', subnet.availabilityZone) +
    el('availabilityZoneId', subnet.availabilityZoneId) +
    el('defaultForAz', subnet.defaultForAz) +
    el('mapPublicIpOnLaunch', subnet.mapPublicIpOnLaunch) +
    el('mapCustomerOwnedIpOnLaunch', false) +
    el('assignIpv6AddressOnCreation', false) +
    el('enableDns64', false) +
    el('ipv6Native', false) +
    '<privateDnsNameOptionsOnLaunch>' +
    el('hostnameType', 'ip-name') +
    el('enableResourceNameDnsARecord', false) +
    el('enableResourceNameDnsAAAARecord', false) +
    '</privateDnsNameOptionsOnLaunch>' +
    `<blockPublicAccessStates>${el('internetGatewayBlockMode', 'off')}</blockPublicAccessStates>` +
    tagSetXml(subnet.tags) +
    '</item>'
  );
}

/** The billing code EC2 reports for a platform (PlatformDetails → UsageOperation). */
export function usageOperationFor(platformDetails: string): string {
  const codes: Record<string, string> = {
    'Linux/UNIX': 'RunInstances',
    Windows: 'RunInstances:0002',
    'Red Hat Enterprise Linux': 'RunInstances:0010',
    'SUSE Linux': 'RunInstances:000g',
    'Windows with SQL Server Standard': 'RunInstances:0006',
    'Windows with SQL Server Enterprise': 'RunInstances:0102',
    'Ubuntu Pro': 'RunInstances:0g00',
  };
  return codes[platformDetails] ?? 'RunInstances';
}

const STOPPED_STATES = new Set(['stopping', 'stopped', 'shutting-down', 'terminated']);

export function instanceXml(inst: SimInstance, zoneIdOf: (zoneName: string) => string | undefined): string {
  const launchTime = inst.launchTime.toISOString();
  let groups = '<groupSet>';
  for (const g of inst.securityGroups)
    groups += `<item>${el('groupId', g.groupId)}${el('groupName', g.groupName)}</item>`;
  groups += '</groupSet>';
  const stateReason = STOPPED_STATES.has(inst.state.name)
    ? `<stateReason>${el('code', 'Client.UserInitiatedShutdown')}${el('message', 'Client.UserInitiatedShutdown: User initiated shutdown')}</stateReason>`
    : '';
  const profile = inst.iamInstanceProfile
    ? `<iamInstanceProfile>${el('arn', inst.iamInstanceProfile.arn)}${el('id', inst.iamInstanceProfile.id)}</iamInstanceProfile>`
    : '';
  return (
    '<item>' +
    el('instanceId', inst.instanceId) +
    el('imageId', inst.imageId) +
    `<instanceState>${el('code', inst.state.code)}${el('name', inst.state.name)}</instanceState>` +
    el('privateDnsName', inst.privateDnsName) +
    el('dnsName', inst.publicDnsName) +
    el('reason', inst.stateTransitionReason) +
    el('keyName', inst.keyName) +
    el('amiLaunchIndex', inst.amiLaunchIndex) +
    '<productCodes/>' +
    el('instanceType', inst.instanceType) +
    el('launchTime', launchTime) +
    '<placement>' +
    el('availabilityZone', inst.placement.availabilityZone) +
    el('availabilityZoneId', zoneIdOf(inst.placement.availabilityZone)) +
    el('groupName', '') +
    el('tenancy', inst.placement.tenancy) +
    '</placement>' +
    el('platform', inst.platform) +
    `<monitoring>${el('state', 'disabled')}</monitoring>` +
    el('subnetId', inst.subnetId) +
    el('vpcId', inst.vpcId) +
    el('privateIpAddress', inst.privateIpAddress) +
    el('ipAddress', inst.publicIpAddress) +
    el('sourceDestCheck', true) +
    groups +
    stateReason +
    el('architecture', inst.architecture) +
    el('rootDeviceType', inst.rootDeviceType) +
    el('rootDeviceName', inst.rootDeviceName) +
    '<blockDeviceMapping/>' +
    el('instanceLifecycle', inst.instanceLifecycle) +
    el('spotInstanceRequestId', inst.spotInstanceRequestId) +
    el('virtualizationType', inst.virtualizationType) +
    el('clientToken', '') +
    tagSetXml(inst.tags) +
    el('hypervisor', inst.hypervisor) +
    profile +
    el('ebsOptimized', inst.ebsOptimized) +
    el('enaSupport', true) +
    el('platformDetails', inst.platformDetails) +
    el('usageOperation', usageOperationFor(inst.platformDetails)) +
    el('usageOperationUpdateTime', launchTime) +
    '</item>'
  );
}

/**
 * A reservation with the given instances (on a page boundary, only its part of them). The
 * reservation-level groupSet is empty for instances launched into a VPC, as in EC2's answers.
 */
export function reservationXml(
  reservationId: string,
  ownerId: string,
  instances: readonly SimInstance[],
  zoneIdOf: (zoneName: string) => string | undefined,
): string {
  let out =
    '<item>' + el('reservationId', reservationId) + el('ownerId', ownerId) + '<groupSet/><instancesSet>';
  for (const inst of instances) out += instanceXml(inst, zoneIdOf);
  return out + '</instancesSet></item>';
}

/** `<name><item>…</item>…</name>`, or `<name/>` when empty (EC2 sends the empty lists of a rule). */
function itemList<T>(name: string, list: readonly T[], item: (entry: T) => string): string {
  if (list.length === 0) return `<${name}/>`;
  let out = `<${name}>`;
  for (const entry of list) out += `<item>${item(entry)}</item>`;
  return `${out}</${name}>`;
}

/** The inside of one IpPermission item: ports only when the protocol has them; all four lists, empty ones too. */
function ipPermissionXml(p: SimIpPermission): string {
  return (
    el('ipProtocol', p.ipProtocol) +
    el('fromPort', p.fromPort) +
    el('toPort', p.toPort) +
    itemList(
      'groups',
      p.userIdGroupPairs,
      (g) => el('userId', g.userId) + el('groupId', g.groupId) + el('description', g.description),
    ) +
    itemList('ipRanges', p.ipRanges, (r) => el('cidrIp', r.cidrIp) + el('description', r.description)) +
    itemList(
      'ipv6Ranges',
      p.ipv6Ranges,
      (r) => el('cidrIpv6', r.cidrIpv6) + el('description', r.description),
    ) +
    itemList(
      'prefixListIds',
      p.prefixListIds,
      (l) => el('prefixListId', l.prefixListId) + el('description', l.description),
    )
  );
}

/** A `securityGroupInfo` item, in the element order of EC2's answers. */
export function securityGroupXml(group: SimSecurityGroup): string {
  return (
    '<item>' +
    el('ownerId', group.ownerId) +
    el('groupId', group.groupId) +
    el('groupName', group.groupName) +
    el('groupDescription', group.description) +
    el('vpcId', group.vpcId) +
    itemList('ipPermissions', group.ipPermissions, ipPermissionXml) +
    itemList('ipPermissionsEgress', group.ipPermissionsEgress, ipPermissionXml) +
    tagSetXml(group.tags) +
    el('securityGroupArn', group.securityGroupArn) +
    '</item>'
  );
}
