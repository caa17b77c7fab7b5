// A VPC as DescribeVpcs reported it; its subnets and instances are nested lists shared by siblings.
import { ec2Arn } from '../arn.js';
import type { VpcResolvers } from '../generated/resolvers-types.js';
import { VPC } from '../kinds/index.js';
import type { VpcModel } from '../mappers.js';
import { ec2NodeFields } from './ec2-node.js';
import { required, tagsOf, tagValue } from './fields.js';
import { nestedListFields } from './lists.js';

const vpcId = (v: VpcModel) => required(v.item.VpcId, 'VpcId');
const ownerId = (v: VpcModel) => v.item.OwnerId ?? v.target.accountId;

export const Vpc: VpcResolvers = {
  ...ec2NodeFields<VpcModel>(VPC),
  arn: (v) => ec2Arn(v.target.region, ownerId(v), 'vpc', vpcId(v)),
  ownerId,
  cidrBlock: (v) => required(v.item.CidrBlock, 'CidrBlock'),
  cidrBlocks: (v) => {
    const associated = (v.item.CidrBlockAssociationSet ?? [])
      .filter((a) => a.CidrBlockState?.State === undefined || a.CidrBlockState.State === 'associated')
      .flatMap((a) => (a.CidrBlock ? [a.CidrBlock] : []));
    const primary = v.item.CidrBlock;
    return primary ? [primary, ...associated.filter((c) => c !== primary)] : associated;
  },
  isDefault: (v) => v.item.IsDefault ?? false,
  state: (v) => required(v.item.State, 'VPC State'),
  dhcpOptionsId: (v) => v.item.DhcpOptionsId ?? null,
  instanceTenancy: (v) => v.item.InstanceTenancy ?? null,
  tags: (v) => tagsOf(v.item.Tags),
  tag: (v, { key }) => tagValue(v.item.Tags, key),
  name: (v) => tagValue(v.item.Tags, 'Name'),
  ...nestedListFields(VPC, (v: VpcModel) => v.target, vpcId),
};
