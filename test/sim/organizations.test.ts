// Organizations in the sim: unit tests drive the service module (parse → handle → errorResponse) over a
// small hand-built organization; integration tests drive the real OrganizationsClient and its
// paginators against a running sim and assert both the data and the request log.
import { afterAll, beforeAll, beforeEach, describe, it, expect } from 'vitest';
import {
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  DescribeOrganizationalUnitCommand,
  ListAccountsCommand,
  ListChildrenCommand,
  ListParentsCommand,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListRoots,
} from '@aws-sdk/client-organizations';
import type { Account, OrganizationsClient } from '@aws-sdk/client-organizations';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { assumeReadRole, awsError, organizationsClient } from '../helpers/sim-clients.js';
import { organizationsService } from '../../src/sim/services/organizations.js';
import type { SimAccount, SimOrganizationalUnit, SimWorld } from '../../src/sim/model.js';
import type { Caller, ServiceRequest, SimContext } from '../../src/sim/types.js';
import { SimError } from '../../src/sim/types.js';
import { CredentialStore } from '../../src/sim/credential-store.js';
import { defaultKnobs } from '../../src/sim/knobs.js';
import type { SimKnobs } from '../../src/sim/knobs.js';
import { seededRandom } from './seeded-random.js';

// ---- a small hand-built organization ----
//   root r-ab12
//   ├── Prod  ou-ab12-prod0001
//   │   └── Payments  ou-ab12-paym0001
//   ├── Dev   ou-ab12-devv0001
//   └── Empty ou-ab12-empt0001

const MANAGEMENT = '100000000000';
const DELEGATED_ADMIN = '100000000001';
const MEMBER = '100000000002';
const OUTSIDER = '999999999999';
const ORG_ID = 'o-abcdef1234';
const ROOT_ID = 'r-ab12';
const OU = {
  prod: 'ou-ab12-prod0001',
  payments: 'ou-ab12-paym0001',
  dev: 'ou-ab12-devv0001',
  empty: 'ou-ab12-empt0001',
};

function makeWorld(accountCount = 45, orgId = ORG_ID): SimWorld {
  const ous: SimOrganizationalUnit[] = [
    { id: OU.prod, name: 'Prod', parentId: ROOT_ID },
    { id: OU.payments, name: 'Payments', parentId: OU.prod },
    { id: OU.dev, name: 'Dev', parentId: ROOT_ID },
    { id: OU.empty, name: 'Empty', parentId: ROOT_ID },
  ].map((ou) => ({ ...ou, arn: `arn:aws:organizations::${MANAGEMENT}:ou/${orgId}/${ou.id}` }));
  const parents = [ROOT_ID, OU.prod, OU.payments, OU.dev];
  const accounts: SimAccount[] = [];
  for (let i = 0; i < accountCount; i++) {
    const id = String(100000000000 + i);
    accounts.push({
      id,
      arn: `arn:aws:organizations::${MANAGEMENT}:account/${orgId}/${id}`,
      name: `account-${i}`,
      email: `aws+${i}@example.com`,
      status: i % 11 === 5 ? 'SUSPENDED' : 'ACTIVE',
      state: i % 11 === 5 ? 'SUSPENDED' : 'ACTIVE',
      joinedMethod: i === 0 ? 'CREATED' : i % 2 ? 'INVITED' : 'CREATED',
      joinedTimestamp: new Date(Date.UTC(2020, 0, 1) + i * 86_400_000 + 123),
      parentId: i < 3 ? ROOT_ID : (parents[i % parents.length] as string),
      enabledRegions: new Set(['us-east-1']),
    });
  }
  const centralUser = {
    accountId: MANAGEMENT,
    name: 'orgraph-central',
    arn: `arn:aws:iam::${MANAGEMENT}:user/orgraph-central`,
    userId: 'AIDAEXAMPLEEXAMPLE01',
    accessKeyId: 'AKIAEXAMPLEEXAMPLE01',
    secretAccessKey: 'not-a-real-secret',
    permissions: ['organizations:*'],
  };
  return {
    seed: 1,
    organization: {
      id: orgId,
      arn: `arn:aws:organizations::${MANAGEMENT}:organization/${orgId}`,
      featureSet: 'ALL',
      managementAccountId: MANAGEMENT,
      managementAccountArn: `arn:aws:organizations::${MANAGEMENT}:account/${orgId}/${MANAGEMENT}`,
      managementAccountEmail: 'aws+0@example.com',
      root: {
        id: ROOT_ID,
        arn: `arn:aws:organizations::${MANAGEMENT}:root/${orgId}/${ROOT_ID}`,
        name: 'Root',
      },
    },
    accounts,
    accountById: new Map(accounts.map((a) => [a.id, a])),
    organizationalUnits: ous,
    allRegions: ['us-east-1'],
    optInRegions: new Set(),
    regionsInScope: ['us-east-1'],
    centralAccountId: MANAGEMENT,
    centralUser,
    roles: new Map(),
    readRoleName: 'CMDBReadRole',
    externalId: 'orgraph-external-id',
    regionData: () => ({ vpcs: [], subnets: [], instances: [], securityGroups: [] }),
    availabilityZones: () => [],
    delegatedAdministrators: new Set([DELEGATED_ADMIN]),
  };
}

