// The Prometheus metrics of `orgraph serve` (prom-client, one registry per server): AWS calls as the
// AWS-call observer reports them, the data layer's retries, throttling, in-flight and queued calls, the
// session broker and the response cache (read from their own counters at scrape time), GraphQL
// operations by outcome (an Apollo plugin), HTTP requests, and the default process metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AwsCallEvent } from '../aws/call-observer.js';
import type { DataLayerStats } from '../aws/data-layer.js';
import type { GatewayPlugin, GatewayStats } from '../gateway.js';

/** Where the scrape-time numbers come from (the gateway's counters, once it is built). */
export type MetricSources = () => GatewayStats;

export type OperationOutcome = 'ok' | 'partial' | 'error' | 'invalid';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class ServerMetrics {
  readonly registry = new Registry();
  private sources: MetricSources | undefined;
  private readonly awsCalls: Counter<'service' | 'operation' | 'outcome'>;
  private readonly awsDuration: Histogram<'service' | 'operation'>;
  private readonly operations: Counter<'outcome'>;
  private readonly operationDuration: Histogram<'outcome'>;
  private readonly http: Counter<'route' | 'status'>;

  constructor() {
    const registers = [this.registry];
    // Totals kept by the layers themselves are copied in at scrape time (`set` of a counter = reset + inc).
    const fromData = (name: string, help: string, pick: (s: DataLayerStats) => number) =>
      new Counter({
        name,
        help,
        registers,
        collect: () => {
          const c = this.registry.getSingleMetric(name) as Counter;
          c.reset();
          if (this.sources) c.inc(pick(this.sources().aws));
        },
      });
    const gaugeFromData = (name: string, help: string, pick: (s: DataLayerStats) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect: () => {
          if (this.sources) (this.registry.getSingleMetric(name) as Gauge).set(pick(this.sources().aws));
        },
      });

    this.awsCalls = new Counter({
      name: 'orgraph_aws_calls_total',
      help: 'Requests sent to AWS, by service, operation and outcome (OK or the AWS error code)',
      labelNames: ['service', 'operation', 'outcome'],
      registers,
    });
    this.awsDuration = new Histogram({
      name: 'orgraph_aws_call_duration_seconds',
      help: 'Duration of each request sent to AWS (one attempt), by service and operation',
      labelNames: ['service', 'operation'],
      buckets: SECONDS,
      registers,
    });
    fromData(
      'orgraph_aws_retries_total',
      'AWS calls retried after throttling or a transient failure',
      (s) => s.retries,
    );
    fromData('orgraph_aws_throttled_total', 'Throttling answers received from AWS', (s) => s.throttled);
    fromData(
      'orgraph_aws_throttled_out_total',
      'AWS calls that failed as THROTTLED after all their attempts',
      (s) => s.throttledOut,
    );
    gaugeFromData('orgraph_aws_calls_in_flight', 'AWS calls holding a fan-out slot now', (s) => s.inFlight);
    gaugeFromData('orgraph_aws_calls_queued', 'AWS calls waiting for a fan-out slot now', (s) => s.queued);

    new Counter({
      name: 'orgraph_session_broker_requests_total',
      help: 'Session broker lookups by result: hit, miss, join, refresh, failure, negative_hit',
      labelNames: ['result'],
      registers,
      collect: () => {
        const c = this.registry.getSingleMetric('orgraph_session_broker_requests_total') as Counter<'result'>;
        c.reset();
        if (!this.sources) return;
        const m = this.sources().sessions;
        const results: [string, number][] = [
          ['hit', m.hit],
          ['miss', m.miss],
          ['join', m.join],
          ['refresh', m.refresh],
          ['failure', m.failure],
          ['negative_hit', m.negativeHit],
        ];
        for (const [result, n] of results) c.inc({ result }, n);
      },
    });
    new Gauge({
      name: 'orgraph_session_broker_sessions',
      help: 'Member-account sessions held by the session broker',
      registers,
      collect: () => {
        if (this.sources)
          (this.registry.getSingleMetric('orgraph_session_broker_sessions') as Gauge).set(
            this.sources().sessions.sessions,
          );
      },
    });
    fromData(
      'orgraph_response_cache_hits_total',
      'AWS list results answered from the response cache',
      (s) => s.cache.hits,
    );
    fromData(
      'orgraph_response_cache_misses_total',
      'AWS list results not in the response cache (read from AWS)',
      (s) => s.cache.misses,
    );
    gaugeFromData(
      'orgraph_response_cache_entries',
      'Entries held by the response cache',
      (s) => s.cache.entries,
    );

    this.operations = new Counter({
      name: 'orgraph_graphql_operations_total',
      help: 'GraphQL operations by outcome: ok, partial (data and errors), error (no data), invalid (not executed)',
      labelNames: ['outcome'],
      registers,
    });
    this.operationDuration = new Histogram({
      name: 'orgraph_graphql_operation_duration_seconds',
      help: 'Duration of GraphQL operations, by outcome',
      labelNames: ['outcome'],
      buckets: SECONDS,
      registers,
    });
    this.http = new Counter({
      name: 'orgraph_http_requests_total',
      help: 'HTTP requests by route and status code',
      labelNames: ['route', 'status'],
      registers,
    });
    collectDefaultMetrics({ register: this.registry });
    // Gauges named like counters, which promtool's lint rejects; their per-type twins (without _total) stay.
    for (const name of [
      'nodejs_active_handles_total',
      'nodejs_active_requests_total',
      'nodejs_active_resources_total',
    ])
      this.registry.removeSingleMetric(name);
  }

  /** Scrape-time numbers come from here once the gateway is built. */
  attach(sources: MetricSources): void {
    this.sources = sources;
  }

  awsCall(event: AwsCallEvent): void {
    const labels = { service: event.service, operation: event.operation };
    this.awsCalls.inc({ ...labels, outcome: event.outcome });
    this.awsDuration.observe(labels, event.durationMs / 1000);
  }

  httpRequest(route: string, status: number): void {
    this.http.inc({ route, status: String(status) });
  }

  /** Counts each GraphQL operation and its duration by outcome. */
  plugin(now: () => number = () => performance.now()): GatewayPlugin {
    const operations = this.operations;
    const duration = this.operationDuration;
    return {
      async requestDidStart() {
        const started = now();
        let executed = false;
        return {
          async executionDidStart() {
            executed = true;
          },
          async willSendResponse({ response }) {
            if (response.body.kind !== 'single') return;
            const { data, errors } = response.body.singleResult;
            const outcome: OperationOutcome = !errors?.length
              ? 'ok'
              : !executed
                ? 'invalid'
                : data
                  ? 'partial'
                  : 'error';
            operations.inc({ outcome });
            duration.observe({ outcome }, (now() - started) / 1000);
          },
        };
      },
    };
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
