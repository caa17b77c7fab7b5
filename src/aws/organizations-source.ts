// The Organizations calls of the data layer, one SDK request each, always with the largest page
// (MaxResults 20). Organizations may answer a short or even empty page while NextToken is still set,
// so the caller must follow NextToken until it is absent (see followNextToken in paging.ts).
import {
  DescribeOrganizationCommand,
  DescribeOrganizationalUnitCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
} from '@aws-sdk/client-organizations';
import type {
  Account,
  Organization,
  OrganizationalUnit,
  OrganizationsClient,
  Parent,
  Root,
} from '@aws-sdk/client-organizations';
import type { SourceAnswer, SourcePage } from './ec2-source.js';

/** The largest page every Organizations list accepts. */
export const ORGANIZATIONS_MAX_RESULTS = 20;

export type OrganizationsPageFetch<T> = (
  client: OrganizationsClient,
  nextToken: string | undefined,
  abortSignal: AbortSignal,
) => Promise<SourceAnswer<SourcePage<T>>>;

function answer<T>(
  items: T[] | undefined,
  nextToken: string | undefined,
  out: { $metadata?: { attempts?: number } },
): SourceAnswer<SourcePage<T>> {
  return {
    value: nextToken ? { items: items ?? [], nextToken } : { items: items ?? [] },
    sdkAttempts: out.$metadata?.attempts ?? 1,
  };
}

const paging = (nextToken: string | undefined) => ({
  MaxResults: ORGANIZATIONS_MAX_RESULTS,
  ...(nextToken ? { NextToken: nextToken } : {}),
});

export const listAccountsPage: OrganizationsPageFetch<Account> = async (client, nextToken, abortSignal) => {
  const out = await client.send(new ListAccountsCommand(paging(nextToken)), { abortSignal });
  return answer(out.Accounts, out.NextToken, out);
};

export const listRootsPage: OrganizationsPageFetch<Root> = async (client, nextToken, abortSignal) => {
  const out = await client.send(new ListRootsCommand(paging(nextToken)), { abortSignal });
  return answer(out.Roots, out.NextToken, out);
};

export function listAccountsForParentPage(parentId: string): OrganizationsPageFetch<Account> {
  return async (client, nextToken, abortSignal) => {
    const out = await client.send(
      new ListAccountsForParentCommand({ ParentId: parentId, ...paging(nextToken) }),
      { abortSignal },
    );
    return answer(out.Accounts, out.NextToken, out);
  };
}

export function listOrganizationalUnitsForParentPage(
  parentId: string,
): OrganizationsPageFetch<OrganizationalUnit> {
  return async (client, nextToken, abortSignal) => {
    const out = await client.send(
      new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, ...paging(nextToken) }),
      { abortSignal },
    );
    return answer(out.OrganizationalUnits, out.NextToken, out);
  };
}

export function listParentsPage(childId: string): OrganizationsPageFetch<Parent> {
  return async (client, nextToken, abortSignal) => {
    const out = await client.send(new ListParentsCommand({ ChildId: childId, ...paging(nextToken) }), {
      abortSignal,
    });
    return answer(out.Parents, out.NextToken, out);
  };
}

export async function describeOrganization(
  client: OrganizationsClient,
  abortSignal: AbortSignal,
): Promise<SourceAnswer<Organization>> {
  const out = await client.send(new DescribeOrganizationCommand({}), { abortSignal });
  if (!out.Organization)
    throw new Error('Organizations DescribeOrganization answered without an Organization');
  return { value: out.Organization, sdkAttempts: out.$metadata.attempts ?? 1 };
}

export async function describeOrganizationalUnit(
  client: OrganizationsClient,
  unitId: string,
  abortSignal: AbortSignal,
): Promise<SourceAnswer<OrganizationalUnit>> {
  const out = await client.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: unitId }), {
    abortSignal,
  });
  if (!out.OrganizationalUnit)
    throw new Error(`Organizations DescribeOrganizationalUnit answered without the unit ${unitId}`);
  return { value: out.OrganizationalUnit, sdkAttempts: out.$metadata.attempts ?? 1 };
}
