// Plugs the fast reader into an EC2 client: its deserialize-step middleware ("deserializerMiddleware")
// is replaced by one that, for the operations of the table below and a 2xx answer, reads the body with
// reader.ts and builds the output the SDK would (restricted to projection.ts's fields) with the same
// $metadata. Every other case goes to the SDK's own deserializer, with the same response: other
// operations, errors (non-2xx: the SDK's error deserializer, so classification is unchanged), and any
// answer the reader does not understand.
import type { EC2Client } from '@aws-sdk/client-ec2';
import type {
  DeserializeHandler,
  DeserializeHandlerArguments,
  DeserializeHandlerOutput,
  DeserializeMiddleware,
  HandlerExecutionContext,
  MiddlewareStack,
} from '@smithy/types';
import { Readable } from 'node:stream';
import type { ReadOperation } from './projection.js';
import type { ReadOutput } from './reader.js';
import { readEc2Response } from './reader.js';

/**
 * The operations read by the fast reader: command name → the OUTPUTS entry of projection.ts. Adding
 * an operation is one line here and one shape there.
 */
export const FAST_READ_OPERATIONS: Readonly<Record<string, ReadOperation>> = {
  DescribeInstancesCommand: 'DescribeInstances',
  DescribeVpcsCommand: 'DescribeVpcs',
  DescribeSubnetsCommand: 'DescribeSubnets',
  DescribeSecurityGroupsCommand: 'DescribeSecurityGroups',
};

const DESERIALIZER = 'deserializerMiddleware';

/** Who read an answer: the fast reader, or the SDK (and why). */
export type ReadPath = 'fast' | 'sdk-not-understood' | 'sdk-status';

export interface Ec2ReaderOptions {
  /** Told which path each answer of a FAST_READ_OPERATIONS operation took (tests, metrics). */
  onRead?: (operation: ReadOperation, path: ReadPath) => void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the EC2 client's stack, any operation
type AnyStack = MiddlewareStack<any, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's deserializer, any operation
type AnyDeserializer = DeserializeMiddleware<any, any>;

/** The SDK's deserializer middleware of `stack` and its place, read through applyToStack. */
function sdkDeserializer(stack: AnyStack): { middleware: AnyDeserializer; priority?: string } | undefined {
  let found: { middleware: AnyDeserializer; priority?: string } | undefined;
  const recorder = {
    add: (middleware: AnyDeserializer, options: { name?: string; step?: string; priority?: string }) => {
      if (options.name === DESERIALIZER && options.step === 'deserialize')
        found = { middleware, ...(options.priority !== undefined ? { priority: options.priority } : {}) };
    },
    addRelativeTo: () => undefined,
    identifyOnResolve: () => false,
  };
  stack.applyToStack(recorder as unknown as AnyStack);
  return found;
}

/**
 * Replaces `client`'s deserializer by the fast reader for FAST_READ_OPERATIONS. Returns false (and
 * changes nothing) if the client has no SDK deserializer where this SDK version keeps it.
 */
export function installEc2Readers(
  client: Pick<EC2Client, 'middlewareStack'>,
  options: Ec2ReaderOptions = {},
): boolean {
  const stack = client.middlewareStack as AnyStack;
  const sdk = sdkDeserializer(stack);
  if (!sdk) return false;
  const middleware: AnyDeserializer = (next, context) => {
    const operation = FAST_READ_OPERATIONS[String(context.commandName)];
    if (operation === undefined) return sdk.middleware(next, context);
    return fastHandler(operation, next, context, sdk.middleware, options);
  };
  stack.add(middleware, {
    step: 'deserialize',
    name: DESERIALIZER,
    tags: ['DESERIALIZER'],
    override: true,
    ...(sdk.priority !== undefined ? { priority: sdk.priority as 'normal' } : {}),
  });
  return true;
}

interface RawResponse {
  statusCode: number;
  headers: Record<string, string>;
  body?: unknown;
}

function fastHandler(
  operation: ReadOperation,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any operation's handler
  next: DeserializeHandler<any, any>,
  context: HandlerExecutionContext,
  sdk: AnyDeserializer,
  options: Ec2ReaderOptions,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any operation's arguments
): (args: DeserializeHandlerArguments<any>) => Promise<DeserializeHandlerOutput<any>> {
  return async (args) => {
    const { response } = await next(args);
    // The SDK's deserializer on the response already received (no second request).
    const bySdk = (path: ReadPath) => {
      options.onRead?.(operation, path);
      const replay = (async () => ({ response, output: {} })) as unknown as typeof next;
      return sdk(replay, context)(args);
    };
    const raw = response as RawResponse;
    if (!isRawResponse(raw) || raw.statusCode < 200 || raw.statusCode >= 300) return bySdk('sdk-status');
    let bytes: Uint8Array | undefined;
    try {
      bytes = await bodyBytes(raw.body);
    } catch (err) {
      // The body failed mid-way (a reset connection): the SDK's path meets the same failure, so the
      // error is decorated and classified exactly as without this reader.
      raw.body = Readable.from(failing(err));
      return bySdk('sdk-not-understood');
    }
    if (bytes === undefined) return bySdk('sdk-not-understood');
    raw.body = bytes; // read once: the SDK's path below reads these bytes
    let output: ReadOutput | undefined;
    try {
      output = readEc2Response(
        operation,
        Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
        bytes,
      );
    } catch {
      output = undefined; // a bug here must not fail the call: the SDK reads it
    }
    if (output === undefined || bytes.byteLength === 0) return bySdk('sdk-not-understood');
    options.onRead?.(operation, 'fast');
    // As the SDK's query protocol does before reading a successful answer.
    for (const header of Object.keys(raw.headers)) {
      const value = raw.headers[header]!;
      delete raw.headers[header];
      raw.headers[header.toLowerCase()] = value;
    }
    output['$metadata'] = {
      httpStatusCode: raw.statusCode,
      requestId:
        raw.headers['x-amzn-requestid'] ??
        raw.headers['x-amzn-request-id'] ??
        raw.headers['x-amz-request-id'],
      extendedRequestId: raw.headers['x-amz-id-2'],
      cfId: raw.headers['x-amz-cf-id'],
    };
    return { response, output };
  };
}

function isRawResponse(value: RawResponse): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof value.statusCode === 'number' &&
    typeof value.headers === 'object' &&
    value.headers !== null
  );
}

// eslint-disable-next-line require-yield -- a stream that only fails
async function* failing(err: unknown): AsyncGenerator<never> {
  throw err;
}

/** The whole body (a Node stream from the HTTP handler, or bytes); undefined for anything else. */
async function bodyBytes(body: unknown): Promise<Uint8Array | undefined> {
  if (body === undefined || body === null) return new Uint8Array();
  if (body instanceof Uint8Array) return body;
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer | string>)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
