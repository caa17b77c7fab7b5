// EC2 security groups: DescribeSecurityGroups.
import { ec2Sdk } from '../../aws/sdk-clients.js';
import type { IpPermission, SecurityGroup, UserIdGroupPair } from '@aws-sdk/client-ec2';
import type { Target } from '../../aws/contract.js';
import { ec2List } from '../../aws/ec2-lists.js';
import type { SecurityGroupWhere } from '../generated/resolvers-types.js';
import { FilterBuilder } from '../where.js';
import type { Ec2Model, ResourceKind } from './kind.js';

export type SecurityGroupModel = Ec2Model<'SecurityGroup', SecurityGroup>;

/** One ingress or egress permission, with the group's target (where its peer groups are looked up). */
export interface SecurityGroupRuleModel {
  target: Target;
  permission: IpPermission;
}

/** A group a rule names, with the target of the group that names it. */
export interface SecurityGroupPeerModel {
  target: Target;
  pair: UserIdGroupPair;
}

export const SECURITY_GROUP: ResourceKind<'SecurityGroup', SecurityGroup, SecurityGroupWhere> = {
  typename: 'SecurityGroup',
  listField: 'securityGroups',
  lookupField: 'securityGroup',
  idField: 'groupId',
  aws: ec2List({
    operation: 'DescribeSecurityGroups',
    idPrefix: 'sg',
    send: (client, { ids, ...input }, abortSignal) =>
      client.send(
        new (ec2Sdk().DescribeSecurityGroupsCommand)({ ...input, ...(ids ? { GroupIds: ids } : {}) }),
        {
          abortSignal,
        },
      ),
    items: (out) => out.SecurityGroups ?? [],
    idOf: (group) => group.GroupId,
  }),
  filters: (where) =>
    where
      ? new FilterBuilder()
          .add('group-id', where.groupIds)
          .add('group-name', where.groupNames)
          .add('vpc-id', where.vpcIds)
          .tags(where.tags)
          .build()
      : [],
  idFilter: 'group-id',
  whereArguments: { 'group-id': 'groupIds', 'group-name': 'groupNames', 'vpc-id': 'vpcIds' },
  singleValued: ['group-id', 'group-name', 'vpc-id'],
  parentOf: { 'vpc-id': (group) => group.VpcId },
};
