// orgraph as an Apollo Federation 2 subgraph: composed with a small CMDB subgraph written here and run
// behind a real Apollo Gateway, every server on 127.0.0.1. Asserts the joined data against the sim's
// ground truth and the AWS calls entity resolution makes (the sim's request log).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApolloServer } from '@apollo/server';
import type { ApolloServerOptions } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, IntrospectAndCompose } from '@apollo/gateway';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from '../../src/graph/graphql-runtime.js';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { createSharedHttpHandler } from '../../src/aws/client-pool.js';
import { parseGraphConfig } from '../../src/config/graph.js';
import type { GraphConfigInput } from '../../src/config/graph.js';
import { createApolloServer, createGraph, encodeGlobalId } from '../../src/graph/index.js';
import { ENTITY_KEYS, subgraphSdl } from '../../src/graph/federation.js';
import { resolvers } from '../../src/graph/resolvers/index.js';
import { simAwsStack } from '../helpers/aws-stack.js';
import type { SimAwsStack } from '../helpers/aws-stack.js';

const REGIONS = ['us-east-1', 'eu-west-1'];
const handler = createSharedHttpHandler({ maxSockets: 64 });
const stops: Array<() => Promise<void>> = [];
let sim: RunningSim;

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  handler.destroy();
  await sim?.close();
});

interface Served {
  url: string;
  stack: SimAwsStack;
}

/** orgraph's graph in federation mode over a fresh AWS stack (its own sessions and cache), on a real port. */
async function serveOrgraph(graphConfig: GraphConfigInput = {}): Promise<Served> {
  const stack = simAwsStack(sim, { httpHandler: handler });
  const graph = createGraph({
    config: parseGraphConfig({ regions: REGIONS, federation: { enabled: true }, ...graphConfig }),
    data: stack.data,
  });
  const server = createApolloServer(graph);
  const { url } = await startStandaloneServer(server, {
    listen: { host: '127.0.0.1', port: 0 },
    context: async () => graph.createContext(),
  });
  stops.push(() => server.stop());
  return { url, stack };
}

// ---- the CMDB subgraph: owners and cost centres of accounts, CI numbers of instances -------------------

interface InstanceRef {
  instanceId: string;
  account: { accountId: string };
  region: { name: string; account: { accountId: string } };
}

const CMDB_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
  type Account @key(fields: "accountId") {
    accountId: String!
    owner: String
    costCentre: String
  }
  type Region @key(fields: "name account { accountId }", resolvable: false) {
    name: String!
    account: Account!
  }
  type Instance @key(fields: "instanceId account { accountId } region { name }") {
    instanceId: String!
    account: Account!
    region: Region!
    ciNumber: String
  }
  type ConfigurationItem {
    ciNumber: String!
    instance: Instance!
  }
  type Query {
    configurationItems: [ConfigurationItem!]!
  }
