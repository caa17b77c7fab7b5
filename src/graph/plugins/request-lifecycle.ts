// The request's lifecycle around execution: @fresh on the operation makes every data call of the
// request bypass the response cache; once the response is sent, the request's remaining work and its
// deadline timer are stopped.
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphContext } from '../context.js';

export function useRequestLifecycle(): ApolloServerPlugin<GraphContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (operation?.directives?.some((d) => d.name.value === 'fresh')) contextValue.request.fresh = true;
        },
        async willSendResponse({ contextValue }) {
          contextValue.dispose();
        },
      };
    },
  };
}
