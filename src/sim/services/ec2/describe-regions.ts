// DescribeRegions: by default the Regions enabled for the calling account; AllRegions=true adds the
// disabled ones; RegionName.N names Regions whatever their status (the API reference: "You can specify
// any Regions, whether they are enabled and disabled for your account"). Not paginated.
import type { OptInStatus } from '../../model.js';
import { filterParams, listParam } from '../../protocols/query.js';
import type { Ec2Call } from './call.js';
import { isTrue } from './call.js';
import { ec2Errors } from './errors.js';
import type { FilterSpec } from './filters.js';
import { applyFilters, compileFilters } from './filters.js';
import { optInStatus } from './regions-enabled.js';
import { regionXml } from './serialize.js';

interface RegionRow {
  name: string;
  endpoint: string;
  optInStatus: OptInStatus;
}

export const REGION_FILTERS: FilterSpec<RegionRow> = {
  fields: {
    'region-name': (r) => [r.name],
    endpoint: (r) => [r.endpoint],
    'opt-in-status': (r) => [r.optInStatus],
  },
};

export function regionEndpoint(region: string): string {
  return `ec2.${region}.amazonaws.com`;
}

export function describeRegions(call: Ec2Call): string {
  const { world, knobs } = call.ctx;
  const compiled = compileFilters(filterParams(call.params), REGION_FILTERS);
  const named = listParam(call.params, 'RegionName');
  // The wording for an unknown Region name is not published; the sim follows EC2's usual
  // "Invalid <thing>: [<value>]" shape (as for availability zones).
  for (const name of named)
    if (!world.allRegions.includes(name)) throw ec2Errors.invalidParameterValue(`Invalid region: [${name}]`);
  const rows: RegionRow[] = world.allRegions.map((name) => ({
    name,
    endpoint: regionEndpoint(name),
    optInStatus: optInStatus(world, knobs, call.accountId, name),
  }));
  const all = isTrue(call.params['AllRegions']);
  const selected =
    named.length > 0
      ? rows.filter((r) => named.includes(r.name))
      : all
        ? rows
        : rows.filter((r) => r.optInStatus !== 'not-opted-in');
  let xml = '<regionInfo>';
  for (const r of applyFilters(selected, compiled)) xml += regionXml(r);
  return xml + '</regionInfo>';
}
