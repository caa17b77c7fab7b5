// The shape the AWS SDK v3 (and, without SecurityGroupArn, the AWS CLI) parses a ground-truth
// security group into: every rule list present (EC2 sends empty ones), ports only when set, Tags only
// when the group has tags.
import type { SimIpPermission, SimSecurityGroup } from '../../src/sim/model.js';

const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, V>);

/** What the SDK must parse out of a ground-truth rule: every list present, ports only when set. */
export function sdkPermission(p: SimIpPermission): unknown {
  return {
    IpProtocol: p.ipProtocol,
    ...optional('FromPort', p.fromPort),
    ...optional('ToPort', p.toPort),
    UserIdGroupPairs: p.userIdGroupPairs.map((g) => ({
      UserId: g.userId,
      GroupId: g.groupId,
      ...optional('Description', g.description),
    })),
    IpRanges: p.ipRanges.map((r) => ({ CidrIp: r.cidrIp, ...optional('Description', r.description) })),
    Ipv6Ranges: p.ipv6Ranges.map((r) => ({
      CidrIpv6: r.cidrIpv6,
      ...optional('Description', r.description),
    })),
    PrefixListIds: p.prefixListIds.map((l) => ({
      PrefixListId: l.prefixListId,
      ...optional('Description', l.description),
    })),
  };
}

export function sdkGroup(g: SimSecurityGroup): unknown {
  return {
    GroupId: g.groupId,
    GroupName: g.groupName,
    Description: g.description,
    VpcId: g.vpcId,
    OwnerId: g.ownerId,
    SecurityGroupArn: g.securityGroupArn,
    IpPermissions: g.ipPermissions.map(sdkPermission),
    IpPermissionsEgress: g.ipPermissionsEgress.map(sdkPermission),
    ...(g.tags.length > 0 ? { Tags: g.tags.map((t) => ({ Key: t.key, Value: t.value })) } : {}),
  };
}
