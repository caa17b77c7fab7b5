// An instance as DescribeInstances reported it (with its reservation); its VPC and subnet are batched
// by-id lookups, one DescribeVpcs and one DescribeSubnets per (account, Region) however many instances.
import { ec2Arn } from '../arn.js';
import type { InstanceLifecycle, InstanceResolvers, InstanceState } from '../generated/resolvers-types.js';
import { INSTANCE, SECURITY_GROUP, SUBNET, VPC } from '../kinds/index.js';
import { modelOf } from '../kinds/kind.js';
import { selectsOnly } from '../selection.js';
import type { InstanceModel } from '../mappers.js';
import { ec2NodeFields } from './ec2-node.js';
import { required, tagsOf, tagValue } from './fields.js';

const STATES: Record<string, InstanceState> = {
  pending: 'PENDING',
  running: 'RUNNING',
  'shutting-down': 'SHUTTING_DOWN',
  terminated: 'TERMINATED',
  stopping: 'STOPPING',
  stopped: 'STOPPED',
};

const LIFECYCLES: Record<string, InstanceLifecycle> = {
  spot: 'SPOT',
  scheduled: 'SCHEDULED',
  'capacity-block': 'CAPACITY_BLOCK',
};

const instanceId = (i: InstanceModel) => required(i.item.instance.InstanceId, 'InstanceId');
const ownerId = (i: InstanceModel) => i.item.ownerId || i.target.accountId;
/** The fields of a security group that DescribeInstances reports with the instance. */
const FROM_INSTANCE: ReadonlySet<string> = new Set([
  '__typename',
  'id',
  'groupId',
  'groupName',
  'account',
  'region',
]);

const orNull = <T>(value: T | undefined): T | null => (value === undefined || value === '' ? null : value);

export const Instance: InstanceResolvers = {
  ...ec2NodeFields<InstanceModel>(INSTANCE),
  arn: (i) => ec2Arn(i.target.region, ownerId(i), 'instance', instanceId(i)),
  instanceType: (i) => required(i.item.instance.InstanceType, 'InstanceType'),
  state: (i) => {
    const name = required(i.item.instance.State?.Name, 'instance State');
    const state = STATES[name];
    if (!state) throw new Error(`unknown instance state ${JSON.stringify(name)}`);
    return state;
  },
  stateCode: (i) => i.item.instance.State?.Code ?? null,
  stateTransitionReason: (i) => orNull(i.item.instance.StateTransitionReason),
  launchTime: (i) => i.item.instance.LaunchTime ?? null,
  privateIpAddress: (i) => orNull(i.item.instance.PrivateIpAddress),
  publicIpAddress: (i) => orNull(i.item.instance.PublicIpAddress),
  privateDnsName: (i) => orNull(i.item.instance.PrivateDnsName),
  publicDnsName: (i) => orNull(i.item.instance.PublicDnsName),
  imageId: (i) => orNull(i.item.instance.ImageId),
  keyName: (i) => orNull(i.item.instance.KeyName),
  platform: (i) => orNull(i.item.instance.Platform),
  platformDetails: (i) => orNull(i.item.instance.PlatformDetails),
  architecture: (i) => orNull(i.item.instance.Architecture),
  lifecycle: (i) => {
    const lifecycle = i.item.instance.InstanceLifecycle;
    return lifecycle === undefined ? 'ON_DEMAND' : (LIFECYCLES[lifecycle] ?? 'ON_DEMAND');
  },
  spotInstanceRequestId: (i) => orNull(i.item.instance.SpotInstanceRequestId),
  tenancy: (i) => orNull(i.item.instance.Placement?.Tenancy),
  rootDeviceType: (i) => orNull(i.item.instance.RootDeviceType),
  rootDeviceName: (i) => orNull(i.item.instance.RootDeviceName),
  ebsOptimized: (i) => i.item.instance.EbsOptimized ?? null,
  hypervisor: (i) => orNull(i.item.instance.Hypervisor),
  virtualizationType: (i) => orNull(i.item.instance.VirtualizationType),
  amiLaunchIndex: (i) => i.item.instance.AmiLaunchIndex ?? null,
  iamInstanceProfile: (i) => {
    const profile = i.item.instance.IamInstanceProfile;
    return profile?.Arn ? { arn: profile.Arn, id: profile.Id ?? null } : null;
  },
  securityGroups: async (i, _, ctx, info) => {
    const refs = (i.item.instance.SecurityGroups ?? []).flatMap((g) => (g.GroupId ? [g] : []));
    // DescribeInstances names each group: a selection of only those fields costs no call.
    if (selectsOnly(info, FROM_INSTANCE))
      return refs.map((g) =>
        modelOf(SECURITY_GROUP, i.target, { GroupId: g.GroupId, GroupName: g.GroupName }, i.fetchedAt),
      );
    const groups = await Promise.all(
      refs.map((g) => ctx.ec2.lookup(SECURITY_GROUP, i.target, g.GroupId as string)),
    );
    // A group in use cannot be deleted; one that vanished meanwhile is left out.
    return groups.flatMap((g) => (g ? [g] : []));
  },
  tags: (i) => tagsOf(i.item.instance.Tags),
  tag: (i, { key }) => tagValue(i.item.instance.Tags, key),
  name: (i) => tagValue(i.item.instance.Tags, 'Name'),
  availabilityZone: (i) => orNull(i.item.instance.Placement?.AvailabilityZone),
  reservationId: (i) => orNull(i.item.reservationId),
  ownerId: (i) => ownerId(i),
  vpcId: (i) => orNull(i.item.instance.VpcId),
  vpc: (i, _, ctx) => (i.item.instance.VpcId ? ctx.ec2.lookup(VPC, i.target, i.item.instance.VpcId) : null),
  subnetId: (i) => orNull(i.item.instance.SubnetId),
  subnet: (i, _, ctx) =>
    i.item.instance.SubnetId ? ctx.ec2.lookup(SUBNET, i.target, i.item.instance.SubnetId) : null,
};