`;

const ownerOf = (accountId: string) => `team-${accountId.slice(-3)}`;
const costCentreOf = (accountId: string) => `CC-${accountId.slice(0, 4)}`;
const ciNumberOf = (instanceId: string) => `CI-${instanceId.slice(2, 10).toUpperCase()}`;

async function serveCmdb(items: InstanceRef[]): Promise<string> {
  const instanceResolvers = {
    __resolveReference: (ref: InstanceRef) => ({ ...ref, ciNumber: ciNumberOf(ref.instanceId) }),
  };
  const schema = buildSubgraphSchema([
    {
      typeDefs: parse(CMDB_SDL),
      resolvers: {
        Query: {
          configurationItems: () =>
            items.map((ref) => ({ ciNumber: ciNumberOf(ref.instanceId), instance: ref })),
        },
        // Field resolvers, not only __resolveReference: the router may read an instance's account
        // owner straight from this subgraph's Instance.account.
        Account: {
          __resolveReference: (ref: { accountId: string }) => ({ accountId: ref.accountId }),
          owner: (account: { accountId: string }) => ownerOf(account.accountId),
          costCentre: (account: { accountId: string }) => costCentreOf(account.accountId),
        },
        Instance: instanceResolvers,
      },
    },
  ] as Parameters<typeof buildSubgraphSchema>[0]);
  const server = new ApolloServer({ schema });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  stops.push(() => server.stop());
  return url;
}

async function serveGateway(subgraphs: { name: string; url: string }[]): Promise<string> {
  // The gateway would otherwise probe cloud metadata hosts and send usage metrics to Apollo: tests
  // talk to 127.0.0.1 only (vitest.config.ts sets this too).
  process.env['APOLLO_TELEMETRY_DISABLED'] = 'true';
  const gateway = new ApolloGateway({ supergraphSdl: new IntrospectAndCompose({ subgraphs }) });
  // @apollo/gateway 2 implements Apollo Server's gateway interface of an older major version.
  const server = new ApolloServer({ gateway } as unknown as ApolloServerOptions<object>);
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  stops.push(() => server.stop());
  return url;
}

interface GraphQLResponse {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

async function post(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
  });
  return (await response.json()) as GraphQLResponse;
}

/** The sim's ground truth: every instance of the ACTIVE accounts in REGIONS. */
function truth(): InstanceRef[] {
  return sim.world.accounts
    .filter((a) => a.state === 'ACTIVE')
    .flatMap((a) =>
      REGIONS.flatMap((region) =>
        sim.world.regionData(a.id, region).instances.map((i) => ({
          instanceId: i.instanceId,
          account: { accountId: a.id },
          region: { name: region, account: { accountId: a.id } },
        })),
      ),
    );
}

const key = (ref: { instanceId: string; account: { accountId: string }; region: { name: string } }) =>
  `${ref.account.accountId}|${ref.region.name}|${ref.instanceId}`;

beforeAll(async () => {
  sim = await startSim({ seed: 12, accounts: 12, regions: REGIONS, instancesPerRegion: 25 });
});

describe('federation mode', () => {
  it('prints a subgraph SDL with a key on every entity that composes with another subgraph', () => {
    const sdl = subgraphSdl(resolvers);
    for (const [type, keys] of Object.entries(ENTITY_KEYS)) {
      for (const fields of keys) expect(sdl).toContain(`@key(fields: "${fields}")`);
      expect(sdl).toMatch(new RegExp(`type ${type} implements Node[^{]*@key\\(fields: "id"\\)`));
    }
    expect(sdl).toMatch(/type PageInfo @shareable/);
    const composed = composeServices([
      { name: 'aws', typeDefs: parse(sdl), url: 'http://127.0.0.1:1/graphql' },
      { name: 'cmdb', typeDefs: parse(CMDB_SDL), url: 'http://127.0.0.1:2/graphql' },
    ]);
    expect(composed.errors ?? []).toEqual([]);
    expect(composed.supergraphSdl).toContain('ciNumber');
  });

  it('leaves the plain schema unchanged when federation is off', () => {
    const graph = createGraph({
      config: parseGraphConfig({ regions: REGIONS }),
      data: simAwsStack(sim, { httpHandler: handler }).data,
    });
    expect(graph.schema.getQueryType()?.getFields()['_entities']).toBeUndefined();
    expect(graph.schema.getQueryType()?.getFields()['_service']).toBeUndefined();
  });

  it('resolves 500 Instance representations from another subgraph with one DescribeInstances per (account, Region) and one AssumeRole per account', async () => {
    const items = truth();
    const accounts = new Set(items.map((i) => i.account.accountId));
    expect(items).toHaveLength(accounts.size * REGIONS.length * 25);
    expect(items).toHaveLength(500); // 10 ACTIVE accounts × 2 Regions × 25
    const orgraph = await serveOrgraph();
    const cmdb = await serveCmdb(items);
    const gateway = await serveGateway([
      { name: 'aws', url: orgraph.url },
      { name: 'cmdb', url: cmdb },
    ]);
    sim.log.reset();
    const result = await post(
      gateway,
      '{ configurationItems { ciNumber instance { instanceId state instanceType account { accountId owner } } } }',
    );
    expect(result.errors).toBeUndefined();
    const rows = result.data?.['configurationItems'] as {
      ciNumber: string;
      instance: {
        instanceId: string;
        state: string;
        instanceType: string;
        account: { accountId: string; owner: string };
      };
    }[];
    expect(rows).toHaveLength(items.length);
    const byId = new Map(
      REGIONS.flatMap((region) =>
        [...accounts].flatMap((a) =>
          sim.world.regionData(a, region).instances.map((i) => [i.instanceId, i] as const),
        ),
      ),
    );
    for (const row of rows) {
      const expected = byId.get(row.instance.instanceId);
      expect(expected, row.instance.instanceId).toBeDefined();
      expect(row.ciNumber).toBe(ciNumberOf(row.instance.instanceId));
      expect(row.instance.state).toBe(expected!.state.name.toUpperCase().replace('-', '_'));
      expect(row.instance.instanceType).toBe(expected!.instanceType);
      expect(row.instance.account.owner).toBe(ownerOf(row.instance.account.accountId));
    }
    // Entity resolution is batched per target: one by-id DescribeInstances per (account, Region).
    expect(sim.log.count({ service: 'ec2', operation: 'DescribeInstances' })).toBe(
      accounts.size * REGIONS.length,
    );
    const perTarget = new Map<string, number>();
    for (const entry of sim.log.entries({ service: 'ec2', operation: 'DescribeInstances' })) {
      const target = `${entry.accountId}|${entry.region}`;
      perTarget.set(target, (perTarget.get(target) ?? 0) + 1);
    }
    expect([...perTarget.values()].every((n) => n === 1)).toBe(true);
    expect(sim.log.count({ service: 'sts', operation: 'AssumeRole' })).toBe(accounts.size);
  });

  it('resolves SecurityGroup representations by groupId, account and Region: one DescribeSecurityGroups per (account, Region), one AssumeRole per account', async () => {
    expect(ENTITY_KEYS['SecurityGroup']).toEqual(['id', 'groupId account { accountId } region { name }']);
    const accounts = sim.world.accounts.filter((a) => a.state === 'ACTIVE').map((a) => a.id);
    const groups = accounts.flatMap((accountId) =>
      REGIONS.flatMap((region) =>
        sim.world.regionData(accountId, region).securityGroups.map((g) => ({ accountId, region, g })),
      ),
    );
    expect(groups.length).toBeGreaterThan(accounts.length * REGIONS.length);
    const orgraph = await serveOrgraph(); // a fresh stack: no session yet
    sim.log.reset();
    const result = await post(
      orgraph.url,
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on SecurityGroup { groupId groupName vpcId } } }',
      {
        r: groups.map(({ accountId, region, g }) => ({
          __typename: 'SecurityGroup',
          groupId: g.groupId,
          account: { accountId },
          region: { name: region },
        })),
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.['_entities']).toEqual(
      groups.map(({ g }) => ({ groupId: g.groupId, groupName: g.groupName, vpcId: g.vpcId })),
    );
    expect(sim.log.count({ service: 'ec2', operation: 'DescribeSecurityGroups' })).toBe(
      accounts.length * REGIONS.length,
    );
    expect(sim.log.count({ service: 'sts', operation: 'AssumeRole' })).toBe(accounts.length);
  });

  it("answers a query spanning both subgraphs — instances with their account's owner and their CI number — exactly", async () => {
    const items = truth();
    const orgraph = await serveOrgraph();
    const gateway = await serveGateway([
      { name: 'aws', url: orgraph.url },
      { name: 'cmdb', url: await serveCmdb(items) },
    ]);
    const result = await post(
      gateway,
      `{ instances(first: 1000) { totalCount nodes {
           instanceId ciNumber region { name } account { accountId owner costCentre } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const instances = result.data?.['instances'] as {
      totalCount: number;
      nodes: {
        instanceId: string;
        ciNumber: string;
        region: { name: string };
        account: { accountId: string; owner: string; costCentre: string };
      }[];
    };
    expect(instances.totalCount).toBe(items.length);
    expect(instances.nodes.map(key).sort()).toEqual(items.map(key).sort());
    for (const node of instances.nodes) {
      expect(node.ciNumber).toBe(ciNumberOf(node.instanceId));
      expect(node.account.owner).toBe(ownerOf(node.account.accountId));
      expect(node.account.costCentre).toBe(costCentreOf(node.account.accountId));
    }
  });

  it('keeps partial results and error extensions through the gateway, with their path', async () => {
    const broken = truth()[0]!.account.accountId;
    sim.knobs.scenarios.set(broken, { roleMissing: true });
    try {
      const orgraph = await serveOrgraph();
      const gateway = await serveGateway([
        { name: 'aws', url: orgraph.url },
        { name: 'cmdb', url: await serveCmdb([]) },
      ]);
      const result = await post(
        gateway,
        '{ instances(first: 1000) { totalCount nodes { instanceId account { accountId owner } } failures { code accountId } } }',
      );
      const data = result.data?.['instances'] as {
        nodes: { account: { accountId: string; owner: string } }[];
        failures: { code: string; accountId: string }[];
      };
      // One failure per (account, Region) the fan-out could not read.
      expect(data.failures).toEqual(REGIONS.map(() => ({ code: 'ROLE_NOT_ASSUMABLE', accountId: broken })));
      const expected = truth().filter((i) => i.account.accountId !== broken);
      expect(data.nodes).toHaveLength(expected.length);
      expect(data.nodes.every((n) => n.account.owner === ownerOf(n.account.accountId))).toBe(true);
      expect(result.errors).toHaveLength(REGIONS.length);
      for (const error of result.errors!) {
        expect(error.path).toEqual(['instances']);
        expect(error.extensions).toMatchObject({
          code: 'ROLE_NOT_ASSUMABLE',
          accountId: broken,
          service: 'sts',
          operation: 'AssumeRole',
          serviceName: 'aws',
        });
      }
      expect(result.errors!.map((e) => e.extensions?.['region']).sort()).toEqual([...REGIONS].sort());
    } finally {
      sim.knobs.scenarios.delete(broken);
    }
  });

  it('turns an unknown or malformed representation into a precise error for that entity only', async () => {
    const [good, other] = truth();
    const orgraph = await serveOrgraph();
    const unknownId = 'i-0123456789abcdef0';
    const result = await post(
      orgraph.url,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Instance { instanceId } ... on Account { accountId name } } }`,
      {
        r: [
          { __typename: 'Instance', ...good, region: { name: good!.region.name } },
          {
            __typename: 'Instance',
            id: encodeGlobalId('Instance', other!.account.accountId, other!.region.name, other!.instanceId),
          },
          {
            __typename: 'Instance',
            instanceId: 'i-zzz',
            account: good!.account,
            region: { name: good!.region.name },
          },
          {
            __typename: 'Instance',
            instanceId: unknownId,
            account: good!.account,
            region: { name: good!.region.name },
          },
          { __typename: 'Account', accountId: good!.account.accountId },
          { __typename: 'Account', accountId: 42 },
        ],
      },
    );
    expect(result.data?.['_entities']).toEqual([
      { instanceId: good!.instanceId },
      { instanceId: other!.instanceId },
      null,
      null,
      {
        accountId: good!.account.accountId,
        name: sim.world.accounts.find((a) => a.id === good!.account.accountId)!.name,
      },
      null,
    ]);
    const errors = (result.errors ?? []).map((e) => ({
      path: e.path,
      code: e.extensions?.['code'],
      message: e.message,
    }));
    expect(errors).toHaveLength(3);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: ['_entities', 2],
          code: 'BAD_USER_INPUT',
          message: expect.stringContaining('i-zzz'),
        }),
        expect.objectContaining({
          path: ['_entities', 3],
          code: 'NOT_FOUND',
          message: expect.stringContaining(unknownId),
        }),
        expect.objectContaining({
          path: ['_entities', 5],
          code: 'BAD_USER_INPUT',
          message: expect.stringContaining('accountId must be a string'),
        }),
      ]),
    );
  });

  it('answers _service { sdl } with the subgraph SDL', async () => {
    const orgraph = await serveOrgraph();
    const result = await post(orgraph.url, '{ _service { sdl } }');
    const sdl = (result.data?.['_service'] as { sdl: string }).sdl;
    expect(sdl).toContain('@key(fields: "instanceId account { accountId } region { name }")');
    expect(sdl).toBe(subgraphSdl(resolvers));
  });
});