function makeContext(world: SimWorld, knobs: Partial<SimKnobs> = {}, seed = 7): SimContext {
  return {
    world,
    credentials: new CredentialStore(),
    knobs: { ...defaultKnobs(), ...knobs },
    clock: () => Date.UTC(2026, 10, 23),
    random: seededRandom(seed),
    rolesAnywhere: { trustAnchors: new Map(), profiles: new Map() },
  };
}

function callerIn(accountId: string): Caller {
  return {
    accessKeyId: 'AKIAEXAMPLEEXAMPLE01',
    accountId,
    arn: `arn:aws:iam::${accountId}:user/tester`,
    userId: 'AIDAEXAMPLEEXAMPLE01',
    isRoleSession: false,
    permissions: ['organizations:*'],
  };
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  // JSON bodies of the responses under test; shapes vary per operation.
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

let requestSeq = 0;

/** Sends one request through parse → handle (→ errorResponse), as the sim's core does. */
async function call(
  ctx: SimContext,
  operation: string,
  params: Record<string, unknown> = {},
  accountId = MANAGEMENT,
): Promise<Answer> {
  const requestId = `req-${++requestSeq}`;
  const raw = {
    method: 'POST',
    path: '/',
    rawQuery: '',
    headers: {
      'x-amz-target': `AWSOrganizationsV20161128.${operation}`,
      'content-type': 'application/x-amz-json-1.1',
    },
    body: Buffer.from(JSON.stringify(params)),
  };
  try {
    const parsed = organizationsService.parse(raw);
    const req: ServiceRequest = {
      ...parsed,
      service: 'organizations',
      region: 'us-east-1',
      requestId,
      caller: callerIn(accountId),
      raw,
    };
    const res = await organizationsService.handle(req, ctx);
    return { status: res.status, headers: res.headers, body: JSON.parse(String(res.body)) };
  } catch (err) {
    if (!(err instanceof SimError)) throw err;
    const res = organizationsService.errorResponse(err, requestId);
    return { status: res.status, headers: res.headers, body: JSON.parse(String(res.body)) };
  }
}

/** Follows NextToken to the end; returns every page's items. */
async function allPages(
  ctx: SimContext,
  operation: string,
  listKey: string,
  params: Record<string, unknown> = {},
) {
  const pages: unknown[][] = [];
  const tokens: string[] = [];
  let token: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const res = await call(ctx, operation, { ...params, ...(token ? { NextToken: token } : {}) });
    expect(res.status).toBe(200);
    pages.push(res.body[listKey] as unknown[]);
    token = res.body['NextToken'] as string | undefined;
    if (!token) return { pages, tokens };
    tokens.push(token);
  }
  throw new Error('pagination did not end');
}

function expectError(res: Answer, code: string, status = 400): void {
  expect(res.status).toBe(status);
  expect(res.body['__type']).toBe(code);
  expect(res.headers['x-amzn-errortype']).toBe(code);
  expect(typeof res.body['Message']).toBe('string');
}

// ---- protocol ----

