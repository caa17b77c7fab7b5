// AWS Organizations on AWS JSON 1.1 (X-Amz-Target: AWSOrganizationsV20161128.<Operation>): the read
// operations a multi-account inventory needs. As in AWS, only the management account or a delegated
// administrator may call them (AccessDeniedException otherwise), except DescribeOrganization, which any
// member account may call; an account outside the organization gets AWSOrganizationsNotInUseException.
// Every list pages with MaxResults 1..20 and signed NextTokens (see organizations/paging.ts).
import type {
  ParsedOperation,
  RawRequest,
  ServiceModule,
  ServiceRequest,
  SimContext,
  SimResponse,
} from '../types.js';
import { SimError } from '../types.js';
import type { SimWorld } from '../model.js';
import { jsonResponse, parseJsonTarget } from '../protocols/json.js';
import { organizationsErrorResponse, organizationsErrors as errors } from './organizations/errors.js';
import { hierarchyOf } from './organizations/hierarchy.js';
import { pageOf, readMaxResults } from './organizations/paging.js';
import { ACCOUNT_ID, OU_ID, ROOT_ID } from '../../aws/ids.js';
import {
  accountShape,
  organizationalUnitShape,
  organizationShape,
  rootShape,
} from './organizations/shapes.js';

export const ORGANIZATIONS_TARGET_PREFIX = 'AWSOrganizationsV20161128';

/** Who may call an operation: any member of the organization, or only its administrators. */
type Audience = 'member' | 'administrator';

interface Operation {
  audience: Audience;
  run(req: ServiceRequest, ctx: SimContext): unknown;
}

const OPERATIONS: Record<string, Operation> = {
  DescribeOrganization: {
    audience: 'member',
    run: (_req, ctx) => ({ Organization: organizationShape(ctx.world) }),
  },
  DescribeAccount: { audience: 'administrator', run: describeAccount },
  DescribeOrganizationalUnit: { audience: 'administrator', run: describeOrganizationalUnit },
  ListRoots: { audience: 'administrator', run: listRoots },
  ListAccounts: { audience: 'administrator', run: listAccounts },
  ListAccountsForParent: { audience: 'administrator', run: listAccountsForParent },
  ListOrganizationalUnitsForParent: { audience: 'administrator', run: listOrganizationalUnitsForParent },
  ListChildren: { audience: 'administrator', run: listChildren },
  ListParents: { audience: 'administrator', run: listParents },
};

export const organizationsService: ServiceModule = {
  service: 'organizations',
  iamPrefix: 'organizations',

  parse(raw: RawRequest): ParsedOperation {
    const parsed = parseJsonTarget(raw, ORGANIZATIONS_TARGET_PREFIX);
    if (!Object.hasOwn(OPERATIONS, parsed.operation)) {
      throw new SimError(
        'UnknownOperationException',
        `The simulated AWS does not implement Organizations operation ${parsed.operation}.`,
        400,
      );
    }
    return parsed;
  },

  handle(req: ServiceRequest, ctx: SimContext): SimResponse {
    const operation = Object.hasOwn(OPERATIONS, req.operation) ? OPERATIONS[req.operation] : undefined;
    if (!operation)
      throw new SimError('UnknownOperationException', `Unknown operation ${req.operation}`, 400);
    checkAudience(ctx.world, req.caller.accountId, operation.audience);
    return jsonResponse(200, operation.run(req, ctx), req.requestId);
  },

  errorResponse: organizationsErrorResponse,
};

/** The organization-level gate that comes on top of the caller's IAM permissions. */
function checkAudience(world: SimWorld, accountId: string, audience: Audience): void {
  if (accountId === world.organization.managementAccountId || world.delegatedAdministrators.has(accountId))
    return;
  if (!world.accountById.has(accountId)) throw errors.notInUse();
  if (audience === 'administrator') throw errors.accessDenied();
}

// ---- parameters ----

function optionalString(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw errors.serialization(name, 'string');
  return value;
}

function requiredString(params: Record<string, unknown>, name: string): string {
  const value = optionalString(params, name);
  if (value === undefined || value === '') throw errors.inputRequired();
  return value;
}

function requirePattern(value: string, ...patterns: RegExp[]): void {
  if (!patterns.some((p) => p.test(value))) throw errors.invalidPattern();
}

/** A root or OU id that exists; malformed → InvalidInputException, unknown → ParentNotFoundException. */
function existingParent(req: ServiceRequest, ctx: SimContext): string {
  const parentId = requiredString(req.params, 'ParentId');
  requirePattern(parentId, ROOT_ID, OU_ID);
  if (!hierarchyOf(ctx.world).isContainer(parentId)) throw errors.parentNotFound();
  return parentId;
}

