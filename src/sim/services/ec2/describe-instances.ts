// DescribeInstances: reservations → instances. Pages count instances, so a reservation whose instances
// straddle a page boundary appears on both pages, each time with its part of the instances.
import type { SimInstance } from '../../model.js';
import type { Ec2Call } from './call.js';
import type { FilterSpec } from './filters.js';
import { bool } from './filters.js';
import { INSTANCE_IDS } from './ids.js';
import type { ListDescribe } from './list-describe.js';
import { runListDescribe } from './list-describe.js';
import { DESCRIBE_INSTANCES_PAGING } from './paging.js';
import { reservationXml } from './serialize.js';

const one = (v: string | undefined) => [v];

export const INSTANCE_FILTERS: FilterSpec<SimInstance> = {
  fields: {
    'instance-id': (i) => one(i.instanceId),
    'instance-state-name': (i) => one(i.state.name),
    'instance-state-code': (i) => one(String(i.state.code)),
    'instance-type': (i) => one(i.instanceType),
    'vpc-id': (i) => one(i.vpcId),
    'subnet-id': (i) => one(i.subnetId),
    'availability-zone': (i) => one(i.placement.availabilityZone),
    'image-id': (i) => one(i.imageId),
    'key-name': (i) => one(i.keyName),
    architecture: (i) => one(i.architecture),
    platform: (i) => one(i.platform),
    'platform-details': (i) => one(i.platformDetails),
    'instance-lifecycle': (i) => one(i.instanceLifecycle),
    'spot-instance-request-id': (i) => one(i.spotInstanceRequestId),
    'private-ip-address': (i) => one(i.privateIpAddress),
    'ip-address': (i) => one(i.publicIpAddress),
    'private-dns-name': (i) => one(i.privateDnsName || undefined),
    'dns-name': (i) => one(i.publicDnsName || undefined),
    'reservation-id': (i) => one(i.reservationId),
    'owner-id': (i) => one(i.ownerId),
    'iam-instance-profile.arn': (i) => one(i.iamInstanceProfile?.arn),
    'iam-instance-profile.id': (i) => one(i.iamInstanceProfile?.id),
    'launch-time': (i) => one(i.launchTime.toISOString()),
    'ami-launch-index': (i) => one(String(i.amiLaunchIndex)),
    'root-device-type': (i) => one(i.rootDeviceType),
    'root-device-name': (i) => one(i.rootDeviceName),
    'ebs-optimized': (i) => one(bool(i.ebsOptimized)),
    hypervisor: (i) => one(i.hypervisor),
    'virtualization-type': (i) => one(i.virtualizationType),
    tenancy: (i) => one(i.placement.tenancy),
    'placement-tenancy': (i) => one(i.placement.tenancy),
    'instance.group-id': (i) => i.securityGroups.map((g) => g.groupId),
    'instance.group-name': (i) => i.securityGroups.map((g) => g.groupName),
  },
  tagsOf: (i) => i.tags,
};

const SPEC: ListDescribe<SimInstance> = {
  operation: 'DescribeInstances',
  idParam: 'InstanceId',
  idScope: INSTANCE_IDS,
  idOf: (i) => i.instanceId,
  filters: INSTANCE_FILTERS,
  paging: DESCRIBE_INSTANCES_PAGING,
};

/** Groups consecutive instances of one reservation (the model keeps a reservation's instances adjacent). */
export function groupReservations(
  instances: readonly SimInstance[],
): { reservationId: string; ownerId: string; instances: SimInstance[] }[] {
  const out: { reservationId: string; ownerId: string; instances: SimInstance[] }[] = [];
  for (const inst of instances) {
    const last = out[out.length - 1];
    if (last && last.reservationId === inst.reservationId) last.instances.push(inst);
    else out.push({ reservationId: inst.reservationId, ownerId: inst.ownerId, instances: [inst] });
  }
  return out;
}

export function describeInstances(call: Ec2Call): string {
  const data = call.ctx.world.regionData(call.accountId, call.region);
  const { page, nextToken } = runListDescribe(
    SPEC,
    { ...call, knobs: call.ctx.knobs, random: call.ctx.random },
    data.instances,
  );
  const zoneIds = new Map(call.ctx.world.availabilityZones(call.region).map((z) => [z.zoneName, z.zoneId]));
  const zoneIdOf = (name: string) => zoneIds.get(name);
  let xml = '<reservationSet>';
  for (const r of groupReservations(page))
    xml += reservationXml(r.reservationId, r.ownerId, r.instances, zoneIdOf);
  xml += '</reservationSet>';
  if (nextToken !== undefined) xml += `<nextToken>${nextToken}</nextToken>`;
  return xml;
}
