// Subnets: DescribeSubnets.
import { ec2Sdk } from '../../aws/sdk-clients.js';
import type { Subnet } from '@aws-sdk/client-ec2';
import type { SubnetWhere } from '../generated/resolvers-types.js';
import { FilterBuilder } from '../where.js';
import { ec2List } from '../../aws/ec2-lists.js';
import type { Ec2Model, ResourceKind } from './kind.js';

export type SubnetModel = Ec2Model<'Subnet', Subnet>;

export const SUBNET: ResourceKind<'Subnet', Subnet, SubnetWhere> = {
  typename: 'Subnet',
  listField: 'subnets',
  lookupField: 'subnet',
  idField: 'subnetId',
  aws: ec2List({
    operation: 'DescribeSubnets',
    idPrefix: 'subnet',
    send: (client, { ids, ...input }, abortSignal) =>
      client.send(new (ec2Sdk().DescribeSubnetsCommand)({ ...input, ...(ids ? { SubnetIds: ids } : {}) }), {
        abortSignal,
      }),
    items: (out) => out.Subnets ?? [],
    idOf: (subnet) => subnet.SubnetId,
  }),
  filters: (where) =>
    where
      ? new FilterBuilder()
          .add('subnet-id', where.subnetIds)
          .add('vpc-id', where.vpcIds)
          .add('availability-zone', where.availabilityZones)
          .tags(where.tags)
          .build()
      : [],
  idFilter: 'subnet-id',
  whereArguments: { 'subnet-id': 'subnetIds', 'vpc-id': 'vpcIds', 'availability-zone': 'availabilityZones' },
  singleValued: ['subnet-id', 'vpc-id', 'availability-zone'],
  childAttribute: 'subnet-id',
  parentOf: { 'vpc-id': (subnet) => subnet.VpcId },
};
