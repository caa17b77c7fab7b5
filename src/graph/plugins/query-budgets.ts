// Query budgets, enforced by the engine so that every way in (library, CLI, HTTP server) has them:
// before execution, the operation's shape (depth, aliases, root fields) and its worst-case AWS calls
// are checked against graph.limits, and a query over any of them is refused with QUERY_TOO_EXPENSIVE
// before any STS or EC2 call; during execution, the response budget (ResponseBudget, counted by the
// list resolvers) stops a query whose answer grows past maxResponseItems, and this plugin then answers
// with that one error alone: the partial data it cut off, and the errors of the work it aborted, would
// only mislead.
import type { ApolloServerPlugin } from '@apollo/server';
import type { FragmentDefinitionNode, GraphQLError } from 'graphql';
import { Kind, getVariableValues } from 'graphql/index.js';
import type { GraphContext } from '../context.js';
import type { CallEstimate } from '../budget/aws-calls.js';
import { estimateAwsCalls } from '../budget/aws-calls.js';
import { shapeLimitError } from '../budget/shape-limits.js';
import { QUERY_TOO_EXPENSIVE, queryTooExpensive } from '../budget/too-expensive.js';
import type { FormatError } from './partial-errors.js';

export function useQueryBudgets(formatError: FormatError): ApolloServerPlugin<GraphContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          // Refused by the input checks (which run first and flag it synchronously): no estimate, which
          // could read the account list.
          if (!operation || contextValue.request.refused) return;
          const limits = contextValue.config.limits;
          const shape = shapeLimitError(schema, document, operation, limits);
          if (shape) throw refusal(shape);
          const coerced = getVariableValues(
            schema,
            operation.variableDefinitions ?? [],
            request.variables ?? {},
          );
          // Bad variables are execution's to report, with their own message.
          if (coerced.errors) return;
          const estimate = await estimateAwsCalls({
            schema,
            config: contextValue.config,
            operation,
            fragments: Object.fromEntries(
              document.definitions
                .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
                .map((f) => [f.name.value, f]),
            ),
            variables: coerced.coerced,
            fanOutAccounts: async () => {
              try {
                const accounts = await contextValue.targets.accounts();
                return accounts.filter((a) => contextValue.targets.fansOut(a)).length;
              } catch {
                // Without the account list no fan-out can start, so none costs a call; the fields
                // report the failure themselves.
                return 0;
              }
            },
          });
          if (estimate.total > limits.maxAwsCalls)
            throw refusal(
              queryTooExpensive(
                callsMessage(estimate, limits.maxAwsCalls),
                'estimatedCalls',
                estimate.total,
                limits.maxAwsCalls,
              ),
            );
        },
        async willSendResponse({ response, contextValue }) {
          const stopped = contextValue.budget.exceeded;
          if (!stopped || response.body.kind !== 'single') return;
          // Runs before the partial-errors plugin (see createGraph): the aborted targets are not failures.
          contextValue.partialErrors.length = 0;
          const result = response.body.singleResult;
          const located = result.errors?.find((e) => e.extensions?.['code'] === QUERY_TOO_EXPENSIVE);
          result.data = null;
          result.errors = [located ?? formatError(stopped.toJSON(), stopped)];
        },
      };
    },
  };
}

/** A refusal before execution is the client's doing: HTTP 400 when served over HTTP. */
function refusal(error: GraphQLError): GraphQLError {
  (error.extensions as Record<string, unknown>)['http'] = { status: 400 };
  return error;
}

function callsMessage(estimate: CallEstimate, limit: number): string {
  const parts = [
    `${estimate.ec2} EC2`,
    ...(estimate.assumeRole ? [`${estimate.assumeRole} AssumeRole`] : []),
    ...(estimate.describeRegions ? [`${estimate.describeRegions} DescribeRegions`] : []),
  ];
  const costliest = estimate.costliest
    ? ` The costliest field is '${estimate.costliest.path}' (${estimate.costliest.calls} EC2 calls).`
    : '';
  return (
    `The query could make up to ${estimate.total} AWS calls (${parts.join(', ')}), more than the ${limit} allowed (graph.limits.maxAwsCalls), so nothing was called.${costliest}` +
    ' Narrow it: where: { accountIds, regions } on the lists, fewer aliased or nested lists, or a configured graph.regions.'
  );
}
