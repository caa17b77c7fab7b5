// DescribeSubnets: SubnetId.N, filters (with EC2's camelCase aliases), MaxResults/NextToken.
import type { SimSubnet } from '../../model.js';
import type { Ec2Call } from './call.js';
import type { FilterSpec } from './filters.js';
import { bool } from './filters.js';
import { SUBNET_IDS } from './ids.js';
import { listDescribeXml } from './list-describe.js';
import { DESCRIBE_SUBNETS_PAGING } from './paging.js';
import { subnetXml } from './serialize.js';

const cidr = (s: SimSubnet) => [s.cidrBlock];
const defaultForAz = (s: SimSubnet) => [bool(s.defaultForAz)];
const zone = (s: SimSubnet) => [s.availabilityZone];

export const SUBNET_FILTERS: FilterSpec<SimSubnet> = {
  fields: {
    'subnet-id': (s) => [s.subnetId],
    'vpc-id': (s) => [s.vpcId],
    'availability-zone': zone,
    availabilityZone: zone,
    'availability-zone-id': (s) => [s.availabilityZoneId],
    availabilityZoneId: (s) => [s.availabilityZoneId],
    'available-ip-address-count': (s) => [String(s.availableIpAddressCount)],
    'cidr-block': cidr,
    cidr,
    cidrBlock: cidr,
    'default-for-az': defaultForAz,
    defaultForAz,
    state: (s) => [s.state],
    'owner-id': (s) => [s.ownerId],
    'subnet-arn': (s) => [s.subnetArn],
    'map-public-ip-on-launch': (s) => [bool(s.mapPublicIpOnLaunch)],
  },
  tagsOf: (s) => s.tags,
};

export function describeSubnets(call: Ec2Call): string {
  const data = call.ctx.world.regionData(call.accountId, call.region);
  return listDescribeXml(
    {
      operation: 'DescribeSubnets',
      idParam: 'SubnetId',
      idScope: SUBNET_IDS,
      idOf: (s) => s.subnetId,
      filters: SUBNET_FILTERS,
      paging: DESCRIBE_SUBNETS_PAGING,
    },
    call,
    data.subnets,
    'subnetSet',
    subnetXml,
  );
}