function page<T>(items: readonly T[], scope: string, req: ServiceRequest, ctx: SimContext) {
  const maxResults = readMaxResults(req.params);
  const nextToken = optionalString(req.params, 'NextToken');
  return pageOf(items, { organizationId: ctx.world.organization.id, scope, maxResults, nextToken }, ctx);
}

// ---- operations ----

function describeAccount(req: ServiceRequest, ctx: SimContext) {
  const accountId = requiredString(req.params, 'AccountId');
  requirePattern(accountId, ACCOUNT_ID);
  const account = ctx.world.accountById.get(accountId);
  if (!account) throw errors.accountNotFound();
  return { Account: accountShape(account, hierarchyOf(ctx.world)) };
}

function describeOrganizationalUnit(req: ServiceRequest, ctx: SimContext) {
  const ouId = requiredString(req.params, 'OrganizationalUnitId');
  requirePattern(ouId, OU_ID);
  const hierarchy = hierarchyOf(ctx.world);
  const ou = hierarchy.ouById.get(ouId);
  if (!ou) throw errors.organizationalUnitNotFound();
  return { OrganizationalUnit: organizationalUnitShape(ou, hierarchy) };
}

function listRoots(req: ServiceRequest, ctx: SimContext) {
  const result = page([rootShape(ctx.world)], 'ListRoots', req, ctx);
  return withToken({ Roots: result.items }, result.nextToken);
}

function listAccounts(req: ServiceRequest, ctx: SimContext) {
  const hierarchy = hierarchyOf(ctx.world);
  const result = page(ctx.world.accounts, 'ListAccounts', req, ctx);
  return withToken({ Accounts: result.items.map((a) => accountShape(a, hierarchy)) }, result.nextToken);
}

function listAccountsForParent(req: ServiceRequest, ctx: SimContext) {
  const parentId = existingParent(req, ctx);
  const hierarchy = hierarchyOf(ctx.world);
  const result = page(
    hierarchy.accountsByParent.get(parentId) ?? [],
    `ListAccountsForParent|${parentId}`,
    req,
    ctx,
  );
  return withToken({ Accounts: result.items.map((a) => accountShape(a, hierarchy)) }, result.nextToken);
}

function listOrganizationalUnitsForParent(req: ServiceRequest, ctx: SimContext) {
  const parentId = existingParent(req, ctx);
  const hierarchy = hierarchyOf(ctx.world);
  const result = page(
    hierarchy.ousByParent.get(parentId) ?? [],
    `ListOrganizationalUnitsForParent|${parentId}`,
    req,
    ctx,
  );
  return withToken(
    { OrganizationalUnits: result.items.map((ou) => organizationalUnitShape(ou, hierarchy)) },
    result.nextToken,
  );
}

function listChildren(req: ServiceRequest, ctx: SimContext) {
  const parentId = existingParent(req, ctx);
  const childType = requiredString(req.params, 'ChildType');
  if (childType !== 'ACCOUNT' && childType !== 'ORGANIZATIONAL_UNIT') throw errors.invalidEnum();
  const hierarchy = hierarchyOf(ctx.world);
  const ids =
    childType === 'ACCOUNT'
      ? (hierarchy.accountsByParent.get(parentId) ?? []).map((a) => a.id)
      : (hierarchy.ousByParent.get(parentId) ?? []).map((ou) => ou.id);
  const result = page(ids, `ListChildren|${parentId}|${childType}`, req, ctx);
  return withToken({ Children: result.items.map((id) => ({ Id: id, Type: childType })) }, result.nextToken);
}

function listParents(req: ServiceRequest, ctx: SimContext) {
  const childId = requiredString(req.params, 'ChildId');
  requirePattern(childId, ACCOUNT_ID, OU_ID);
  const hierarchy = hierarchyOf(ctx.world);
  const parentId = ACCOUNT_ID.test(childId)
    ? ctx.world.accountById.get(childId)?.parentId
    : hierarchy.ouById.get(childId)?.parentId;
  if (parentId === undefined) throw errors.childNotFound();
  const parent = {
    Id: parentId,
    Type: parentId === ctx.world.organization.root.id ? 'ROOT' : 'ORGANIZATIONAL_UNIT',
  };
  const result = page([parent], `ListParents|${childId}`, req, ctx);
  return withToken({ Parents: result.items }, result.nextToken);
}

function withToken<T extends object>(body: T, nextToken: string | undefined): T & { NextToken?: string } {
  return nextToken === undefined ? body : { ...body, NextToken: nextToken };
}
