// DescribeSecurityGroups: GroupId.N, GroupName.N (groups of the default VPC, OR-ed with the ids), filters,
// MaxResults/NextToken (MaxResults cannot be combined with GroupId.N).
import type { SimIpPermission, SimRegionData, SimSecurityGroup } from '../../model.js';
import type { Ec2Call } from './call.js';
import { ec2Errors } from './errors.js';
import type { FilterSpec, FilterValues } from './filters.js';
import { SECURITY_GROUP_IDS } from './ids.js';
import type { ListDescribe } from './list-describe.js';
import { listDescribeXml } from './list-describe.js';
import { DESCRIBE_SECURITY_GROUPS_PAGING } from './paging.js';
import { securityGroupXml } from './serialize.js';

type Rules = (g: SimSecurityGroup) => readonly SimIpPermission[];

/** EC2 accepts a rule's protocol by name or by IANA number in the protocol filters. */
const PROTOCOL_NUMBERS: Record<string, string> = { tcp: '6', udp: '17', icmp: '1', icmpv6: '58' };

const port = (n: number | undefined) => (n === undefined ? undefined : String(n));

/** `<prefix>.cidr`, `.from-port`, … over one direction's rules (each filter value may match any rule). */
function permissionFilters(
  prefix: string,
  rules: Rules,
  nameOf: (groupId: string) => string | undefined,
): Record<string, FilterValues<SimSecurityGroup>> {
  const pairs = (g: SimSecurityGroup) => rules(g).flatMap((r) => r.userIdGroupPairs);
  return {
    [`${prefix}.cidr`]: (g) => rules(g).flatMap((r) => r.ipRanges.map((x) => x.cidrIp)),
    [`${prefix}.ipv6-cidr`]: (g) => rules(g).flatMap((r) => r.ipv6Ranges.map((x) => x.cidrIpv6)),
    [`${prefix}.prefix-list-id`]: (g) => rules(g).flatMap((r) => r.prefixListIds.map((x) => x.prefixListId)),
    [`${prefix}.protocol`]: (g) => rules(g).flatMap((r) => [r.ipProtocol, PROTOCOL_NUMBERS[r.ipProtocol]]),
    [`${prefix}.from-port`]: (g) => rules(g).map((r) => port(r.fromPort)),
    [`${prefix}.to-port`]: (g) => rules(g).map((r) => port(r.toPort)),
    [`${prefix}.group-id`]: (g) => pairs(g).map((p) => p.groupId),
    [`${prefix}.group-name`]: (g) => pairs(g).map((p) => nameOf(p.groupId)),
    [`${prefix}.user-id`]: (g) => pairs(g).map((p) => p.userId),
  };
}

/** The filters of DescribeSecurityGroups; group-name filters over rules need the Region's group names. */
export function securityGroupFilters(groups: readonly SimSecurityGroup[]): FilterSpec<SimSecurityGroup> {
  const names = new Map(groups.map((g) => [g.groupId, g.groupName]));
  const nameOf = (groupId: string) => names.get(groupId);
  return {
    fields: {
      'group-id': (g) => [g.groupId],
      'group-name': (g) => [g.groupName],
      description: (g) => [g.description],
      'vpc-id': (g) => [g.vpcId],
      'owner-id': (g) => [g.ownerId],
      ...permissionFilters('ip-permission', (g) => g.ipPermissions, nameOf),
      ...permissionFilters('egress.ip-permission', (g) => g.ipPermissionsEgress, nameOf),
    },
    tagsOf: (g) => g.tags,
  };
}

/** GroupName.N names groups of the default VPC; one that names none fails the whole call. */
function selectByName(data: SimRegionData) {
  return (groups: readonly SimSecurityGroup[], names: readonly string[]): ReadonlySet<SimSecurityGroup> => {
    const defaultVpc = data.vpcs.find((v) => v.isDefault);
    if (defaultVpc === undefined) throw ec2Errors.noDefaultVpc();
    const wanted = new Set(names);
    const found = new Set<SimSecurityGroup>();
    for (const g of groups) if (g.vpcId === defaultVpc.vpcId && wanted.has(g.groupName)) found.add(g);
    for (const name of names)
      if (![...found].some((g) => g.groupName === name))
        throw ec2Errors.securityGroupNameNotFound(name, defaultVpc.vpcId);
    return found;
  };
}

export function describeSecurityGroups(call: Ec2Call): string {
  const data = call.ctx.world.regionData(call.accountId, call.region);
  const spec: ListDescribe<SimSecurityGroup> = {
    operation: 'DescribeSecurityGroups',
    idParam: 'GroupId',
    idScope: SECURITY_GROUP_IDS,
    idOf: (g) => g.groupId,
    filters: securityGroupFilters(data.securityGroups),
    paging: DESCRIBE_SECURITY_GROUPS_PAGING,
    names: { param: 'GroupName', select: selectByName(data) },
  };
  return listDescribeXml(spec, call, data.securityGroups, 'securityGroupInfo', securityGroupXml);
}
