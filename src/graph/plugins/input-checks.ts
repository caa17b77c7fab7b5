// Refuses bad input before any AWS call: once the operation is parsed, validated and chosen, and before
// it runs, every argument of every field it selects (nested ones and those in fragments included) is
// checked with the argument rules (argument-checks.ts) — so a bad `where` deep inside a nested list
// costs no call for its parents either. Mutations and subscriptions are refused too: orgraph is
// read-only, and its schema declares neither.
//
// Apollo calls every plugin's didResolveOperation at once: this hook does its work synchronously, so a
// refusal is recorded (request.refused) before any hook that follows it in the plugin list starts.
import type { ApolloServerPlugin } from '@apollo/server';
import type {
  FragmentDefinitionNode,
  GraphQLNamedType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import type { CheckEnv } from '../argument-checks.js';
import { argumentRefusal, checkEnv } from '../argument-checks.js';
import type { GraphContext } from '../context.js';
import {
  GraphQLError,
  Kind,
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isInterfaceType,
  isObjectType,
} from '../graphql-runtime.js';

export function useInputChecks(): ApolloServerPlugin<GraphContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, schema, contextValue }) {
          if (!operation) return;
          const refusal = operationRefusal(
            schema,
            operation,
            fragmentsOf(document.definitions),
            request.variables ?? {},
            checkEnv(contextValue),
          );
          if (refusal) {
            contextValue.request.refused = true;
            throw refusal;
          }
        },
      };
    },
  };
}

/** The first refusal of an operation, or undefined when its input is fine. */
export function operationRefusal(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  env: CheckEnv,
): GraphQLError | undefined {
  if (operation.operation !== 'query')
    return refused(
      `orgraph is read-only: it answers queries, and a ${operation.operation} operation has nothing to run; send a query instead`,
      operation,
    );
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  // Bad variables are reported by execution itself, with graphql-js's own messages.
  if (coerced.errors) return undefined;
  const root = schema.getQueryType();
  if (!root) return undefined;
  const walk = new Walk(schema, fragments, coerced.coerced, env);
  return walk.selections(root, operation.selectionSet, '');
}

function refused(message: string, node: OperationDefinitionNode | undefined): GraphQLError {
  return new GraphQLError(message, {
    ...(node ? { nodes: [node] } : {}),
    // An HTTP transport answers 400 (Apollo takes the status from here and drops it from the body).
    extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
  });
}

/** Visits each fragment once (its arguments do not depend on where it is spread), so repeated spreads cost nothing. */
class Walk {
  readonly #seen = new Set<string>();

  constructor(
    readonly schema: GraphQLSchema,
    readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    readonly variables: Record<string, unknown>,
    readonly env: CheckEnv,
  ) {}

  selections(type: GraphQLNamedType, set: SelectionSetNode, path: string): GraphQLError | undefined {
    if (!isObjectType(type) && !isInterfaceType(type)) return undefined;
    for (const selection of set.selections) {
      let error: GraphQLError | undefined;
      if (selection.kind === Kind.FIELD) {
        const field = type.getFields()[selection.name.value];
        if (!field) continue; // __typename and other meta fields
        const label = path ? `${path}.${(selection.alias ?? selection.name).value}` : selection.name.value;
        const args = getArgumentValues(field, selection, this.variables);
        const refusal = argumentRefusal(type.name, field.name, args, this.env);
        if (refusal)
          return new GraphQLError(`Argument ${refusal.argument} of ${label} ${refusal.problem}`, {
            nodes: [selection],
            extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
          });
        if (selection.selectionSet)
          error = this.selections(getNamedType(field.type), selection.selectionSet, label);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const inner = selection.typeCondition
          ? this.schema.getType(selection.typeCondition.name.value)
          : type;
        if (inner) error = this.selections(inner, selection.selectionSet, path);
      } else {
        const fragment = this.fragments.get(selection.name.value);
        const inner = fragment && this.schema.getType(fragment.typeCondition.name.value);
        if (fragment && inner && !this.#seen.has(fragment.name.value)) {
          this.#seen.add(fragment.name.value);
          error = this.selections(inner, fragment.selectionSet, path);
        }
      }
      if (error) return error;
    }
    return undefined;
  }
}

function fragmentsOf(definitions: readonly { kind: string }[]): ReadonlyMap<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      const fragment = definition as FragmentDefinitionNode;
      fragments.set(fragment.name.value, fragment);
    }
  return fragments;
}
