// Fills the request's record (request-record.ts) with what only GraphQL knows: the operation's name
// and the error codes of the answer, for the request's log line.
import type { GatewayPlugin } from '../gateway.js';
import { currentRecord } from './request-record.js';

export function useRequestRecord(): GatewayPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, operation, response }) {
          const record = currentRecord();
          if (!record) return;
          const name = operation?.name?.value ?? request.operationName;
          if (name) record.operationName = name;
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) {
            const code = error.extensions?.['code'];
            record.errorCodes.add(typeof code === 'string' ? code : 'UNKNOWN');
          }
        },
      };
    },
  };
}
