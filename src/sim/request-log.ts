// What the sim was asked: the recent requests with their outcome, per-operation counters and the peak
// number of requests in flight. Tests assert on it; the admin path serves it.
//
// Memory stays bounded however long the sim runs: the entries are kept in a ring of `capacity` (by
// default the last 100,000 requests; older ones are dropped), while the counts stay exact: `count()`,
// `counters()` and `total` are kept per distinct (service, operation, account, Region, status, error)
// and so cover every request since the last reset, not only the ones still in the ring. The number of
// distinct tuples is bounded by the world (accounts × Regions × operations × outcomes), not by traffic.

export interface RequestLogEntry {
  seq: number;
  /** Epoch ms when the request arrived (sim clock). */
  time: number;
  service: string;
  operation: string;
  /** The calling credentials' account ('' when the request could not be authenticated). */
  accountId: string;
  region: string;
  accessKeyId: string;
  params: Record<string, unknown>;
  status: number;
  errorCode?: string;
  durationMs: number;
}

export interface LogQuery {
  service?: string;
  operation?: string;
  accountId?: string;
  region?: string;
  status?: number;
  errorCode?: string;
}

export interface RequestLogOptions {
  /** How many entries the ring keeps (the most recent ones); default 100,000. */
  capacity?: number;
}

export const DEFAULT_LOG_CAPACITY = 100_000;

/** The fields counts are kept by. */
interface CountKey {
  service: string;
  operation: string;
  accountId: string;
  region: string;
  status: number;
  errorCode?: string;
}

function matches(e: CountKey, query: LogQuery): boolean {
  return (
    (query.service === undefined || e.service === query.service) &&
    (query.operation === undefined || e.operation === query.operation) &&
    (query.accountId === undefined || e.accountId === query.accountId) &&
    (query.region === undefined || e.region === query.region) &&
    (query.status === undefined || e.status === query.status) &&
    (query.errorCode === undefined || e.errorCode === query.errorCode)
  );
}

export class RequestLog {
  readonly capacity: number;
  /** The ring: `ring[(head + i) % capacity]` is the i-th oldest retained entry. */
  private ring: RequestLogEntry[] = [];
  private head = 0;
  private seq = 0;
  private recorded = 0;
  private readonly tallies = new Map<string, { key: CountKey; n: number }>();
  private inFlightNow = 0;
  private peak = 0;

  constructor(options: RequestLogOptions = {}) {
    const capacity = options.capacity ?? DEFAULT_LOG_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`RequestLog capacity must be a whole number >= 1, got ${capacity}`);
    this.capacity = capacity;
  }

  /** Marks a request as in flight; call the returned function when it has been answered. */
  begin(): () => void {
    this.inFlightNow++;
    if (this.inFlightNow > this.peak) this.peak = this.inFlightNow;
    let done = false;
    return () => {
      if (!done) {
        done = true;
        this.inFlightNow--;
      }
    };
  }

  record(entry: Omit<RequestLogEntry, 'seq'>): void {
    const full: RequestLogEntry = { ...entry, seq: ++this.seq };
    if (this.ring.length < this.capacity) this.ring.push(full);
    else {
      this.ring[this.head] = full;
      this.head = (this.head + 1) % this.capacity;
    }
    this.recorded++;
    const key: CountKey = {
      service: entry.service,
      operation: entry.operation,
      accountId: entry.accountId,
      region: entry.region,
      status: entry.status,
      ...(entry.errorCode !== undefined ? { errorCode: entry.errorCode } : {}),
    };
    const id = JSON.stringify([
      key.service,
      key.operation,
      key.accountId,
      key.region,
      key.status,
      key.errorCode,
    ]);
    const tally = this.tallies.get(id);
    if (tally) tally.n++;
    else this.tallies.set(id, { key, n: 1 });
  }

  /** The retained entries (at most `capacity`, the most recent) matching the query, oldest first. */
  entries(query: LogQuery = {}): RequestLogEntry[] {
    const out: RequestLogEntry[] = [];
    const n = this.ring.length;
    for (let i = 0; i < n; i++) {
      const e = this.ring[(this.head + i) % n] as RequestLogEntry;
      if (matches(e, query)) out.push(e);
    }
    return out;
  }

  /** How many requests since the last reset match the query (exact, including dropped entries). */
  count(query: LogQuery = {}): number {
    let n = 0;
    for (const { key, n: c } of this.tallies.values()) if (matches(key, query)) n += c;
    return n;
  }

  /** Requests since the last reset. */
  get total(): number {
    return this.recorded;
  }

  /** How many entries the ring has dropped since the last reset. */
  get dropped(): number {
    return this.recorded - this.ring.length;
  }

  /** Calls per 'service:Operation' since the last reset (exact). */
  counters(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const { key, n } of this.tallies.values()) {
      const name = `${key.service}:${key.operation}`;
      out[name] = (out[name] ?? 0) + n;
    }
    return out;
  }

  get inFlight(): number {
    return this.inFlightNow;
  }

  get peakInFlight(): number {
    return this.peak;
  }

  reset(): void {
    this.ring = [];
    this.head = 0;
    this.recorded = 0;
    this.tallies.clear();
    this.peak = this.inFlightNow;
  }
}