describe('organizations protocol', () => {
  it('reads the operation from X-Amz-Target and the parameters from the JSON body', () => {
    const parsed = organizationsService.parse({
      method: 'POST',
      path: '/',
      rawQuery: '',
      headers: { 'x-amz-target': 'AWSOrganizationsV20161128.ListAccountsForParent' },
      body: Buffer.from('{"ParentId":"r-ab12","MaxResults":5}'),
    });
    expect(parsed).toEqual({
      operation: 'ListAccountsForParent',
      params: { ParentId: 'r-ab12', MaxResults: 5 },
    });
  });

  it('refuses a target of another service and an operation it does not implement', () => {
    const raw = (target: string) => ({
      method: 'POST',
      path: '/',
      rawQuery: '',
      headers: { 'x-amz-target': target },
      body: Buffer.from('{}'),
    });
    expect(() => organizationsService.parse(raw('DynamoDB_20120810.ListTables'))).toThrow(SimError);
    try {
      organizationsService.parse(raw('AWSOrganizationsV20161128.CreateAccount'));
      expect.unreachable();
    } catch (err) {
      expect((err as SimError).code).toBe('UnknownOperationException');
      expect((err as SimError).message).toContain('CreateAccount');
    }
  });

  it('serializes errors raised by the core as JSON 1.1 with the code in body and header', () => {
    for (const [code, status] of [
      ['UnrecognizedClientException', 400],
      ['InvalidSignatureException', 400],
      ['ExpiredTokenException', 400],
      ['TooManyRequestsException', 400],
      ['AccessDeniedException', 400],
      ['ServiceException', 500],
    ] as const) {
      const res = organizationsService.errorResponse(new SimError(code, `msg ${code}`, status), 'rid-1');
      expect(res.status).toBe(status);
      expect(res.headers['x-amzn-errortype']).toBe(code);
      expect(res.headers['x-amzn-requestid']).toBe('rid-1');
      expect(res.headers['content-type']).toBe('application/x-amz-json-1.1');
      expect(JSON.parse(String(res.body))).toEqual({ __type: code, Message: `msg ${code}` });
    }
  });
});

// ---- who may call ----

describe('organizations access', () => {
  const adminOperations: [string, Record<string, unknown>][] = [
    ['ListAccounts', {}],
    ['ListRoots', {}],
    ['ListAccountsForParent', { ParentId: ROOT_ID }],
    ['ListOrganizationalUnitsForParent', { ParentId: ROOT_ID }],
    ['ListChildren', { ParentId: ROOT_ID, ChildType: 'ACCOUNT' }],
    ['ListParents', { ChildId: MEMBER }],
    ['DescribeAccount', { AccountId: MEMBER }],
    ['DescribeOrganizationalUnit', { OrganizationalUnitId: OU.prod }],
  ];

  it('answers the management account and a delegated administrator', async () => {
    const ctx = makeContext(makeWorld());
    for (const [op, params] of adminOperations) {
      expect((await call(ctx, op, params, MANAGEMENT)).status, op).toBe(200);
      expect((await call(ctx, op, params, DELEGATED_ADMIN)).status, op).toBe(200);
    }
  });

  it("denies every other member account with AccessDeniedException (HTTP 400, AWS's message)", async () => {
    const ctx = makeContext(makeWorld());
    for (const [op, params] of adminOperations) {
      const res = await call(ctx, op, params, MEMBER);
      expectError(res, 'AccessDeniedException');
      expect(res.body['Message']).toBe("You don't have permissions to access this resource.");
    }
  });

  it('lets any member account call DescribeOrganization, and tells an outsider it is not in an organization', async () => {
    const ctx = makeContext(makeWorld());
    const member = await call(ctx, 'DescribeOrganization', {}, MEMBER);
    expect(member.status).toBe(200);
    expect(member.body['Organization']['Id']).toBe(ORG_ID);
    for (const op of ['DescribeOrganization', 'ListAccounts']) {
      const res = await call(ctx, op, {}, OUTSIDER);
      expectError(res, 'AWSOrganizationsNotInUseException');
      expect(res.body['Message']).toBe('Your account is not a member of an organization.');
    }
  });
});

// ---- shapes ----

