// EC2 instances: DescribeInstances, whose items sit in reservations.
import { ec2Sdk } from '../../aws/sdk-clients.js';
import type { Instance } from '@aws-sdk/client-ec2';
import type { InstanceState, InstanceWhere } from '../generated/resolvers-types.js';
import { FilterBuilder } from '../where.js';
import { ec2List } from '../../aws/ec2-lists.js';
import type { Ec2Model, ResourceKind } from './kind.js';

/** An instance with the reservation fields DescribeInstances reports beside it. */
export interface InstanceItem {
  instance: Instance;
  reservationId: string;
  ownerId: string;
}

export type InstanceModel = Ec2Model<'Instance', InstanceItem>;

const STATE_NAMES: Record<InstanceState, string> = {
  PENDING: 'pending',
  RUNNING: 'running',
  SHUTTING_DOWN: 'shutting-down',
  TERMINATED: 'terminated',
  STOPPING: 'stopping',
  STOPPED: 'stopped',
};

export const INSTANCE: ResourceKind<'Instance', InstanceItem, InstanceWhere> = {
  typename: 'Instance',
  listField: 'instances',
  lookupField: 'instance',
  idField: 'instanceId',
  aws: ec2List({
    operation: 'DescribeInstances',
    idPrefix: 'i',
    send: (client, { ids, ...input }, abortSignal) =>
      client.send(
        new (ec2Sdk().DescribeInstancesCommand)({ ...input, ...(ids ? { InstanceIds: ids } : {}) }),
        {
          abortSignal,
        },
      ),
    items: (out) =>
      (out.Reservations ?? []).flatMap((r) =>
        (r.Instances ?? []).map((instance) => ({
          instance,
          reservationId: r.ReservationId ?? '',
          ownerId: r.OwnerId ?? '',
        })),
      ),
    idOf: (item) => item.instance.InstanceId,
  }),
  filters: (where) =>
    where
      ? new FilterBuilder()
          .add('instance-id', where.instanceIds)
          .add(
            'instance-state-name',
            where.states?.map((s) => STATE_NAMES[s]),
          )
          .add('instance-type', where.types)
          .add('vpc-id', where.vpcIds)
          .add('subnet-id', where.subnetIds)
          .add('availability-zone', where.availabilityZones)
          .tags(where.tags)
          .build()
      : [],
  idFilter: 'instance-id',
  whereArguments: {
    'instance-id': 'instanceIds',
    'instance-state-name': 'states',
    'instance-type': 'types',
    'vpc-id': 'vpcIds',
    'subnet-id': 'subnetIds',
    'availability-zone': 'availabilityZones',
  },
  singleValued: [
    'instance-id',
    'instance-state-name',
    'instance-type',
    'vpc-id',
    'subnet-id',
    'availability-zone',
  ],
  parentOf: { 'vpc-id': (item) => item.instance.VpcId, 'subnet-id': (item) => item.instance.SubnetId },
};
