// One account's view of one Region: (account, Region) is all the parent carries; every list and
// lookup below it is one target of the data layer.
import type { GraphContext } from '../context.js';
import { checkEnv, requireValidArguments } from '../argument-checks.js';
import type { OptInStatus, RegionResolvers } from '../generated/resolvers-types.js';
import { encodeGlobalId } from '../global-id.js';
import { KINDS } from '../kinds/index.js';
import type { RegionModel } from '../mappers.js';
import { accountModel } from '../mappers.js';
import { targetListFields } from './lists.js';

const OPT_IN: Record<string, OptInStatus> = {
  'opt-in-not-required': 'OPT_IN_NOT_REQUIRED',
  'opted-in': 'OPTED_IN',
  'not-opted-in': 'NOT_OPTED_IN',
};

const parentKey = (r: RegionModel) => `Region:${r.accountId}:${r.region}`;
const targetOf = (r: RegionModel) => ({ accountId: r.accountId, region: r.region });

/** What DescribeRegions says about this Region (undefined when it is not enabled). */
async function described(r: RegionModel, ctx: GraphContext) {
  if (r.optInStatus !== undefined) return r;
  return (await ctx.ec2.describedRegions(r.accountId)).find((d) => d.region === r.region);
}

/** Each kind's lookup by id (`instance(id:)`), its id checked by the argument rules first. */
const lookupFields = Object.fromEntries(
  KINDS.map((kind) => [
    kind.lookupField,
    (r: RegionModel, { id }: { id: string }, ctx: GraphContext) => {
      requireValidArguments('Region', kind.lookupField, { id }, checkEnv(ctx));
      return ctx.ec2.lookup(kind, targetOf(r), id);
    },
  ]),
);

export const Region: RegionResolvers = {
  id: (r) => encodeGlobalId('Region', r.accountId, r.region),
  name: (r) => r.region,
  optInStatus: async (r, _, ctx) => {
    const status = (await described(r, ctx))?.optInStatus;
    return status === undefined ? null : (OPT_IN[status] ?? null);
  },
  endpoint: async (r, _, ctx) => (await described(r, ctx))?.endpoint ?? null,
  account: (r) => accountModel(r.accountId),
  availabilityZones: async (r, _, ctx) =>
    (await ctx.ec2.zones(targetOf(r))).value.flatMap((z) =>
      z.ZoneName && z.ZoneId ? [{ name: z.ZoneName, zoneId: z.ZoneId, state: z.State ?? 'available' }] : [],
    ),
  ...targetListFields(targetOf, parentKey),
  ...lookupFields,
};
