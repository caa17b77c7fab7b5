// The Organizations calls of the data layer, one SDK request each, always with the largest page
// (MaxResults 20). Organizations may answer a short or even empty page while NextToken is still set,
// so the caller must follow NextToken until it is absent (see readAllPages in paging.ts). Answers keep the
// SDK's `$metadata`, which the call runner reads.
import {
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  DescribeOrganizationalUnitCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
} from './sdk-clients.js';
import type {
  Account,
  Organization,
  OrganizationalUnit,
  OrganizationsClient,
  Parent,
  Root,
} from '@aws-sdk/client-organizations';

/** The largest page every Organizations list accepts. */
export const ORGANIZATIONS_MAX_RESULTS = 20;

/** One page of an Organizations list as the SDK answered it. */
export interface OrganizationsPage<T> {
  items: T[];
  nextToken?: string;
  $metadata: { attempts?: number };
}

export type OrganizationsPageFetch<T> = (
  client: OrganizationsClient,
  nextToken: string | undefined,
  abortSignal: AbortSignal,
) => Promise<OrganizationsPage<T>>;

function answer<T>(
  items: T[] | undefined,
  nextToken: string | undefined,
  out: { $metadata: { attempts?: number } },
): OrganizationsPage<T> {
  return { items: items ?? [], ...(nextToken ? { nextToken } : {}), $metadata: out.$metadata };
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
): Promise<{ value: Organization; $metadata: { attempts?: number } }> {
  const out = await client.send(new DescribeOrganizationCommand({}), { abortSignal });
  if (!out.Organization)
    throw new Error('Organizations DescribeOrganization answered without an Organization');
  return { value: out.Organization, $metadata: out.$metadata };
}

export async function describeOrganizationalUnit(
  client: OrganizationsClient,
  unitId: string,
  abortSignal: AbortSignal,
): Promise<{ value: OrganizationalUnit; $metadata: { attempts?: number } }> {
  const out = await client.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: unitId }), {
    abortSignal,
  });
  if (!out.OrganizationalUnit)
    throw new Error(`Organizations DescribeOrganizationalUnit answered without the unit ${unitId}`);
  return { value: out.OrganizationalUnit, $metadata: out.$metadata };
}

export async function describeAccount(
  client: OrganizationsClient,
  accountId: string,
  abortSignal: AbortSignal,
): Promise<{ value: Account; $metadata: { attempts?: number } }> {
  const out = await client.send(new DescribeAccountCommand({ AccountId: accountId }), { abortSignal });
  if (!out.Account)
    throw new Error(`Organizations DescribeAccount answered without the account ${accountId}`);
  return { value: out.Account, $metadata: out.$metadata };
}
