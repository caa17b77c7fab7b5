// A security group as DescribeSecurityGroups reported it; its rules and the groups they name.
import type { IpPermission } from '@aws-sdk/client-ec2';
import { ec2Arn } from '../arn.js';
import type {
  SecurityGroupPeerResolvers,
  SecurityGroupResolvers,
  SecurityGroupRuleResolvers,
} from '../generated/resolvers-types.js';
import { SECURITY_GROUP, VPC } from '../kinds/index.js';
import type { SecurityGroupModel, SecurityGroupRuleModel } from '../mappers.js';
import { ec2NodeFields } from './ec2-node.js';
import { required, tagsOf, tagValue } from './fields.js';

const groupId = (g: SecurityGroupModel) => required(g.item.GroupId, 'GroupId');
const ownerId = (g: SecurityGroupModel) => g.item.OwnerId ?? g.target.accountId;
const rules = (g: SecurityGroupModel, permissions: IpPermission[] | undefined): SecurityGroupRuleModel[] =>
  (permissions ?? []).map((permission) => ({ target: g.target, permission }));
/** A text or null: EC2 leaves descriptions out, or sends them empty. */
const orNull = (value: string | undefined): string | null => (value ? value : null);

export const SecurityGroup: SecurityGroupResolvers = {
  ...ec2NodeFields<SecurityGroupModel>(SECURITY_GROUP),
  groupName: (g) => required(g.item.GroupName, 'GroupName'),
  description: (g) => g.item.Description ?? '',
  arn: (g) => g.item.SecurityGroupArn ?? ec2Arn(g.target.region, ownerId(g), 'security-group', groupId(g)),
  ownerId,
  vpcId: (g) => g.item.VpcId ?? null,
  vpc: (g, _, ctx) => (g.item.VpcId ? ctx.ec2.lookup(VPC, g.target, g.item.VpcId) : null),
  ingress: (g) => rules(g, g.item.IpPermissions),
  egress: (g) => rules(g, g.item.IpPermissionsEgress),
  tags: (g) => tagsOf(g.item.Tags),
  tag: (g, { key }) => tagValue(g.item.Tags, key),
  name: (g) => tagValue(g.item.Tags, 'Name'),
};

export const SecurityGroupRule: SecurityGroupRuleResolvers = {
  protocol: (r) => required(r.permission.IpProtocol, 'IpProtocol'),
  // EC2 reports -1 (or nothing) for "every port"; the schema says null.
  fromPort: (r) =>
    r.permission.FromPort === undefined || r.permission.IpProtocol === '-1' ? null : r.permission.FromPort,
  toPort: (r) =>
    r.permission.ToPort === undefined || r.permission.IpProtocol === '-1' ? null : r.permission.ToPort,
  ipv4Ranges: (r) =>
    (r.permission.IpRanges ?? []).flatMap((x) =>
      x.CidrIp ? [{ cidr: x.CidrIp, description: orNull(x.Description) }] : [],
    ),
  ipv6Ranges: (r) =>
    (r.permission.Ipv6Ranges ?? []).flatMap((x) =>
      x.CidrIpv6 ? [{ cidr: x.CidrIpv6, description: orNull(x.Description) }] : [],
    ),
  prefixLists: (r) =>
    (r.permission.PrefixListIds ?? []).flatMap((x) =>
      x.PrefixListId ? [{ prefixListId: x.PrefixListId, description: orNull(x.Description) }] : [],
    ),
  groups: (r) => (r.permission.UserIdGroupPairs ?? []).map((pair) => ({ target: r.target, pair })),
};

export const SecurityGroupPeer: SecurityGroupPeerResolvers = {
  groupId: (p) => required(p.pair.GroupId, 'UserIdGroupPair GroupId'),
  userId: (p) => orNull(p.pair.UserId),
  groupName: (p) => orNull(p.pair.GroupName),
  description: (p) => orNull(p.pair.Description),
  // Only a group of the same account can be looked up with the account's session.
  group: (p, _, ctx) =>
    p.pair.GroupId && (p.pair.UserId === undefined || p.pair.UserId === p.target.accountId)
      ? ctx.ec2.lookup(SECURITY_GROUP, p.target, p.pair.GroupId)
      : null,
};
