// The executable schema: the SDL of schema/*.graphql (found relative to this module, so it works from
// src/ under vitest and from dist/ after the build) with the resolvers attached. graphql-js alone does
// this; every resolver must name a type and field the SDL declares, or building fails.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GraphQLFieldResolver, GraphQLSchema, GraphQLTypeResolver } from 'graphql';
import {
  GraphQLInterfaceType,
  GraphQLObjectType,
  GraphQLScalarType,
  buildSchema,
} from './graphql-runtime.js';
import type { Resolvers } from './generated/resolvers-types.js';

/** schema/ at the package root: two levels above src/graph/ and dist/graph/ alike. */
export const SCHEMA_DIR = fileURLToPath(new URL('../../schema/', import.meta.url));

/** The SDL files in name order, concatenated. */
export function loadTypeDefs(dir: string = SCHEMA_DIR): string {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort();
  if (files.length === 0) throw new Error(`no *.graphql files in ${dir}`);
  return files.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
}

export function buildExecutableSchema(
  resolvers: Resolvers,
  typeDefs: string = loadTypeDefs(),
): GraphQLSchema {
  const schema = buildSchema(typeDefs);
  for (const [typeName, typeResolvers] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!type) throw new Error(`resolvers name type ${typeName}, which the schema does not declare`);
    if (type instanceof GraphQLScalarType) {
      if (!(typeResolvers instanceof GraphQLScalarType))
        throw new Error(`the resolver of scalar ${typeName} must be a GraphQLScalarType`);
      type.serialize = typeResolvers.serialize;
      type.parseValue = typeResolvers.parseValue;
      type.parseLiteral = typeResolvers.parseLiteral;
      continue;
    }
    for (const [fieldName, resolver] of Object.entries(typeResolvers as Record<string, unknown>)) {
      if (fieldName === '__resolveType') {
        if (!(type instanceof GraphQLInterfaceType))
          throw new Error(`${typeName} is not an interface; __resolveType is not allowed`);
        type.resolveType = resolver as GraphQLTypeResolver<unknown, unknown>;
        continue;
      }
      if (!(type instanceof GraphQLObjectType) && !(type instanceof GraphQLInterfaceType))
        throw new Error(`${typeName} has no fields to resolve`);
      const field = type.getFields()[fieldName];
      if (!field)
        throw new Error(`resolvers name field ${typeName}.${fieldName}, which the schema does not declare`);
      if (typeof resolver !== 'function')
        throw new Error(`the resolver of ${typeName}.${fieldName} must be a function`);
      // Codegen's resolver type and graphql-js's differ only in how they spell the parent and args.
      field.resolve = resolver as GraphQLFieldResolver<unknown, unknown>;
    }
  }
  return schema;
}
