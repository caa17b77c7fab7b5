// /readyz: is the gateway able to answer? The check itself is the gateway's (`Gateway.ready`: STS
// accepts the central credentials, the account list can be read). Here its answer is kept for
// server.readyCacheMs so a busy prober does not turn into AWS traffic, and concurrent probes share
// one check (a plain pending promise: one key, no eviction, so neither DataLoader nor lru-cache fits).
import type { OrgraphConfig } from '../config/orgraph-config.js';
import type { Gateway, Readiness } from '../gateway.js';

export type { Readiness } from '../gateway.js';

export interface ReadinessOptions {
  gateway: Pick<Gateway, 'ready'>;
  config: OrgraphConfig;
  /** Epoch ms; injectable for tests. */
  clock?: () => number;
  /** Each AWS call of a check gives up after this long. Default 5,000 ms. */
  timeoutMs?: number;
}

export function createReadinessCheck(options: ReadinessOptions): () => Promise<Readiness> {
  const { gateway, config } = options;
  const clock = options.clock ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 5_000;
  let last: { at: number; answer: Readiness } | undefined;
  let pending: Promise<Readiness> | undefined;

  return async () => {
    if (last && clock() - last.at < config.server.readyCacheMs) return last.answer;
    pending ??= gateway.ready({ timeoutMs }).then((answer) => {
      last = { at: clock(), answer };
      pending = undefined;
      return answer;
    });
    return pending;
  };
}
