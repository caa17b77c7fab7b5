// The per-request context: the loaders (fresh for every request, so batching and de-duplication never
// leak between requests), the request's abort signal (its deadline or the client going away), the
// @fresh flag, and the partial failures the partial-errors plugin adds to errors[].
import type { GraphQLError } from 'graphql';
import type { AwsData, CallOptions } from '../aws/data.js';
import type { GatewayGraphConfig } from '../config/gateway.js';
import type { CursorCodec } from './cursor.js';
import { AccessLoaders } from './loaders/access.js';
import { Ec2Loaders } from './loaders/ec2.js';
import { OrganizationsLoaders } from './loaders/organizations.js';
import { Scope } from './scope.js';

export interface GraphContext {
  readonly data: AwsData;
  readonly config: GatewayGraphConfig;
  readonly cursors: CursorCodec;
  readonly organizations: OrganizationsLoaders;
  readonly ec2: Ec2Loaders;
  readonly access: AccessLoaders;
  readonly scope: Scope;
  /** Aborted when the query's deadline passes, the client goes away, or the response was sent. */
  readonly signal: AbortSignal;
  /** Epoch ms after which the query's work is stopped. */
  readonly deadlineAt: number;
  /** Set when the operation carries @fresh: every data call then bypasses the response cache. */
  fresh: boolean;
  /** What every data call of this request passes to the data layer. */
  callOptions(): CallOptions;
  /** Errors for failures that did not fail their field (a fan-out's failed targets). */
  readonly partialErrors: GraphQLError[];
  /** Stops the request's remaining work and its deadline timer. Idempotent. */
  dispose(): void;
}

export interface ContextOptions {
  data: AwsData;
  config: GatewayGraphConfig;
  cursors: CursorCodec;
  clock: () => number;
  signal?: AbortSignal;
}

export class QueryDeadlineError extends Error {
  constructor(ms: number) {
    super(`The query's deadline of ${ms} ms passed`);
    this.name = 'TimeoutError';
  }
}

export function createGraphContext(options: ContextOptions): GraphContext {
  return new RequestContext(options);
}

class RequestContext implements GraphContext {
  readonly data: AwsData;
  readonly config: GatewayGraphConfig;
  readonly cursors: CursorCodec;
  readonly organizations: OrganizationsLoaders;
  readonly ec2: Ec2Loaders;
  readonly access: AccessLoaders;
  readonly scope: Scope;
  readonly deadlineAt: number;
  readonly partialErrors: GraphQLError[] = [];
  fresh = false;
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  readonly #clientSignal: AbortSignal | undefined;
  readonly #onClientAbort = () => this.#controller.abort(this.#clientSignal?.reason);

  constructor(options: ContextOptions) {
    this.data = options.data;
    this.config = options.config;
    this.cursors = options.cursors;
    const call = () => this.callOptions();
    this.organizations = new OrganizationsLoaders(this.data, this.config, call);
    this.ec2 = new Ec2Loaders(this.data, this.config, call);
    this.access = new AccessLoaders(this.data);
    this.scope = new Scope(this.config, this.organizations, this.ec2);
    const deadlineMs = this.config.queryDeadlineMs;
    this.deadlineAt = options.clock() + deadlineMs;
    this.#timer = setTimeout(() => this.#controller.abort(new QueryDeadlineError(deadlineMs)), deadlineMs);
    this.#timer.unref();
    this.#clientSignal = options.signal;
    if (this.#clientSignal?.aborted) this.#onClientAbort();
    else this.#clientSignal?.addEventListener('abort', this.#onClientAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  callOptions(): CallOptions {
    return this.fresh ? { signal: this.signal, fresh: true } : { signal: this.signal };
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#clientSignal?.removeEventListener('abort', this.#onClientAbort);
    if (!this.signal.aborted) this.#controller.abort(new Error('The response was sent'));
  }
}
