// Which operations the CLI loads the EC2 SDK for before it starts: any that selects a field of a type
// outside the Organizations side, through fragments and inline fragments too.
import { describe, expect, it } from 'vitest';
import { buildExecutableSchema } from '../../src/graph/schema.js';
import { resolvers } from '../../src/graph/resolvers/index.js';
import { parse } from '../../src/graph/graphql-runtime.js';
// The file Apollo Server and the schema use (see src/graph/graphql-runtime.ts).
import { validate } from 'graphql/index.js';
import { mayReadEc2 } from '../../src/graph/reads-ec2.js';

const schema = buildExecutableSchema(resolvers);

/** The document, checked to be valid against the schema (a misspelt field would be skipped unseen). */
function valid(query: string) {
  const document = parse(query);
  expect(validate(schema, document).map((e) => e.message)).toEqual([]);
  return document;
}

describe('mayReadEc2', () => {
  it.each([
    [
      'the account list',
      '{ accounts { totalCount nodes { accountId name state } pageInfo { hasNextPage } } }',
    ],
    [
      'the tree',
      '{ organization { id roots { units { nodes { name } } accounts(recursive: true) { nodes { accountId parent { id } } } } } }',
    ],
    [
      'access to one account',
      '{ account(id: "123456789012") { access { status roleArn failure { code } } } }',
    ],
    ['a fragment on Account', 'query { accounts { nodes { ...A } } } fragment A on Account { name email }'],
    ['introspection', '{ __schema { queryType { name } } __type(name: "Instance") { fields { name } } }'],
  ])('is false for %s', (_what, query) => {
    expect(mayReadEc2(schema, valid(query))).toBe(false);
  });

  it.each([
    ['instances', '{ instances { nodes { instanceId } } }'],
    ["an account's Regions", '{ accounts { nodes { regions { nodes { name } } } } }'],
    ['a Region by name', '{ account(id: "123456789012") { region(name: "us-east-1") { name } } }'],
    [
      'a fragment that reads VPCs',
      'query { accounts { nodes { ...V } } } fragment V on Account { vpcs { totalCount } }',
    ],
    ['an inline fragment', '{ accounts { nodes { ... on Account { subnets { totalCount } } } } }'],
    ['node by id', '{ node(id: "x") { id } }'],
  ])('is true for %s', (_what, query) => {
    expect(mayReadEc2(schema, valid(query))).toBe(true);
  });
});