describe('organizations shapes', () => {
  it('describes the organization as the SDK reads it', async () => {
    const res = await call(makeContext(makeWorld()), 'DescribeOrganization');
    expect(res.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(res.body).toEqual({
      Organization: {
        Id: ORG_ID,
        Arn: `arn:aws:organizations::${MANAGEMENT}:organization/${ORG_ID}`,
        FeatureSet: 'ALL',
        MasterAccountArn: `arn:aws:organizations::${MANAGEMENT}:account/${ORG_ID}/${MANAGEMENT}`,
        MasterAccountId: MANAGEMENT,
        MasterAccountEmail: 'aws+0@example.com',
        AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
      },
    });
  });

  it('carries Id, Arn, Email, Name, Status, State, Paths, JoinedMethod and JoinedTimestamp (epoch seconds) per account', async () => {
    const world = makeWorld();
    const res = await call(makeContext(world), 'DescribeAccount', { AccountId: '100000000005' });
    expect(res.body).toEqual({
      Account: {
        Id: '100000000005',
        Arn: `arn:aws:organizations::${MANAGEMENT}:account/${ORG_ID}/100000000005`,
        Email: 'aws+5@example.com',
        Name: 'account-5',
        Status: 'SUSPENDED',
        State: 'SUSPENDED',
        Paths: [`${ORG_ID}/${ROOT_ID}/${OU.prod}/100000000005/`],
        JoinedMethod: 'INVITED',
        JoinedTimestamp: (Date.UTC(2020, 0, 1) + 5 * 86_400_000 + 123) / 1000,
      },
    });
  });

  it('lists the root with its policy types and describes an OU with its path', async () => {
    const ctx = makeContext(makeWorld());
    const roots = await call(ctx, 'ListRoots');
    expect(roots.body).toEqual({
      Roots: [
        {
          Id: ROOT_ID,
          Arn: `arn:aws:organizations::${MANAGEMENT}:root/${ORG_ID}/${ROOT_ID}`,
          Name: 'Root',
          PolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
        },
      ],
    });
    const ou = await call(ctx, 'DescribeOrganizationalUnit', { OrganizationalUnitId: OU.payments });
    expect(ou.body).toEqual({
      OrganizationalUnit: {
        Id: OU.payments,
        Arn: `arn:aws:organizations::${MANAGEMENT}:ou/${ORG_ID}/${OU.payments}`,
        Name: 'Payments',
        Path: `${ORG_ID}/${ROOT_ID}/${OU.prod}/${OU.payments}/`,
      },
    });
  });
});

// ---- paging ----

describe('organizations paging', () => {
  it('pages 45 accounts with MaxResults 20 in exactly 3 pages, in world order', async () => {
    const world = makeWorld(45);
    const { pages } = await allPages(makeContext(world), 'ListAccounts', 'Accounts', { MaxResults: 20 });
    expect(pages.map((p) => p.length)).toEqual([20, 20, 5]);
    expect(pages.flat().map((a) => (a as { Id: string }).Id)).toEqual(world.accounts.map((a) => a.id));
  });

  it('uses a page of 20 when MaxResults is absent', async () => {
    const res = await call(makeContext(makeWorld(45)), 'ListAccounts');
    expect(res.body['Accounts']).toHaveLength(20);
    expect(typeof res.body['NextToken']).toBe('string');
  });

  it('refuses MaxResults outside 1..20 with InvalidInputException and its Reason', async () => {
    const ctx = makeContext(makeWorld());
    const tooBig = await call(ctx, 'ListAccounts', { MaxResults: 21 });
    expectError(tooBig, 'InvalidInputException');
    expect(tooBig.body['Reason']).toBe('MAX_VALUE_EXCEEDED');
    const tooSmall = await call(ctx, 'ListAccountsForParent', { ParentId: ROOT_ID, MaxResults: 0 });
    expectError(tooSmall, 'InvalidInputException');
    expect(tooSmall.body['Reason']).toBe('MIN_VALUE_EXCEEDED');
    for (const op of ['ListRoots', 'ListOrganizationalUnitsForParent', 'ListChildren', 'ListParents']) {
      const res = await call(ctx, op, {
        ParentId: ROOT_ID,
        ChildType: 'ACCOUNT',
        ChildId: MEMBER,
        MaxResults: 21,
      });
      expect(res.body['Reason'], op).toBe('MAX_VALUE_EXCEEDED');
    }
    expectError(await call(ctx, 'ListAccounts', { MaxResults: 'ten' }), 'SerializationException');
  });

  it('caps pages at pageCap below MaxResults', async () => {
    const { pages } = await allPages(makeContext(makeWorld(45), { pageCap: 7 }), 'ListAccounts', 'Accounts', {
      MaxResults: 20,
    });
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 7, 7, 7, 3]);
  });

  it('with shortPages returns short and empty pages while NextToken is set, and still every account exactly once', async () => {
    const world = makeWorld(45);
    let emptyWithToken = 0;
    let short = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const ctx = makeContext(world, { shortPages: true }, seed);
      const { pages, tokens } = await allPages(ctx, 'ListAccounts', 'Accounts', { MaxResults: 10 });
      pages.forEach((p, i) => {
        expect(p.length).toBeLessThanOrEqual(10);
        if (i < tokens.length && p.length === 0) emptyWithToken++;
        if (i < tokens.length && p.length < 10) short++;
      });
      expect(new Set(tokens).size).toBe(tokens.length); // every token differs, even after an empty page
      expect(pages.flat().map((a) => (a as { Id: string }).Id)).toEqual(world.accounts.map((a) => a.id));
    }
    expect(emptyWithToken).toBeGreaterThan(0);
    expect(short).toBeGreaterThan(emptyWithToken);
  });

  it('refuses tampered, foreign and made-up NextTokens with INVALID_NEXT_TOKEN', async () => {
    const world = makeWorld(45);
    const ctx = makeContext(world);
    const first = await call(ctx, 'ListAccounts', { MaxResults: 5 });
    const token = first.body['NextToken'] as string;
    const [data = '', mac = ''] = token.split('.');
    const payload = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...payload, i: 40 })).toString('base64url') + '.' + mac;
    const flipped = token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA');

    const parentToken = (await call(ctx, 'ListAccountsForParent', { ParentId: OU.prod, MaxResults: 1 })).body[
      'NextToken'
    ] as string;
    const otherOrgToken = (
      await call(makeContext(makeWorld(45, 'o-zzzzzz9999')), 'ListAccounts', { MaxResults: 5 })
    ).body['NextToken'] as string;

    const attempts: [string, Record<string, unknown>][] = [
      ['ListAccounts', { NextToken: forged }],
      ['ListAccounts', { NextToken: flipped }],
      ['ListAccounts', { NextToken: 'not-a-token' }],
      ['ListAccounts', { NextToken: parentToken }],
      ['ListAccounts', { NextToken: otherOrgToken }],
      ['ListAccountsForParent', { ParentId: OU.dev, NextToken: parentToken }],
      ['ListOrganizationalUnitsForParent', { ParentId: OU.prod, NextToken: parentToken }],
    ];
    for (const [op, params] of attempts) {
      const res = await call(ctx, op, params);
      expectError(res, 'InvalidInputException');
      expect(res.body['Reason']).toBe('INVALID_NEXT_TOKEN');
      expect(res.body['Message']).toContain('invalid value for nextToken');
    }
    // the genuine token still works
    expect(
      (await call(ctx, 'ListAccounts', { MaxResults: 5, NextToken: token })).body['Accounts'][0]['Id'],
    ).toBe('100000000005');
  });
});

