// Partial results: a fan-out returns every healthy target's items and lists the failed (account,
// Region) targets in `failures`; this plugin adds one errors[] entry for each, with the field's path and
// the failure's facts in extensions — errors that graphql-js cannot raise without failing the field.
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { GraphContext } from '../context.js';

export type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

export function usePartialErrors(formatError: FormatError): ApolloServerPlugin<GraphContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          const extra = contextValue.partialErrors;
          if (extra.length === 0 || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const formatted = extra.map((error) => formatError(error.toJSON(), error));
          result.errors = [...(result.errors ?? []), ...formatted];
        },
      };
    },
  };
}
