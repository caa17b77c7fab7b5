import { describe, it, expect } from 'vitest';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Logger } from '@smithy/types';
import { createStsClient } from '../../src/credentials/sts.js';
import { SDK_CLIENT_LOGGER } from '../../src/aws/client-pool.js';

/** The host a request of this client would go to, captured before anything is sent. */
async function hostFor(region: string, endpoint?: string): Promise<string> {
  const client = createStsClient({
    region,
    credentials: async () => ({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' }),
    ...(endpoint !== undefined ? { endpoint } : {}),
  });
  let host = '';
  client.middlewareStack.add(
    () => async (args) => {
      const request = args.request as { hostname: string; port?: number };
      host = request.port ? `${request.hostname}:${request.port}` : request.hostname;
      throw new Error('captured');
    },
    { step: 'build' },
  );
  await expect(client.send(new GetCallerIdentityCommand({}))).rejects.toThrow('captured');
  client.destroy();
  return host;
}

describe('createStsClient', () => {
  it("has the pool's logger: warn, no info (the SDK would redact a copy of every AssumeRole answer for it)", () => {
    const client = createStsClient({
      region: 'us-east-1',
      credentials: async () => ({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' }),
    });
    const logger = client.config.logger as Partial<Logger>;
    expect(logger).toBe(SDK_CLIENT_LOGGER);
    expect(logger.info).toBeUndefined();
    expect(typeof logger.warn).toBe('function');
    client.destroy();
  });

  it('calls the regional STS endpoint, so tokens are valid in opt-in Regions', async () => {
    expect(await hostFor('ap-east-1')).toBe('sts.ap-east-1.amazonaws.com');
    expect(await hostFor('eu-west-1')).toBe('sts.eu-west-1.amazonaws.com');
    expect(await hostFor('us-east-1')).toBe('sts.us-east-1.amazonaws.com');
  });

  it('uses an endpoint override when given', async () => {
    expect(await hostFor('eu-west-1', 'http://127.0.0.1:4566')).toBe('127.0.0.1:4566');
  });
});
