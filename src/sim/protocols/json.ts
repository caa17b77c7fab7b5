// The AWS JSON 1.1 protocol (Organizations): POST /, X-Amz-Target: <Prefix>.<Operation>, JSON bodies,
// errors as {"__type": "...", "Message": "..."} with the code also in x-amzn-ErrorType.
import type { RawRequest, SimResponse } from '../types.js';
import { SimError } from '../types.js';

export function parseJsonTarget(
  raw: RawRequest,
  prefix: string,
): { operation: string; params: Record<string, unknown> } {
  const target = String(raw.headers['x-amz-target'] ?? '');
  if (!target.startsWith(prefix + '.')) {
    throw new SimError(
      'UnknownOperationException',
      `Unknown operation ${target || '(no X-Amz-Target)'}`,
      400,
    );
  }
  const text = raw.body.toString('utf8').trim();
  let params: unknown = {};
  if (text) {
    try {
      params = JSON.parse(text);
    } catch {
      throw new SimError('SerializationException', 'Request body is not valid JSON', 400);
    }
  }
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new SimError('SerializationException', 'Request body must be a JSON object', 400);
  }
  return { operation: target.slice(prefix.length + 1), params: params as Record<string, unknown> };
}

export function jsonResponse(status: number, body: unknown, requestId: string): SimResponse {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
    body: JSON.stringify(body),
  };
}

export function jsonErrorResponse(err: SimError, requestId: string): SimResponse {
  return {
    status: err.status,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': err.code,
    },
    body: JSON.stringify({ __type: err.code, Message: err.message }),
  };
}
