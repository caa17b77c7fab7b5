// VPCs: DescribeVpcs.
import { ec2Sdk } from '../../aws/sdk-clients.js';
import type { Vpc } from '@aws-sdk/client-ec2';
import type { VpcWhere } from '../generated/resolvers-types.js';
import { FilterBuilder } from '../where.js';
import { ec2List } from '../../aws/ec2-lists.js';
import type { Ec2Model, ResourceKind } from './kind.js';

export type VpcModel = Ec2Model<'Vpc', Vpc>;

export const VPC: ResourceKind<'Vpc', Vpc, VpcWhere> = {
  typename: 'Vpc',
  listField: 'vpcs',
  lookupField: 'vpc',
  idField: 'vpcId',
  aws: ec2List({
    operation: 'DescribeVpcs',
    idPrefix: 'vpc',
    send: (client, { ids, ...input }, abortSignal) =>
      client.send(new (ec2Sdk().DescribeVpcsCommand)({ ...input, ...(ids ? { VpcIds: ids } : {}) }), {
        abortSignal,
      }),
    items: (out) => out.Vpcs ?? [],
    idOf: (vpc) => vpc.VpcId,
  }),
  filters: (where) => {
    if (!where) return [];
    const builder = new FilterBuilder()
      .add('vpc-id', where.vpcIds)
      .add('cidr-block-association.cidr-block', where.cidrBlocks)
      .tags(where.tags);
    if (where.isDefault != null) builder.add('is-default', [String(where.isDefault)]);
    return builder.build();
  },
  idFilter: 'vpc-id',
  whereArguments: {
    'vpc-id': 'vpcIds',
    'cidr-block-association.cidr-block': 'cidrBlocks',
    'is-default': 'isDefault',
  },
  singleValued: ['vpc-id', 'is-default'],
  childAttribute: 'vpc-id',
};
