// DescribeAvailabilityZones: the zones of the request's Region, by ZoneName.N / ZoneId.N and filters.
// Unknown names or ids → InvalidParameterValue "Invalid availability zone: [us-east-1z]" (the wording
// of real EC2 answers quoted in many bug reports) / "Invalid availability zone-id: [x]".
import type { SimAvailabilityZone } from '../../model.js';
import { filterParams, listParam } from '../../protocols/query.js';
import type { Ec2Call } from './call.js';
import { ec2Errors } from './errors.js';
import type { FilterSpec } from './filters.js';
import { applyFilters, compileFilters } from './filters.js';
import { availabilityZoneXml } from './serialize.js';

export function zoneFilters(region: string): FilterSpec<SimAvailabilityZone> {
  return {
    fields: {
      'zone-name': (z) => [z.zoneName],
      'zone-id': (z) => [z.zoneId],
      state: (z) => [z.state],
      'region-name': () => [region],
      'group-name': () => [region],
      'opt-in-status': () => ['opt-in-not-required'],
      'zone-type': () => ['availability-zone'],
    },
  };
}

export function describeAvailabilityZones(call: Ec2Call): string {
  const zones = call.ctx.world.availabilityZones(call.region);
  const compiled = compileFilters(filterParams(call.params), zoneFilters(call.region));
  const names = listParam(call.params, 'ZoneName');
  const ids = listParam(call.params, 'ZoneId');
  for (const n of names)
    if (!zones.some((z) => z.zoneName === n))
      throw ec2Errors.invalidParameterValue(`Invalid availability zone: [${n}]`);
  for (const id of ids)
    if (!zones.some((z) => z.zoneId === id))
      throw ec2Errors.invalidParameterValue(`Invalid availability zone-id: [${id}]`);
  const selected =
    names.length > 0 || ids.length > 0
      ? zones.filter((z) => names.includes(z.zoneName) || ids.includes(z.zoneId))
      : zones;
  let xml = '<availabilityZoneInfo>';
  for (const z of applyFilters(selected, compiled)) xml += availabilityZoneXml(z, call.region);
  return xml + '</availabilityZoneInfo>';
}
