// The STS client the credentials layer uses for AssumeRole and GetCallerIdentity: regional endpoint
// (tokens from a regional endpoint are valid in opt-in Regions, global-endpoint ones are not), the
// central principal's credentials, and the shared HTTP handler when one is given.
import { AssumeRoleCommand, STSClient } from '../aws/sdk-clients.js';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { withTimeout } from '../aws/timeout.js';
import type { AwsCallObserver } from '../aws/call-observer.js';
import { observeAwsCalls } from '../aws/call-observer.js';
import { SDK_CLIENT_LOGGER } from '../aws/client-pool.js';

export interface StsClientOptions {
  /** The Region whose STS endpoint is called (sts.<region>.amazonaws.com). */
  region: string;
  credentials: AwsCredentialIdentityProvider;
  /** Endpoint override (see src/aws/endpoints.ts); undefined = the SDK's regional endpoint. */
  endpoint?: string;
  requestHandler?: NodeHttpHandler;
  /** SDK attempts per call (standard retry mode). Default 3. */
  maxAttempts?: number;
  /** Told about every request the client sends (metrics, debug logs). */
  observer?: AwsCallObserver;
}

export function createStsClient(options: StsClientOptions): STSClient {
  const client = new STSClient({
    region: options.region,
    credentials: options.credentials,
    // Regional is the v3 default; said explicitly because the whole design depends on it.
    useGlobalEndpoint: false,
    // As the pool's clients: no `info`, so the SDK does not redact a copy of every answer for it.
    logger: SDK_CLIENT_LOGGER,
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.requestHandler !== undefined ? { requestHandler: options.requestHandler } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  });
  observeAwsCalls(client, options.observer, { service: 'sts', region: options.region });
  return client;
}

export interface AssumeRoleParams {
  RoleArn: string;
  RoleSessionName: string;
  DurationSeconds: number;
  ExternalId?: string;
}

/** The broker's only way to reach STS; tests inject a fake with the same shape. */
export type AssumeRoleFn = (params: AssumeRoleParams) => Promise<AwsCredentialIdentity>;

/**
 * AssumeRole through `client`. With `timeoutMs` the request is cut after that long (CallTimeoutError):
 * an STS that never answers must not leave the account's shared session pending forever.
 */
export function stsAssumeRole(client: STSClient, timeoutMs?: number): AssumeRoleFn {
  return async (params) => {
    const command = new AssumeRoleCommand(params);
    const out =
      timeoutMs === undefined
        ? await client.send(command)
        : await withTimeout(timeoutMs, undefined, (abortSignal) => client.send(command, { abortSignal }));
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new Error(`STS AssumeRole answered without complete credentials for ${params.RoleArn}`);
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  };
}
