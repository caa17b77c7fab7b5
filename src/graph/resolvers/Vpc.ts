// A VPC as DescribeVpcs reported it; its subnets and instances are nested lists shared by siblings.
import { ec2Arn } from '../arn.js';
import type { VpcResolvers } from '../generated/resolvers-types.js';
import { encodeGlobalId } from '../global-id.js';
import type { VpcModel } from '../mappers.js';
import { accountModel, regionModel } from '../mappers.js';
import { required, tagsOf, tagValue } from './fields.js';
import { INSTANCE_LISTING, SUBNET_LISTING, nestedList } from './lists.js';

const vpcId = (v: VpcModel) => required(v.vpc.VpcId, 'VpcId');
const ownerId = (v: VpcModel) => v.vpc.OwnerId ?? v.target.accountId;
const parentKey = (v: VpcModel) => `Vpc:${v.target.accountId}:${v.target.region}:${vpcId(v)}`;

export const Vpc: VpcResolvers = {
  id: (v) => encodeGlobalId('Vpc', v.target.accountId, v.target.region, vpcId(v)),
  vpcId,
  arn: (v) => ec2Arn(v.target.region, ownerId(v), 'vpc', vpcId(v)),
  ownerId,
  cidrBlock: (v) => required(v.vpc.CidrBlock, 'CidrBlock'),
  cidrBlocks: (v) => {
    const associated = (v.vpc.CidrBlockAssociationSet ?? [])
      .filter((a) => a.CidrBlockState?.State === undefined || a.CidrBlockState.State === 'associated')
      .flatMap((a) => (a.CidrBlock ? [a.CidrBlock] : []));
    const primary = v.vpc.CidrBlock;
    return primary ? [primary, ...associated.filter((c) => c !== primary)] : associated;
  },
  isDefault: (v) => v.vpc.IsDefault ?? false,
  state: (v) => required(v.vpc.State, 'VPC State'),
  dhcpOptionsId: (v) => v.vpc.DhcpOptionsId ?? null,
  instanceTenancy: (v) => v.vpc.InstanceTenancy ?? null,
  tags: (v) => tagsOf(v.vpc.Tags),
  tag: (v, { key }) => tagValue(v.vpc.Tags, key),
  name: (v) => tagValue(v.vpc.Tags, 'Name'),
  account: (v) => accountModel(v.target.accountId),
  region: (v) => regionModel(v.target.accountId, v.target.region),
  subnets: (v, args, ctx, info) =>
    nestedList(SUBNET_LISTING, v.target, 'vpc-id', vpcId(v), parentKey(v), args, ctx, info),
  instances: (v, args, ctx, info) =>
    nestedList(INSTANCE_LISTING, v.target, 'vpc-id', vpcId(v), parentKey(v), args, ctx, info),
  fetchedAt: (v) => v.fetchedAt,
};
