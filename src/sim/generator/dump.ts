// The ground truth of a world, for tests and users to compare answers with. Both formats are written
// in chunks (at most one account-Region's EC2 data at a time), so a large organization never sits in
// memory as one string. Secrets (the central user's key, role sessions) are never part of a dump.
//
// json:   {"organization":…,"organizationalUnits":[…],"accounts":[…],
//          "regions":[{"accountId","region","vpcs","subnets","instances","securityGroups"},…]}
// ndjson: one record per line, each with a `kind`: organization | organizationalUnit | account |
//         vpc | subnet | instance | securityGroup (the last four with accountId and region).
// Dates are ISO-8601 strings; `regions` covers the in-scope Regions enabled for each account.
import type { SimAccount, SimWorld } from '../model.js';

export type DumpFormat = 'json' | 'ndjson';

export function dumpWorld(world: SimWorld, format: DumpFormat, write: (chunk: string) => void): void {
  if (format === 'json') dumpJson(world, write);
  else if (format === 'ndjson') dumpNdjson(world, write);
  else throw new Error(`dumpWorld: format must be 'json' or 'ndjson', got ${JSON.stringify(format)}`);
}

function dumpJson(world: SimWorld, write: (chunk: string) => void): void {
  write(`{"organization":${JSON.stringify(world.organization)},\n`);
  write(`"organizationalUnits":${JSON.stringify(world.organizationalUnits)},\n"accounts":[\n`);
  world.accounts.forEach((account, i) => {
    write(`${i === 0 ? '' : ',\n'}${JSON.stringify(accountRecord(world, account))}`);
  });
  write('\n],\n"regions":[\n');
  let first = true;
  for (const { accountId, region } of populatedRegions(world)) {
    const { vpcs, subnets, instances, securityGroups } = world.regionData(accountId, region);
    const record = { accountId, region, vpcs, subnets, instances, securityGroups };
    write(`${first ? '' : ',\n'}${JSON.stringify(record)}`);
    first = false;
  }
  write('\n]}\n');
}

function dumpNdjson(world: SimWorld, write: (chunk: string) => void): void {
  const line = (record: object): string => `${JSON.stringify(record)}\n`;
  write(line({ kind: 'organization', ...world.organization }));
  for (const ou of world.organizationalUnits) write(line({ kind: 'organizationalUnit', ...ou }));
  for (const account of world.accounts) write(line({ kind: 'account', ...accountRecord(world, account) }));
  for (const { accountId, region } of populatedRegions(world)) {
    const { vpcs, subnets, instances, securityGroups } = world.regionData(accountId, region);
    let chunk = '';
    for (const vpc of vpcs) chunk += line({ kind: 'vpc', accountId, region, ...vpc });
    for (const subnet of subnets) chunk += line({ kind: 'subnet', accountId, region, ...subnet });
    for (const instance of instances) chunk += line({ kind: 'instance', accountId, region, ...instance });
    for (const group of securityGroups) chunk += line({ kind: 'securityGroup', accountId, region, ...group });
    write(chunk);
  }
}

/** An account with its enabled Regions as a list in catalogue order (a Set has no JSON form). */
function accountRecord(
  world: SimWorld,
  account: SimAccount,
): Omit<SimAccount, 'enabledRegions'> & { enabledRegions: string[] } {
  return { ...account, enabledRegions: world.allRegions.filter((r) => account.enabledRegions.has(r)) };
}

/** Every (account, Region) with EC2 data: the in-scope Regions enabled for each account, in account order. */
function* populatedRegions(world: SimWorld): Generator<{ accountId: string; region: string }> {
  for (const account of world.accounts) {
    for (const region of world.regionsInScope) {
      if (account.enabledRegions.has(region)) yield { accountId: account.id, region };
    }
  }
}
