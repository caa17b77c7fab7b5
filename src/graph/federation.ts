// Federation mode: the same SDL and resolvers as an Apollo Federation 2 subgraph, so a company's
// supergraph can join its AWS estate with what only it knows (owners, cost centres, CI numbers).
// The schema files stay plain GraphQL: the federation directives are added here, from one table of
// entity keys, and every entity is resolved through Query.node's path (the same scope checks and
// the same per-request DataLoaders), so N representations in one (account, Region) cost one batched
// AWS call, exactly as N `node(id:)` fields do.
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph';
import type {
  ConstDirectiveNode,
  DocumentNode,
  GraphQLSchema,
  ObjectTypeDefinitionNode,
  ScalarTypeDefinitionNode,
} from 'graphql';
import { GraphQLError, graphqlSync, parse, visit } from './graphql-runtime.js';
import type { Resolvers } from './generated/resolvers-types.js';
import type { GraphContext } from './context.js';
import type { NodeTypeName } from './global-id.js';
import { encodeGlobalId } from './global-id.js';
import { KINDS, kindOfType } from './kinds/index.js';
import type { NodeModel } from './mappers.js';
import { resolveNode } from './resolvers/Node.js';
import { loadTypeDefs } from './schema.js';

/** The Federation 2 version the subgraph links; every directive used below exists in it. */
export const FEDERATION_SPEC = 'https://specs.apollo.dev/federation/v2.5';

/**
 * The keys of each entity. Every entity can be found by its global `id`; the AWS-id keys name the
 * account and Region too, because an AWS id alone does not say where the object lives (finding it
 * would mean asking every account and Region): a supergraph that knows only an instance id must also
 * know, or first ask orgraph for, its account and Region.
 */
export const ENTITY_KEYS: Readonly<Record<NodeTypeName, readonly string[]>> = {
  Organization: ['id'],
  OrganizationalUnit: ['id'],
  Account: ['id', 'accountId'],
  Region: ['id', 'name account { accountId }'],
  ...Object.fromEntries(
    KINDS.map((kind) => [kind.typename, ['id', `${kind.idField} account { accountId } region { name }`]]),
  ),
};

/** Value types other subgraphs commonly define too (Relay's PageInfo): resolvable by any of them. */
const SHAREABLE_TYPES: ReadonlySet<string> = new Set(['PageInfo']);

/** The SDL of schema/*.graphql with the federation link, @key on every entity and @shareable where right. */
export function federatedTypeDefs(typeDefs: string = loadTypeDefs()): DocumentNode {
  const document = parse(typeDefs);
  const withDirectives = visit(document, {
    ObjectTypeDefinition(node: ObjectTypeDefinitionNode): ObjectTypeDefinitionNode | undefined {
      const keys = (ENTITY_KEYS as Record<string, readonly string[] | undefined>)[node.name.value];
      const added = [
        ...(keys ?? []).map((fields) => directive('key', fields)),
        ...(SHAREABLE_TYPES.has(node.name.value) ? [directive('shareable')] : []),
      ];
      if (added.length === 0) return undefined;
      return { ...node, directives: [...(node.directives ?? []), ...added] };
    },
  });
  const link = parse(
    `extend schema @link(url: "${FEDERATION_SPEC}", import: ["@key", "@shareable"])`,
  ).definitions;
  return { ...withDirectives, definitions: [...link, ...withDirectives.definitions] };
}

/** One directive node, read from SDL text rather than assembled by hand. */
function directive(name: string, fields?: string): ConstDirectiveNode {
  const args = fields === undefined ? '' : `(fields: ${JSON.stringify(fields)})`;
  const [definition] = parse(`scalar Carrier @${name}${args}`).definitions as ScalarTypeDefinitionNode[];
  const [node] = definition?.directives ?? [];
  if (!node) throw new Error(`could not build the @${name} directive`);
  return node;
}

