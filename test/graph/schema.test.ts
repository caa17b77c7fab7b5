import { describe, it, expect } from 'vitest';
import type { GraphQLObjectType } from 'graphql';
import { SCHEMA_DIR, buildExecutableSchema, loadTypeDefs } from '../../src/graph/schema.js';
import { resolvers } from '../../src/graph/resolvers/index.js';

describe('schema loading', () => {
  it('reads every schema/*.graphql file relative to the module', () => {
    const sdl = loadTypeDefs();
    expect(SCHEMA_DIR).toMatch(/schema\/$/);
    for (const type of [
      'type Query',
      'type Organization',
      'type Account',
      'type Region',
      'type Vpc',
      'type Subnet',
      'type Instance',
      'directive @fresh',
    ]) {
      expect(sdl).toContain(type);
    }
  });

  it('attaches a resolver to every field whose value is not a plain property of its model', () => {
    const schema = buildExecutableSchema(resolvers);
    // Types whose parents are internal models must resolve every field explicitly.
    for (const name of [
      'Query',
      'Organization',
      'OrganizationalUnit',
      'Account',
      'Region',
      'Vpc',
      'Subnet',
      'Instance',
      'AccountAccess',
    ]) {
      // (No isObjectType here: the test's bare 'graphql' import may be another instance; see graphql-runtime.ts.)
      const type = schema.getType(name) as GraphQLObjectType | undefined;
      if (!type) throw new Error(`${name} is not declared`);
      const unresolved = Object.values(type.getFields())
        .filter((f) => f.resolve === undefined)
        .map((f) => `${name}.${f.name}`);
      expect(unresolved).toEqual([]);
    }
  });

  it('refuses a resolver for a field the schema does not declare', () => {
    expect(() =>
      buildExecutableSchema({ ...resolvers, Account: { ...resolvers.Account, nickname: () => 'x' } }),
    ).toThrow('resolvers name field Account.nickname, which the schema does not declare');
  });
});
