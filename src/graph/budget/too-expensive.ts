// The one error every query budget raises: QUERY_TOO_EXPENSIVE, with the measure that was over its
// limit in extensions ({ estimatedCalls, limit } for AWS calls, { items, limit } for the answer's size,
// { depth | aliases | rootFields, limit } for the operation's shape) and a message saying what to narrow.
import type { GraphQLError as GraphQLErrorType } from 'graphql';
import { GraphQLError } from '../graphql-runtime.js';

declare module 'graphql' {
  interface GraphQLErrorExtensions {
    estimatedCalls?: number;
    items?: number;
    depth?: number;
    aliases?: number;
    rootFields?: number;
    limit?: number;
  }
}

export const QUERY_TOO_EXPENSIVE = 'QUERY_TOO_EXPENSIVE';

export type BudgetMeasure = 'estimatedCalls' | 'items' | 'depth' | 'aliases' | 'rootFields';

export function queryTooExpensive(
  message: string,
  measure: BudgetMeasure,
  value: number,
  limit: number,
): GraphQLErrorType {
  return new GraphQLError(message, {
    extensions: { code: QUERY_TOO_EXPENSIVE, [measure]: value, limit },
  });
}
