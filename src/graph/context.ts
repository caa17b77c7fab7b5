// The per-request context: the loaders (fresh for every request, so batching and de-duplication never
// leak between requests), the request's abort signal (its deadline or the client going away), the
// @fresh flag, and the partial failures the partial-errors plugin adds to errors[].
import { setMaxListeners } from 'node:events';
import type { GraphQLError } from 'graphql';
import type { AwsData, CallOptions } from '../aws/contract.js';
import type { GraphConfig } from '../config/graph.js';
import { MAX_QUERY_DEADLINE_MS } from '../config/graph.js';
import { ResponseBudget } from './budget/response-budget.js';
import type { CursorCodec } from './cursor.js';
import { AccessLoaders } from './loaders/access.js';
import { Ec2Loaders } from './loaders/ec2.js';
import { OrganizationsLoaders } from './loaders/organizations.js';
import { Targets } from './targets.js';

export interface GraphContext {
  readonly data: AwsData;
  readonly config: GraphConfig;
  readonly cursors: CursorCodec;
  readonly organizations: OrganizationsLoaders;
  readonly ec2: Ec2Loaders;
  readonly access: AccessLoaders;
  readonly targets: Targets;
  /** Aborted when the query's deadline passes, the client goes away, or the response was sent. */
  readonly signal: AbortSignal;
  /** What the embedder added for this request (GatewayDeps.contextExtension), e.g. the authenticated principal. */
  readonly extension: Readonly<Record<string, unknown>>;
  /** Request state shared by every (shallow) copy of the context. */
  readonly request: RequestState;
  /** Errors for failures that did not fail their field (a fan-out's failed targets). */
  readonly partialErrors: GraphQLError[];
  /** The items the answer's lists hold so far; exceeding it aborts the request's work. */
  readonly budget: ResponseBudget;
  /** Stops the request's remaining work and its deadline timer. Idempotent. */
  dispose(): void;
}

export interface RequestState {
  /** Set when the operation carries @fresh: every data call then bypasses the response cache. */
  fresh: boolean;
  /** Set when the input checks refused the operation: nothing of it may call AWS. */
  refused: boolean;
}

export interface ContextOptions {
  data: AwsData;
  config: GraphConfig;
  cursors: CursorCodec;
  signal?: AbortSignal;
  extension?: Readonly<Record<string, unknown>>;
}

export class QueryDeadlineError extends Error {
  constructor(ms: number) {
    super(`The query's deadline of ${ms} ms passed`);
    this.name = 'TimeoutError';
  }
}

/**
 * A plain object of closures and shared references: Apollo Server hands resolvers a shallow clone of
 * the context, so nothing may depend on object identity or private fields; state that plugins change
 * (the @fresh flag) lives in the shared `request` object.
 */
export function createGraphContext(options: ContextOptions): GraphContext {
  const { data, config, cursors } = options;
  const request: RequestState = { fresh: false, refused: false };
  const controller = new AbortController();
  // Every AWS call of the request listens to this one signal; dozens at once are expected, not a leak.
  setMaxListeners(0, controller.signal);
  // The account list's read stops only when the request is stopped (deadline, client gone, a budget),
  // not when its response was sent: a page answered while ListAccounts pages still arrive lets the read
  // finish, so it is cached for the next request (other requests may be sharing it, too).
  const stopped = new AbortController();
  const stop = (reason: unknown) => {
    stopped.abort(reason);
    controller.abort(reason);
  };
  // The configuration caps the deadline; a hand-built one beyond a timer's range would fire at once.
  const deadlineMs = Math.min(config.queryDeadlineMs, MAX_QUERY_DEADLINE_MS);
  const timer = setTimeout(() => stop(new QueryDeadlineError(deadlineMs)), deadlineMs);
  timer.unref();
  const clientSignal = options.signal;
  const onClientAbort = () => stop(clientSignal?.reason);
  if (clientSignal?.aborted) onClientAbort();
  else clientSignal?.addEventListener('abort', onClientAbort, { once: true });

  const callOptions = (): CallOptions =>
    request.fresh ? { signal: controller.signal, fresh: true } : { signal: controller.signal };
  const listOptions = (): CallOptions => ({ ...callOptions(), signal: stopped.signal });
  const organizations = new OrganizationsLoaders(data, config, callOptions, listOptions);
  const ec2 = new Ec2Loaders(data, config, callOptions);
  return {
    data,
    config,
    cursors,
    organizations,
    ec2,
    access: new AccessLoaders(data, callOptions),
    targets: new Targets(config, organizations, ec2),
    signal: controller.signal,
    extension: options.extension ?? {},
    request,
    partialErrors: [],
    budget: new ResponseBudget(config.limits.maxResponseItems, (error) => stop(error)),
    dispose: () => {
      clearTimeout(timer);
      clientSignal?.removeEventListener('abort', onClientAbort);
      if (!controller.signal.aborted) controller.abort(new Error('The response was sent'));
    },
  };
}
