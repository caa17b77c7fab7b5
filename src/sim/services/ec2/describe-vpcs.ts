// DescribeVpcs: VpcId.N, filters, MaxResults/NextToken.
import type { SimVpc } from '../../model.js';
import type { Ec2Call } from './call.js';
import type { FilterSpec } from './filters.js';
import { bool } from './filters.js';
import { VPC_IDS } from './ids.js';
import { listDescribeXml } from './list-describe.js';
import { DESCRIBE_VPCS_PAGING } from './paging.js';
import { vpcXml } from './serialize.js';

const cidr = (v: SimVpc) => [v.cidrBlock];

export const VPC_FILTERS: FilterSpec<SimVpc> = {
  fields: {
    'vpc-id': (v) => [v.vpcId],
    cidr,
    // Not in the API reference's list, but accepted by EC2 like the subnet filter of the same name.
    'cidr-block': cidr,
    'cidr-block-association.cidr-block': cidr,
    'cidr-block-association.association-id': (v) => [`vpc-cidr-assoc-${v.vpcId.slice(4)}`],
    'cidr-block-association.state': () => ['associated'],
    'is-default': (v) => [bool(v.isDefault)],
    state: (v) => [v.state],
    'owner-id': (v) => [v.ownerId],
    'dhcp-options-id': (v) => [v.dhcpOptionsId],
  },
  tagsOf: (v) => v.tags,
};

export function describeVpcs(call: Ec2Call): string {
  const data = call.ctx.world.regionData(call.accountId, call.region);
  return listDescribeXml(
    {
      operation: 'DescribeVpcs',
      idParam: 'VpcId',
      idScope: VPC_IDS,
      idOf: (v) => v.vpcId,
      filters: VPC_FILTERS,
      paging: DESCRIBE_VPCS_PAGING,
    },
    call,
    data.vpcs,
    'vpcSet',
    vpcXml,
  );
}
