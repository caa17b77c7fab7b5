// Limits on an operation's shape, checked before anything runs: nesting depth and aliases (GraphQL
// Armor's rules, which count through fragments) and root fields (a rule of our own: Armor has none).
// Every refusal is QUERY_TOO_EXPENSIVE with { depth | aliases | rootFields, limit } in extensions,
// like the other budgets, instead of Armor's "Syntax Error: …" validation error.
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLError,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  ValidationRule,
} from 'graphql';
import { Kind, validate } from 'graphql/index.js';
import type { QueryLimits } from '../../config/graph.js';
import type { BudgetMeasure } from './too-expensive.js';
import { queryTooExpensive } from './too-expensive.js';

type ShapeLimits = Pick<QueryLimits, 'maxDepth' | 'maxAliases' | 'maxRootFields'>;

/** The first limit the operation breaks, as a QUERY_TOO_EXPENSIVE error; undefined when it fits. */
export function shapeLimitError(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  limits: ShapeLimits,
): GraphQLError | undefined {
  const rejected: { measure: BudgetMeasure; found: number; limit: number }[] = [];
  const onReject =
    (measure: BudgetMeasure, limit: number) =>
    (_context: unknown, error: { message: string }): void => {
      // Armor says "… limit of N exceeded, found M."; M is the measure (the limit + 1 if absent).
      const found = /found (\d+)/.exec(error.message)?.[1];
      rejected.push({ measure, found: found === undefined ? limit + 1 : Number(found), limit });
    };
  const rules = [
    maxDepthRule({
      n: limits.maxDepth,
      flattenFragments: true,
      propagateOnRejection: false,
      onReject: [onReject('depth', limits.maxDepth)],
    }),
    maxAliasesRule({
      n: limits.maxAliases,
      propagateOnRejection: false,
      onReject: [onReject('aliases', limits.maxAliases)],
    }),
    // Armor's rules are typed against their own copy of graphql's types; the shapes are the same.
  ] as unknown as ValidationRule[];
  validate(schema, { ...document, definitions: [operation, ...fragmentsOf(document)] }, rules);
  const rootFields = countRootFields(operation.selectionSet, fragmentMap(document), new Set());
  if (rootFields > limits.maxRootFields)
    rejected.push({ measure: 'rootFields', found: rootFields, limit: limits.maxRootFields });
  const first = rejected[0];
  return (
    first &&
    queryTooExpensive(
      MESSAGES[first.measure](first.found, first.limit),
      first.measure,
      first.found,
      first.limit,
    )
  );
}

const MESSAGES: Record<BudgetMeasure, (found: number, limit: number) => string> = {
  depth: (found, limit) =>
    `The query nests fields ${found} levels deep; at most ${limit} are allowed (graph.limits.maxDepth). Select fewer nested lists and objects, or ask for the deeper part in a second query (node(id) fetches any object again).`,
  aliases: (found, limit) =>
    `The query has ${found} aliased fields; at most ${limit} are allowed (graph.limits.maxAliases). Combine them: one list with a where that covers several values instead of one alias per value.`,
  rootFields: (found, limit) =>
    `The query asks for ${found} top-level fields; at most ${limit} are allowed (graph.limits.maxRootFields). Split it into several queries.`,
  estimatedCalls: (found, limit) => `The query could make ${found} AWS calls; at most ${limit} are allowed.`,
  items: (found, limit) => `The answer would hold ${found} items; at most ${limit} are allowed.`,
};

function fragmentsOf(document: DocumentNode): FragmentDefinitionNode[] {
  return document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
}

function fragmentMap(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  return new Map(fragmentsOf(document).map((f) => [f.name.value, f]));
}

/** Fields at the top of the operation, through fragments; __typename is free. */
function countRootFields(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  seen: ReadonlySet<string>,
): number {
  let count = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== '__typename') count++;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += countRootFields(selection.selectionSet, fragments, seen);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment && !seen.has(fragment.name.value))
        count += countRootFields(fragment.selectionSet, fragments, new Set([...seen, fragment.name.value]));
    }
  }
  return count;
}
