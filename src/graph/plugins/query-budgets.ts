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
          const estimateWith = (fanOutAccounts: () => Promise<number>) =>
            estimateAwsCalls({
              schema,
              config: contextValue.config,
              operation,
              fragments: Object.fromEntries(
                document.definitions
                  .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
                  .map((f) => [f.name.value, f]),
              ),
              variables: coerced.coerced,
              fanOutAccounts,
            });
          const max = limits.maxAwsCalls;
          if (limits.checkAwsCalls === 'as-accounts-arrive' && contextValue.organizations.hasOrganization) {
            const gate = await accountGate((n) => estimateWith(async () => n), max);
            if (gate.refuseNow) throw refusal(callsRefusal(gate.refuseNow, max, BEFORE_ANY_CALL));
            if (gate.maxAccounts !== undefined) {
              const over = gate.overLimit as CallEstimate;
              const maxAccounts = gate.maxAccounts;
              contextValue.targets.limitFanOutAccounts(maxAccounts, (count) => {
                const error = refusal(callsRefusal(over, max, stoppedAt(count, maxAccounts)));
                contextValue.budget.stop(error);
                return error;
              });
            }
            return;
          }
          const estimate = await estimateWith(async () => {
            try {
              const accounts = await contextValue.targets.accounts();
              return accounts.filter((a) => contextValue.targets.fansOut(a)).length;
            } catch {
              // Without the account list no fan-out can start, so none costs a call; the fields
              // report the failure themselves.
              return 0;
            }
          });
          if (estimate.total > max) throw refusal(callsRefusal(estimate, max, BEFORE_ANY_CALL));
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

/**
 * For an account list still to be read: the most accounts (in scope, in a fan-out state) the query's
 * estimate allows within `max` calls — found by bisection, the estimate growing with the accounts —
 * and the estimate one account past it; or the estimate to refuse at once when even no account fits.
 * No limit when the estimate does not grow with the accounts.
 */
async function accountGate(
  estimate: (accounts: number) => Promise<CallEstimate>,
  max: number,
): Promise<{ refuseNow?: CallEstimate; maxAccounts?: number; overLimit?: CallEstimate }> {
  const none = await estimate(0);
  if (none.total > max) return { refuseNow: none };
  // Every account a fan-out reads costs at least its AssumeRole, so max + 1 accounts never fit.
  let over = await estimate(max + 1);
  if (over.total <= max) return {};
  let low = 0;
  let high = max + 1;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    const at = await estimate(middle);
    if (at.total <= max) low = middle;
    else {
      high = middle;
      over = at;
    }
  }
  return { maxAccounts: low, overLimit: over };
}

/** How a refusal ends: what the estimate is (`bound`) and what became of the query. */
interface Outcome {
  bound: 'up to' | 'at least';
  text: string;
}

const BEFORE_ANY_CALL: Outcome = { bound: 'up to', text: 'so nothing was called.' };

function stoppedAt(count: number, maxAccounts: number): Outcome {
  const text =
    `so the query was stopped when the account list, read as it arrives (graph.limits.checkAwsCalls), ` +
    `reached ${count} accounts to read (at most ${maxAccounts} fit); calls for the accounts before were made.`;
  return { bound: 'at least', text };
}

function callsRefusal(estimate: CallEstimate, limit: number, outcome: Outcome): GraphQLError {
  return queryTooExpensive(callsMessage(estimate, limit, outcome), 'estimatedCalls', estimate.total, limit);
}

function callsMessage(estimate: CallEstimate, limit: number, outcome: Outcome): string {
  const parts = [
    `${estimate.ec2} EC2`,
    ...(estimate.assumeRole ? [`${estimate.assumeRole} AssumeRole`] : []),
    ...(estimate.describeRegions ? [`${estimate.describeRegions} DescribeRegions`] : []),
  ];
  const costliest = estimate.costliest
    ? ` The costliest field is '${estimate.costliest.path}' (${estimate.costliest.calls} EC2 calls).`
    : '';
  return (
    `The query could make ${outcome.bound} ${estimate.total} AWS calls (${parts.join(', ')}), more than the ${limit} allowed (graph.limits.maxAwsCalls), ${outcome.text}${costliest}` +
    ' Narrow it: where: { accountIds, regions } on the lists, fewer aliased or nested lists, or a configured graph.regions.'
  );
}
