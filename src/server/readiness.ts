// /readyz: is the gateway able to answer? Ready means the central credentials are valid now (STS
// GetCallerIdentity accepts them) and the account list can be read (Organizations ListAccounts, bypassing
// the response cache; a static account list is always readable). The answer is kept for a short
// while so a busy prober does not turn into AWS traffic, and concurrent probes share one check.
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsCallObserver } from '../aws/call-observer.js';
import type { Env } from '../aws/endpoints.js';
import { resolveEndpoint } from '../aws/endpoints.js';
import type { OrgraphConfig } from '../config/orgraph-config.js';
import { createStsClient } from '../credentials/sts.js';
import type { Gateway } from '../gateway.js';
import { redactText } from '../log.js';
import { awsErrorFacts } from '../aws/classify.js';

export type Readiness = { ready: true } | { ready: false; reason: string };

export interface ReadinessOptions {
  gateway: Gateway;
  config: OrgraphConfig;
  env: Env;
  observer?: AwsCallObserver;
  /** Epoch ms; injectable for tests. */
  clock?: () => number;
  /** Each AWS call of a check gives up after this long. Default 5,000 ms. */
  timeoutMs?: number;
}

export function createReadinessCheck(options: ReadinessOptions): () => Promise<Readiness> {
  const { gateway, config } = options;
  const clock = options.clock ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const endpoint = resolveEndpoint('sts', config.credentials.endpoints, options.env);
  const sts = createStsClient({
    region: gateway.access.stsRegion,
    credentials: gateway.access.principal.credentials,
    requestHandler: gateway.access.pool.httpHandler,
    maxAttempts: 1,
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
  });
  let last: { at: number; answer: Readiness } | undefined;
  let pending: Promise<Readiness> | undefined;

  async function check(): Promise<Readiness> {
    try {
      await sts.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      return { ready: false, reason: `central credentials: STS GetCallerIdentity failed: ${describe(err)}` };
    }
    if (config.graph.accounts.source === 'organizations') {
      try {
        await gateway.data.organizations.listAccounts({
          fresh: true,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        return { ready: false, reason: `account list: Organizations ListAccounts failed: ${describe(err)}` };
      }
    }
    return { ready: true };
  }

  return async () => {
    if (last && clock() - last.at < config.server.readyCacheMs) return last.answer;
    pending ??= check().then((answer) => {
      last = { at: clock(), answer };
      pending = undefined;
      return answer;
    });
    return pending;
  };
}

function describe(err: unknown): string {
  const { code, message } = awsErrorFacts(err);
  return redactText(`${code}: ${message}`).slice(0, 300);
}
