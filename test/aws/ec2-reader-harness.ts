// The differential harness of the fast EC2 reader: captures real answers (from the sim or moto) off
// the wire, then replays each body into two EC2 clients — the SDK's own deserializer, and the fast
// reader installed as the pool installs it — and compares the reader's output with the SDK's output
// projected through the same description the reader is built from (projection.ts).
import { Readable } from 'node:stream';
import {
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { HttpResponse } from '@smithy/protocol-http';
import type { HttpRequest } from '@smithy/protocol-http';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { expect } from 'vitest';
import { installEc2Readers } from '../../src/aws/ec2-reader/install.js';
import type { ReadPath } from '../../src/aws/ec2-reader/install.js';
import { OUTPUTS, project } from '../../src/aws/ec2-reader/projection.js';
import type { ReadOperation } from '../../src/aws/ec2-reader/projection.js';

export interface CapturedAnswer {
  operation: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Wraps `inner`: every answer's body is read whole, recorded in `into`, and handed on as bytes. */
export function capturingHandler(inner: NodeHttpHandler, into: CapturedAnswer[]): NodeHttpHandler {
  const handler = {
    handle: async (request: HttpRequest, options?: { abortSignal?: AbortSignal }) => {
      const { response } = await inner.handle(request, options);
      const chunks: Buffer[] = [];
      for await (const chunk of response.body as AsyncIterable<Buffer>) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      const operation = /(?:^|&)Action=(\w+)/.exec(String(request.body ?? ''))?.[1] ?? '';
      into.push({
        operation,
        status: response.statusCode,
        headers: { ...response.headers },
        body: body.toString('utf8'),
      });
      return { response: new HttpResponse({ ...response, body }) };
    },
    destroy: () => inner.destroy(),
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
  };
  return handler as unknown as NodeHttpHandler;
}

const COMMANDS = {
  DescribeInstances: () => new DescribeInstancesCommand({}),
  DescribeVpcs: () => new DescribeVpcsCommand({}),
  DescribeSubnets: () => new DescribeSubnetsCommand({}),
  DescribeSecurityGroups: () => new DescribeSecurityGroupsCommand({}),
};

/** An EC2 client whose every call is answered with `answer` (no network); with or without the reader. */
function replayClient(
  answer: Omit<CapturedAnswer, 'operation'>,
  fast: boolean,
  paths: ReadPath[],
): EC2Client {
  const client = new EC2Client({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'AKIAREPLAY0000000000', secretAccessKey: 'replay' },
    maxAttempts: 1,
    requestHandler: {
      handle: async () => ({
        response: new HttpResponse({
          statusCode: answer.status,
          headers: { ...answer.headers },
          // A stream, as the real handler gives it, in two chunks (one may split a character).
          body: Readable.from(splitInTwo(Buffer.from(answer.body, 'utf8'))),
        }),
      }),
    },
  });
  if (fast) installEc2Readers(client, { onRead: (_, path) => paths.push(path) });
  return client;
}

function splitInTwo(bytes: Buffer): Buffer[] {
  const half = Math.floor(bytes.length / 2);
  return bytes.length < 2 ? [bytes] : [bytes.subarray(0, half), bytes.subarray(half)];
}

export type Outcome =
  | { ok: Record<string, unknown> }
  | { error: { name: string; message: string; fault: unknown; status: unknown; requestId: unknown } };

async function outcome(client: EC2Client, operation: ReadOperation): Promise<Outcome> {
  try {
    return { ok: (await client.send(COMMANDS[operation]())) as unknown as Record<string, unknown> };
  } catch (err) {
    const e = err as Error & {
      $fault?: unknown;
      $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
    };
    return {
      error: {
        name: e.name,
        message: e.message,
        fault: e.$fault,
        status: e.$metadata?.httpStatusCode,
        requestId: e.$metadata?.requestId,
      },
    };
  }
}

export interface Compared {
  /** The path the fast client took. */
  path: ReadPath | undefined;
  sdk: Outcome;
  fast: Outcome;
}

/**
 * Replays `answer` into both clients and asserts they agree: the reader's output is exactly the SDK's
 * output projected (same $metadata), or both fail with the same error.
 */
export async function compareBothWays(
  operation: ReadOperation,
  answer: Omit<CapturedAnswer, 'operation'>,
): Promise<Compared> {
  const paths: ReadPath[] = [];
  const sdk = await outcome(replayClient(answer, false, []), operation);
  const fast = await outcome(replayClient(answer, true, paths), operation);
  expect(paths.length).toBe(1);
  if (paths[0] === 'fast' && 'ok' in sdk) {
    expect('ok' in fast, JSON.stringify(fast)).toBe(true);
    const { $metadata, ...rest } = sdk.ok;
    const expected = { ...project(OUTPUTS[operation], rest), $metadata };
    expect((fast as { ok: unknown }).ok).toStrictEqual(expected);
  } else {
    // Read by the SDK after all (or refused by it): exactly the SDK's outcome.
    expect(fast).toStrictEqual(sdk);
  }
  return { path: paths[0], sdk, fast };
}

/** Every value of `field` (a path of members, lists flattened) in an SDK-shaped output. */
export function valuesAt(output: unknown, path: string[]): unknown[] {
  let current: unknown[] = [output];
  for (const member of path) {
    current = current.flatMap((v) => {
      const next = (v as Record<string, unknown> | undefined)?.[member];
      return next === undefined ? [] : Array.isArray(next) ? next : [next];
    });
  }
  return current;
}

export const READ_OPERATIONS = Object.keys(COMMANDS) as ReadOperation[];