// ---- hierarchy ----

describe('organizations hierarchy', () => {
  it('walks ListRoots → ListOrganizationalUnitsForParent → ListAccountsForParent and meets every account exactly once', async () => {
    const world = makeWorld(45);
    const ctx = makeContext(world, { shortPages: true }, 3);
    const seen: string[] = [];
    const ouPaths: string[] = [];
    const { pages: rootPages } = await allPages(ctx, 'ListRoots', 'Roots', { MaxResults: 1 });
    const queue = rootPages.flat().map((r) => (r as { Id: string }).Id);
    while (queue.length) {
      const parentId = queue.shift() as string;
      const ous = await allPages(ctx, 'ListOrganizationalUnitsForParent', 'OrganizationalUnits', {
        ParentId: parentId,
        MaxResults: 2,
      });
      for (const ou of ous.pages.flat() as { Id: string; Path: string }[]) {
        queue.push(ou.Id);
        ouPaths.push(ou.Path);
      }
      const accounts = await allPages(ctx, 'ListAccountsForParent', 'Accounts', {
        ParentId: parentId,
        MaxResults: 3,
      });
      for (const a of accounts.pages.flat() as { Id: string; Paths: string[] }[]) {
        seen.push(a.Id);
        expect(a.Paths[0]?.endsWith(`/${a.Id}/`)).toBe(true);
      }
    }
    expect(seen.sort()).toEqual(world.accounts.map((a) => a.id).sort());
    expect(ouPaths.sort()).toEqual(
      [
        `${ORG_ID}/${ROOT_ID}/${OU.prod}/`,
        `${ORG_ID}/${ROOT_ID}/${OU.prod}/${OU.payments}/`,
        `${ORG_ID}/${ROOT_ID}/${OU.dev}/`,
        `${ORG_ID}/${ROOT_ID}/${OU.empty}/`,
      ].sort(),
    );
  });

  it('lists only the accounts of the given parent; an empty OU gives an empty list without NextToken', async () => {
    const world = makeWorld(45);
    const ctx = makeContext(world);
    const { pages } = await allPages(ctx, 'ListAccountsForParent', 'Accounts', {
      ParentId: OU.dev,
      MaxResults: 4,
    });
    expect(pages.flat().map((a) => (a as { Id: string }).Id)).toEqual(
      world.accounts.filter((a) => a.parentId === OU.dev).map((a) => a.id),
    );
    const empty = await call(ctx, 'ListAccountsForParent', { ParentId: OU.empty });
    expect(empty.body).toEqual({ Accounts: [] });
  });

  it('lists children of either type', async () => {
    const world = makeWorld(45);
    const ctx = makeContext(world);
    const ous = await allPages(ctx, 'ListChildren', 'Children', {
      ParentId: ROOT_ID,
      ChildType: 'ORGANIZATIONAL_UNIT',
      MaxResults: 2,
    });
    expect(ous.pages.flat()).toEqual([
      { Id: OU.prod, Type: 'ORGANIZATIONAL_UNIT' },
      { Id: OU.dev, Type: 'ORGANIZATIONAL_UNIT' },
      { Id: OU.empty, Type: 'ORGANIZATIONAL_UNIT' },
    ]);
    const accounts = await allPages(ctx, 'ListChildren', 'Children', {
      ParentId: OU.prod,
      ChildType: 'ACCOUNT',
      MaxResults: 5,
    });
    expect(accounts.pages.flat()).toEqual(
      world.accounts.filter((a) => a.parentId === OU.prod).map((a) => ({ Id: a.id, Type: 'ACCOUNT' })),
    );
    const bad = await call(ctx, 'ListChildren', { ParentId: ROOT_ID, ChildType: 'POLICY' });
    expectError(bad, 'InvalidInputException');
    expect(bad.body['Reason']).toBe('INVALID_ENUM');
  });

  it('names the parent of an account and of an OU with its type', async () => {
    const ctx = makeContext(makeWorld(45));
    expect((await call(ctx, 'ListParents', { ChildId: '100000000006' })).body).toEqual({
      Parents: [{ Id: OU.payments, Type: 'ORGANIZATIONAL_UNIT' }],
    });
    expect((await call(ctx, 'ListParents', { ChildId: '100000000000' })).body).toEqual({
      Parents: [{ Id: ROOT_ID, Type: 'ROOT' }],
    });
    expect((await call(ctx, 'ListParents', { ChildId: OU.prod })).body).toEqual({
      Parents: [{ Id: ROOT_ID, Type: 'ROOT' }],
    });
  });
});