/** A representation as the router sends it: `__typename` plus the fields of one of the type's keys. */
type Representation = Record<string, unknown>;

/** The global id a representation names, from its `id` or from its AWS-id key. */
function globalIdOf(type: NodeTypeName, ref: Representation): string {
  if (typeof ref['id'] === 'string') return ref['id'];
  const text = (value: unknown, field: string): string => {
    if (typeof value === 'string') return value;
    throw invalidRepresentation(type, ref, `${field} must be a string`);
  };
  const accountId = (): string =>
    type === 'Account'
      ? text(ref['accountId'], 'accountId')
      : text(objectField(ref['account'])?.['accountId'], 'account.accountId');
  const regionName = (): string => text(objectField(ref['region'])?.['name'], 'region.name');
  switch (type) {
    case 'Account':
      return encodeGlobalId('Account', accountId());
    case 'Region':
      return encodeGlobalId('Region', accountId(), text(ref['name'], 'name'));
    default: {
      const kind = kindOfType(type);
      if (kind) return encodeGlobalId(type, accountId(), regionName(), text(ref[kind.idField], kind.idField));
      throw invalidRepresentation(type, ref, `expected the key ${(ENTITY_KEYS[type] ?? []).join(' or ')}`);
    }
  }
}

function objectField(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

/** A representation in a message: its JSON, cut at 200 characters. */
function representationText(ref: Representation): string {
  const text = JSON.stringify(ref);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

function invalidRepresentation(type: string, ref: Representation, why: string): GraphQLError {
  return new GraphQLError(`Invalid ${type} representation ${representationText(ref)}: ${why}`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

/** Resolves one representation; a malformed one is BAD_USER_INPUT, one naming nothing in scope NOT_FOUND. */
export async function resolveEntity(
  type: NodeTypeName,
  ref: Representation,
  ctx: GraphContext,
): Promise<NodeModel> {
  const id = globalIdOf(type, ref);
  let node: NodeModel | null;
  try {
    node = await resolveNode(id, ctx);
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions['code'] === 'BAD_USER_INPUT')
      throw invalidRepresentation(type, ref, error.message);
    throw error;
  }
  if (node === null) {
    throw new GraphQLError(
      `No ${type} ${representationText(ref)} in the accounts and Regions in scope (it does not exist, or the account or Region is outside the configured scope)`,
      { extensions: { code: 'NOT_FOUND' } },
    );
  }
  if (node.__typename !== type)
    throw invalidRepresentation(type, ref, `its id names a ${node.__typename}, not a ${type}`);
  return node;
}

/** The subgraph schema: federated SDL, the graph's resolvers, and __resolveReference on every entity. */
export function buildFederatedSchema(resolvers: Resolvers, typeDefs?: string): GraphQLSchema {
  const references = Object.fromEntries(
    (Object.keys(ENTITY_KEYS) as NodeTypeName[]).map((type) => [
      type,
      {
        ...((resolvers as Record<string, object | undefined>)[type] ?? {}),
        __resolveReference: (ref: Representation, ctx: GraphContext) => resolveEntity(type, ref, ctx),
      },
    ]),
  );
  // Codegen's resolver map and @apollo/subgraph's describe the same shape with different generics.
  const map = { ...resolvers, ...references } as unknown as GraphQLResolverMap<GraphContext>;
  return buildSubgraphSchema([{ typeDefs: federatedTypeDefs(typeDefs), resolvers: map }]);
}

/** The subgraph SDL as a supergraph's composition reads it: exactly what `_service { sdl }` answers. */
export function subgraphSdl(resolvers: Resolvers): string {
  const result = graphqlSync({ schema: buildFederatedSchema(resolvers), source: '{ _service { sdl } }' });
  const sdl = (result.data?.['_service'] as { sdl?: unknown } | undefined)?.sdl;
  if (typeof sdl !== 'string') throw new Error(`_service { sdl } failed: ${JSON.stringify(result.errors)}`);
  return sdl;
}
