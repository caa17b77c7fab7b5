// A subnet as DescribeSubnets reported it; its VPC is a batched by-id lookup.
import { ec2Arn } from '../arn.js';
import type { SubnetResolvers } from '../generated/resolvers-types.js';
import { encodeGlobalId } from '../global-id.js';
import { Ec2Loaders } from '../loaders/ec2.js';
import type { SubnetModel } from '../mappers.js';
import { accountModel, regionModel } from '../mappers.js';
import { required, tagsOf, tagValue } from './fields.js';
import { INSTANCE_LISTING, nestedList } from './lists.js';

const subnetId = (s: SubnetModel) => required(s.subnet.SubnetId, 'SubnetId');
const ownerId = (s: SubnetModel) => s.subnet.OwnerId ?? s.target.accountId;
const parentKey = (s: SubnetModel) => `Subnet:${s.target.accountId}:${s.target.region}:${subnetId(s)}`;

export const Subnet: SubnetResolvers = {
  id: (s) => encodeGlobalId('Subnet', s.target.accountId, s.target.region, subnetId(s)),
  subnetId,
  arn: (s) => s.subnet.SubnetArn ?? ec2Arn(s.target.region, ownerId(s), 'subnet', subnetId(s)),
  ownerId,
  vpcId: (s) => required(s.subnet.VpcId, 'subnet VpcId'),
  vpc: (s, _, ctx) =>
    s.subnet.VpcId ? ctx.ec2.vpcById.load(Ec2Loaders.idKey(s.target, s.subnet.VpcId)) : null,
  cidrBlock: (s) => required(s.subnet.CidrBlock, 'subnet CidrBlock'),
  availabilityZone: (s) => required(s.subnet.AvailabilityZone, 'subnet AvailabilityZone'),
  availabilityZoneId: (s) => s.subnet.AvailabilityZoneId ?? null,
  availableIpAddressCount: (s) => s.subnet.AvailableIpAddressCount ?? 0,
  defaultForAz: (s) => s.subnet.DefaultForAz ?? false,
  mapPublicIpOnLaunch: (s) => s.subnet.MapPublicIpOnLaunch ?? false,
  state: (s) => required(s.subnet.State, 'subnet State'),
  tags: (s) => tagsOf(s.subnet.Tags),
  tag: (s, { key }) => tagValue(s.subnet.Tags, key),
  name: (s) => tagValue(s.subnet.Tags, 'Name'),
  account: (s) => accountModel(s.target.accountId),
  region: (s) => regionModel(s.target.accountId, s.target.region),
  instances: (s, args, ctx, info) =>
    nestedList(INSTANCE_LISTING, s.target, 'subnet-id', subnetId(s), parentKey(s), args, ctx, info),
  fetchedAt: (s) => s.fetchedAt,
};