// ---- not found and malformed ids ----

describe('organizations ids', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['DescribeAccount', { AccountId: '123456789012' }, 'AccountNotFoundException'],
    [
      'DescribeOrganizationalUnit',
      { OrganizationalUnitId: 'ou-ab12-zzzzzzzz' },
      'OrganizationalUnitNotFoundException',
    ],
    ['ListAccountsForParent', { ParentId: 'ou-ab12-zzzzzzzz' }, 'ParentNotFoundException'],
    ['ListAccountsForParent', { ParentId: 'r-zz99' }, 'ParentNotFoundException'],
    ['ListOrganizationalUnitsForParent', { ParentId: 'ou-ab12-zzzzzzzz' }, 'ParentNotFoundException'],
    ['ListChildren', { ParentId: 'ou-ab12-zzzzzzzz', ChildType: 'ACCOUNT' }, 'ParentNotFoundException'],
    ['ListParents', { ChildId: '123456789012' }, 'ChildNotFoundException'],
    ['ListParents', { ChildId: 'ou-ab12-zzzzzzzz' }, 'ChildNotFoundException'],
  ];

  it('answers unknown but well-formed ids with the not-found error of the operation', async () => {
    const ctx = makeContext(makeWorld());
    for (const [op, params, code] of cases) expectError(await call(ctx, op, params), code);
  });

  it('answers malformed ids with InvalidInputException INVALID_PATTERN', async () => {
    const ctx = makeContext(makeWorld());
    const malformed: [string, Record<string, unknown>][] = [
      ['DescribeAccount', { AccountId: '12345' }],
      ['DescribeAccount', { AccountId: 'ou-ab12-prod0001' }],
      ['DescribeOrganizationalUnit', { OrganizationalUnitId: ROOT_ID }],
      ['ListAccountsForParent', { ParentId: '100000000000' }],
      ['ListOrganizationalUnitsForParent', { ParentId: 'OU-AB12-PROD0001' }],
      ['ListParents', { ChildId: ROOT_ID }],
    ];
    for (const [op, params] of malformed) {
      const res = await call(ctx, op, params);
      expectError(res, 'InvalidInputException');
      expect(res.body['Reason'], op).toBe('INVALID_PATTERN');
    }
  });

  it('answers a missing required parameter with INPUT_REQUIRED', async () => {
    const ctx = makeContext(makeWorld());
    for (const op of [
      'DescribeAccount',
      'DescribeOrganizationalUnit',
      'ListAccountsForParent',
      'ListParents',
      'ListChildren',
    ]) {
      const res = await call(ctx, op, {});
      expectError(res, 'InvalidInputException');
      expect(res.body['Reason'], op).toBe('INPUT_REQUIRED');
    }
  });
});

