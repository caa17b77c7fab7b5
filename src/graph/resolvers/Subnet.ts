// A subnet as DescribeSubnets reported it; its VPC is a batched by-id lookup.
import { ec2Arn } from '../arn.js';
import type { SubnetResolvers } from '../generated/resolvers-types.js';
import { SUBNET, VPC } from '../kinds/index.js';
import type { SubnetModel } from '../mappers.js';
import { ec2NodeFields } from './ec2-node.js';
import { required, tagsOf, tagValue } from './fields.js';
import { nestedListFields } from './lists.js';

const subnetId = (s: SubnetModel) => required(s.item.SubnetId, 'SubnetId');
const ownerId = (s: SubnetModel) => s.item.OwnerId ?? s.target.accountId;

export const Subnet: SubnetResolvers = {
  ...ec2NodeFields<SubnetModel>(SUBNET),
  arn: (s) => s.item.SubnetArn ?? ec2Arn(s.target.region, ownerId(s), 'subnet', subnetId(s)),
  ownerId,
  vpcId: (s) => required(s.item.VpcId, 'subnet VpcId'),
  vpc: (s, _, ctx) => (s.item.VpcId ? ctx.ec2.lookup(VPC, s.target, s.item.VpcId) : null),
  cidrBlock: (s) => required(s.item.CidrBlock, 'subnet CidrBlock'),
  availabilityZone: (s) => required(s.item.AvailabilityZone, 'subnet AvailabilityZone'),
  availabilityZoneId: (s) => s.item.AvailabilityZoneId ?? null,
  availableIpAddressCount: (s) => s.item.AvailableIpAddressCount ?? 0,
  defaultForAz: (s) => s.item.DefaultForAz ?? false,
  mapPublicIpOnLaunch: (s) => s.item.MapPublicIpOnLaunch ?? false,
  state: (s) => required(s.item.State, 'subnet State'),
  tags: (s) => tagsOf(s.item.Tags),
  tag: (s, { key }) => tagValue(s.item.Tags, key),
  name: (s) => tagValue(s.item.Tags, 'Name'),
  ...nestedListFields(SUBNET, (s: SubnetModel) => s.target, subnetId),
};
