// What the sim was asked: every request with its outcome, per-operation counters and the peak number
// of requests in flight. Tests assert on it; the admin path serves it.

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

export class RequestLog {
  private list: RequestLogEntry[] = [];
  private seq = 0;
  private inFlightNow = 0;
  private peak = 0;

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
    this.list.push({ ...entry, seq: ++this.seq });
  }

  entries(query: LogQuery = {}): RequestLogEntry[] {
    return this.list.filter(
      (e) =>
        (query.service === undefined || e.service === query.service) &&
        (query.operation === undefined || e.operation === query.operation) &&
        (query.accountId === undefined || e.accountId === query.accountId) &&
        (query.region === undefined || e.region === query.region) &&
        (query.status === undefined || e.status === query.status) &&
        (query.errorCode === undefined || e.errorCode === query.errorCode),
    );
  }

  count(query: LogQuery = {}): number {
    return this.entries(query).length;
  }

  /** Calls per 'service:Operation'. */
  counters(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.list) {
      const key = `${e.service}:${e.operation}`;
      out[key] = (out[key] ?? 0) + 1;
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
    this.list = [];
    this.peak = this.inFlightNow;
  }
}