// ---- through the real SDK client ----

describe('organizations through the real OrganizationsClient', () => {
  let sim: RunningSim;
  let client: OrganizationsClient;

  beforeAll(async () => {
    sim = await startSim({
      seed: 11,
      accounts: 45,
      regions: ['us-east-1'],
      instancesPerRegion: 0,
      random: seededRandom(11),
    });
    client = organizationsClient(sim);
  });
  afterAll(async () => {
    client.destroy();
    await sim.close();
  });
  beforeEach(() => {
    sim.knobs.shortPages = false;
    delete sim.knobs.pageCap;
    sim.log.reset();
  });

  /** The ground truth as the SDK should hand it back. */
  function expected(accountId: string): Account {
    const a = sim.world.accountById.get(accountId)!;
    return {
      Id: a.id,
      Arn: a.arn,
      Email: a.email,
      Name: a.name,
      Status: a.status,
      State: a.state,
      Paths: [
        expect.stringMatching(
          new RegExp(
            `^${sim.world.organization.id}/${sim.world.organization.root.id}/(ou-[a-z0-9-]+/)*${a.id}/$`,
          ),
        ),
      ] as unknown as string[],
      JoinedMethod: a.joinedMethod,
      JoinedTimestamp: a.joinedTimestamp,
    };
  }

  const listCalls = (operation: string) => sim.log.entries({ service: 'organizations', operation });

  it('pages 45 accounts with MaxResults 20 in exactly 3 ListAccounts calls and returns the ground truth', async () => {
    expect(sim.world.accounts).toHaveLength(45);
    const accounts: Account[] = [];
    for await (const page of paginateListAccounts({ client, pageSize: 20 }, {}))
      accounts.push(...(page.Accounts ?? []));
    expect(accounts).toEqual(sim.world.accounts.map((a) => expected(a.id)));
    const calls = listCalls('ListAccounts');
    expect(calls).toHaveLength(3);
    expect(
      calls.every(
        (c) =>
          c.status === 200 && c.params['MaxResults'] === 20 && c.accountId === sim.world.centralAccountId,
      ),
    ).toBe(true);
    expect(calls.map((c) => c.params['NextToken'] === undefined)).toEqual([true, false, false]);
  });

  it('with shortPages on still returns every account exactly once through the paginator, over short and empty pages', async () => {
    sim.knobs.shortPages = true;
    const pages: Account[][] = [];
    for await (const page of paginateListAccounts({ client, pageSize: 5 }, {}))
      pages.push(page.Accounts ?? []);
    expect(pages.flat().map((a) => a.Id)).toEqual(sim.world.accounts.map((a) => a.id));
    expect(pages.every((p) => p.length <= 5)).toBe(true);
    expect(pages.slice(0, -1).some((p) => p.length < 5)).toBe(true);
    expect(listCalls('ListAccounts')).toHaveLength(pages.length);
  });

  it('walks ListRoots → ListOrganizationalUnitsForParent → ListAccountsForParent and meets every account exactly once', async () => {
    sim.knobs.shortPages = true;
    const seen: string[] = [];
    const containers: string[] = [];
    const queue: string[] = [];
    for await (const page of paginateListRoots({ client, pageSize: 1 }, {}))
      queue.push(...(page.Roots ?? []).map((r) => r.Id!));
    expect(queue).toEqual([sim.world.organization.root.id]);
    while (queue.length) {
      const parentId = queue.shift()!;
      containers.push(parentId);
      for await (const page of paginateListOrganizationalUnitsForParent(
        { client, pageSize: 2 },
        { ParentId: parentId },
      )) {
        queue.push(...(page.OrganizationalUnits ?? []).map((ou) => ou.Id!));
      }
      for await (const page of paginateListAccountsForParent(
        { client, pageSize: 3 },
        { ParentId: parentId },
      )) {
        for (const account of page.Accounts ?? []) {
          expect(account).toEqual(expected(account.Id!));
          expect(sim.world.accountById.get(account.Id!)?.parentId).toBe(parentId);
          seen.push(account.Id!);
        }
      }
    }
    expect(seen.sort()).toEqual(sim.world.accounts.map((a) => a.id).sort());
    expect(containers.sort()).toEqual(
      [sim.world.organization.root.id, ...sim.world.organizationalUnits.map((ou) => ou.id)].sort(),
    );
    // every container was asked at least once for its OUs and for its accounts, and nothing failed
    const asked = (op: string) => new Set(listCalls(op).map((c) => c.params['ParentId']));
    expect(asked('ListOrganizationalUnitsForParent')).toEqual(new Set(containers));
    expect(asked('ListAccountsForParent')).toEqual(new Set(containers));
    expect(sim.log.count({ service: 'organizations', status: 200 })).toBe(
      sim.log.count({ service: 'organizations' }),
    );
  });

  it('describes the organization, an account, an OU, a parent and children as the world has them', async () => {
    const org = await client.send(new DescribeOrganizationCommand({}));
    expect(org.Organization).toMatchObject({
      Id: sim.world.organization.id,
      MasterAccountId: sim.world.organization.managementAccountId,
      FeatureSet: sim.world.organization.featureSet,
    });
    const account = sim.world.accounts.find((a) => a.parentId !== sim.world.organization.root.id)!;
    expect((await client.send(new DescribeAccountCommand({ AccountId: account.id }))).Account).toEqual(
      expected(account.id),
    );
    const parents = await client.send(new ListParentsCommand({ ChildId: account.id }));
    expect(parents.Parents).toEqual([{ Id: account.parentId, Type: 'ORGANIZATIONAL_UNIT' }]);
    const ou = await client.send(
      new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: account.parentId }),
    );
    expect(ou.OrganizationalUnit?.Name).toBe(
      sim.world.organizationalUnits.find((o) => o.id === account.parentId)?.name,
    );
    const children = await client.send(
      new ListChildrenCommand({ ParentId: account.parentId, ChildType: 'ACCOUNT', MaxResults: 20 }),
    );
    expect(children.Children?.map((c) => c.Id)).toContain(account.id);
  });

  it('raises the modeled exceptions: not found, and InvalidInputException with its Reason', async () => {
    expect(
      await awsError(client.send(new DescribeAccountCommand({ AccountId: '000000000000' }))),
    ).toMatchObject({ name: 'AccountNotFoundException', status: 400 });
    try {
      await client.send(new ListAccountsCommand({ MaxResults: 21 }));
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({
        name: 'InvalidInputException',
        Reason: 'MAX_VALUE_EXCEEDED',
        $metadata: { httpStatusCode: 400 },
      });
    }
    expect(sim.log.entries({ service: 'organizations' }).map((e) => e.errorCode)).toEqual([
      'AccountNotFoundException',
      'InvalidInputException',
    ]);
  });

  it("denies a member account's credentials with AccessDeniedException, whether IAM or the organization refuses", async () => {
    const member = sim.world.accounts.find(
      (a) =>
        a.id !== sim.world.organization.managementAccountId && !sim.world.delegatedAdministrators.has(a.id),
    )!;
    // the read role as generated: no organizations permissions at all
    const plain = organizationsClient(sim, await assumeReadRole(sim, member.id));
    expect(await awsError(plain.send(new ListAccountsCommand({})))).toMatchObject({
      name: 'AccessDeniedException',
      status: 400,
    });
    plain.destroy();

    // the same role allowed organizations:* by IAM: the organization still refuses a non-administrator
    const role = sim.world.roles.get(`arn:aws:iam::${member.id}:role/${sim.world.readRoleName}`)!;
    const savedPermissions = role.permissions;
    role.permissions = [...savedPermissions, 'organizations:*'];
    try {
      const allowed = organizationsClient(sim, await assumeReadRole(sim, member.id));
      const denied = await awsError(allowed.send(new ListAccountsCommand({})));
      expect(denied).toMatchObject({
        name: 'AccessDeniedException',
        status: 400,
        message: "You don't have permissions to access this resource.",
      });
      const org = await allowed.send(new DescribeOrganizationCommand({}));
      expect(org.Organization?.Id).toBe(sim.world.organization.id);

      // once the member is a delegated administrator, the same credentials may list accounts
      sim.world.delegatedAdministrators.add(member.id);
      const page = await allowed.send(new ListAccountsCommand({ MaxResults: 3 }));
      expect(page.Accounts).toHaveLength(3);
      allowed.destroy();
    } finally {
      role.permissions = savedPermissions;
      sim.world.delegatedAdministrators.delete(member.id);
    }
    const denials = sim.log.entries({ service: 'organizations', errorCode: 'AccessDeniedException' });
    expect(denials).toHaveLength(2);
    expect(denials.every((e) => e.accountId === member.id && e.status === 400)).toBe(true);
  });
});
