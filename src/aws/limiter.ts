// Bounded, fair fan-out of AWS calls.
//
// - A global limit of calls in flight (default 64) and a limit per lane — one lane per (account,
//   Region), plus one for Organizations — (default 4).
// - Fair: lanes with waiting calls are served round-robin, one call per turn, so an account with
//   thousands of queued calls gets one slot per turn like everyone else instead of the whole pool.
// - Adaptive: each (lane, API) has a gate whose concurrency starts at the lane limit, halves each time
//   AWS throttles that API there and grows back by one after a run of successes (AIMD). A call that
//   was throttled keeps its gate while it backs off (`suspend`), so the rest of that API's calls in
//   that account and Region wait behind it, while it gives its global and lane slot to other work.
// - Paced: cutting concurrency alone does not lower the rate (AWS throttles with token buckets, and
//   one call at a time can still drain a bucket that refills 5 per second), so a throttled gate also
//   spaces its calls out in time: `reserve` hands each call a start time at least `spacingMs` after
//   the previous one. The spacing doubles on throttling (once per round of calls sent before the
//   last cut) and shrinks by a quarter after a run of successes, down to none.
// - Bounded: a gate exists while calls hold it or while it is slowed down; a slowed gate nobody has
//   used for IDLE_RESET_MS is forgotten (AWS buckets refill within seconds), so throttled
//   (account, Region, API) triples do not pile up for the life of the process.
// - A queued call whose signal aborts leaves the queue at once and never reaches AWS.
import { cancelledBy } from './timeout.js';
import { positiveInteger } from '../option-checks.js';

export interface LimiterOptions {
  globalLimit: number;
  perLaneLimit: number;
  /** Successes in a row before a cut gate grows by one (and its spacing shrinks); default 5. */
  recoverAfter?: number;
  /** For pacing and idle expiry of slowed gates; default Date.now. */
  clock?: () => number;
}

/** The spacing of a gate's calls after its first throttling, doubled on each further one. */
export const INITIAL_SPACING_MS = 50;
export const MAX_SPACING_MS = 5_000;
/** Below this the spacing is dropped altogether. */
const MIN_SPACING_MS = 10;
/** A slowed gate nobody used for this long is forgotten (back to full speed). */
export const IDLE_RESET_MS = 60_000;
/** How often, at most, idle slowed gates are looked for. */
const SWEEP_EVERY_MS = 5_000;

/** The right to run one call; give it back with `release` whatever happens. */
export interface Permit {
  /** Gives back the global and lane slot but keeps the gate: for waiting out a backoff. */
  suspend(): void;
  /** Queues again for a global and lane slot (the gate is still held). */
  resume(signal?: AbortSignal): Promise<void>;
  /** Gives back everything it holds. Idempotent. */
  release(): void;
}

export interface LimiterStats {
  inFlight: number;
  peakInFlight: number;
  queued: number;
  /** Gates currently below the lane limit or paced because AWS throttled them. */
  slowedGates: number;
}

interface Lane {
  key: string;
  inFlight: number;
  queue: Waiter[];
}

interface Gate {
  /** Calls holding the gate: in flight or backing off. */
  held: number;
  limit: number;
  streak: number;
  /** Minimum time between the starts of two calls; 0 = not paced. */
  spacingMs: number;
  /** The earliest start time the next call may reserve (clock ms). */
  nextAt: number;
  /** When the gate was last cut: throttling of calls sent before then does not cut it again. */
  cutAt: number;
  /** When the last holder let go (clock ms). */
  idleSince: number;
}

interface Waiter {
  lane: Lane;
  gateKey: string;
  holdsGate: boolean;
  resolve: () => void;
  reject: (err: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export class FairLimiter {
  private readonly globalLimit: number;
  private readonly perLaneLimit: number;
  private readonly recoverAfter: number;
  private readonly clock: () => number;
  private lastSweep = 0;
  private readonly lanes = new Map<string, Lane>();
  private readonly gates = new Map<string, Gate>();
  /** Lanes with waiting calls, served round-robin from `cursor`. */
  private readonly ready: Lane[] = [];
  private cursor = 0;
  private inFlight = 0;
  private peak = 0;
  private waiting = 0;

  constructor(options: LimiterOptions) {
    this.globalLimit = positiveInteger('globalLimit', options.globalLimit);
    this.perLaneLimit = positiveInteger('perLaneLimit', options.perLaneLimit);
    this.recoverAfter = options.recoverAfter ?? 5;
    this.clock = options.clock ?? Date.now;
  }

  /** Waits for a global slot, a slot in `lane` and room in the gate `gateKey`; rejects if `signal` aborts first. */
  async acquire(lane: string, gateKey: string, signal?: AbortSignal): Promise<Permit> {
    if (signal?.aborted) throw cancelledBy(signal);
    const permit = new LimiterPermit(this, this.laneFor(lane), gateKey);
    await this.enqueue(permit.lane, gateKey, false, signal);
    return permit;
  }

  /**
   * AWS throttled a call of this gate: halve its concurrency (not below 1) and double its spacing.
   * `sentAt` is when that call was sent: answers to calls sent before the last cut are the same
   * burst the gate already reacted to and do not cut it again.
   */
  throttled(gateKey: string, sentAt?: number): void {
    const gate = this.gateFor(gateKey);
    if (sentAt !== undefined && sentAt < gate.cutAt) return;
    gate.cutAt = this.clock();
    gate.limit = Math.max(1, Math.floor(gate.limit / 2));
    gate.spacingMs = gate.spacingMs === 0 ? INITIAL_SPACING_MS : Math.min(MAX_SPACING_MS, gate.spacingMs * 2);
    gate.streak = 0;
    this.sweep();
  }

  /**
   * A call of this gate succeeded: after `recoverAfter` successes in a row a cut gate grows by one and
   * its spacing shrinks by a quarter.
   */
  succeeded(gateKey: string): void {
    const gate = this.gates.get(gateKey);
    if (!gate || !this.slowed(gate)) return;
    if (++gate.streak >= this.recoverAfter) {
      gate.streak = 0;
      if (gate.limit < this.perLaneLimit) gate.limit++;
      const spacing = Math.floor((gate.spacingMs * 3) / 4);
      gate.spacingMs = spacing < MIN_SPACING_MS ? 0 : spacing;
      this.pump();
    }
  }

  /**
   * Reserves the next start time of a paced gate for a call that holds it; returns how long that call
   * must wait before it sends (0 when the gate is not paced).
   */
  reserve(gateKey: string): number {
    const gate = this.gates.get(gateKey);
    if (!gate || gate.spacingMs === 0) return 0;
    const now = this.clock();
    const at = Math.max(now, gate.nextAt);
    gate.nextAt = at + gate.spacingMs;
    return at - now;
  }

  /** The current concurrency of a gate (the lane limit unless AWS throttled it). */
  gateLimit(gateKey: string): number {
    return this.gates.get(gateKey)?.limit ?? this.perLaneLimit;
  }

  /** The current spacing of a gate's calls in ms (0 unless AWS throttled it). */
  gateSpacing(gateKey: string): number {
    return this.gates.get(gateKey)?.spacingMs ?? 0;
  }

  /** Gates the limiter currently keeps (held, or slowed down); for tests and diagnostics. */
  get gateCount(): number {
    return this.gates.size;
  }

  stats(): LimiterStats {
    this.sweep(true);
    let slowedGates = 0;
    for (const gate of this.gates.values()) if (this.slowed(gate)) slowedGates++;
    return { inFlight: this.inFlight, peakInFlight: this.peak, queued: this.waiting, slowedGates };
  }

  /** @internal (LimiterPermit) */
  enqueue(lane: Lane, gateKey: string, holdsGate: boolean, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) {
      if (lane.inFlight === 0 && lane.queue.length === 0) this.lanes.delete(lane.key);
      return Promise.reject(cancelledBy(signal));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { lane, gateKey, holdsGate, resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => this.abandon(waiter);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      lane.queue.push(waiter);
      this.waiting++;
      if (lane.queue.length === 1) this.ready.push(lane);
      this.pump();
    });
  }

  /** @internal (LimiterPermit) */
  releaseSlot(lane: Lane): void {
    this.inFlight--;
    lane.inFlight--;
    if (lane.inFlight === 0 && lane.queue.length === 0) this.lanes.delete(lane.key);
    this.pump();
  }

  /** @internal (LimiterPermit) */
  releaseGate(gateKey: string): void {
    const gate = this.gates.get(gateKey);
    if (!gate) return;
    gate.held--;
    if (gate.held <= 0) {
      gate.held = 0;
      gate.idleSince = this.clock();
      if (!this.slowed(gate)) this.gates.delete(gateKey);
    }
    this.pump();
  }

  /** @internal (LimiterPermit) The lane of `key`, created when absent (idle lanes are dropped). */
  laneFor(key: string): Lane {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { key, inFlight: 0, queue: [] };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private gateFor(key: string): Gate {
    let gate = this.gates.get(key);
    if (gate && this.expired(gate, this.clock())) {
      this.gates.delete(key);
      gate = undefined;
    }
    if (!gate) {
      gate = {
        held: 0,
        limit: this.perLaneLimit,
        streak: 0,
        spacingMs: 0,
        nextAt: 0,
        cutAt: Number.NEGATIVE_INFINITY,
        idleSince: this.clock(),
      };
      this.gates.set(key, gate);
    }
    return gate;
  }

  private slowed(gate: Gate): boolean {
    return gate.limit < this.perLaneLimit || gate.spacingMs > 0;
  }

  /** A slowed gate nobody has held for IDLE_RESET_MS: AWS has long refilled its bucket. */
  private expired(gate: Gate, now: number): boolean {
    return gate.held === 0 && now - gate.idleSince >= IDLE_RESET_MS;
  }

  /** Forgets expired idle gates; at most every SWEEP_EVERY_MS unless `always`. */
  private sweep(always = false): void {
    const now = this.clock();
    if (!always && now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [key, gate] of this.gates) if (this.expired(gate, now)) this.gates.delete(key);
  }

  private admits(waiter: Waiter): boolean {
    if (waiter.holdsGate) return true;
    const gate = this.gates.get(waiter.gateKey);
    return gate === undefined || gate.held < gate.limit;
  }

  /** Starts waiting calls while there is room, one per lane per turn. */
  private pump(): void {
    while (this.inFlight < this.globalLimit && this.ready.length > 0) {
      let started = false;
      for (let i = 0; i < this.ready.length; i++) {
        const index = (this.cursor + i) % this.ready.length;
        const lane = this.ready[index];
        if (!lane || lane.inFlight >= this.perLaneLimit) continue;
        const at = lane.queue.findIndex((w) => this.admits(w));
        if (at < 0) continue;
        const [waiter] = lane.queue.splice(at, 1);
        if (!waiter) continue;
        if (lane.queue.length === 0) {
          this.ready.splice(index, 1);
          this.cursor = this.ready.length === 0 ? 0 : index % this.ready.length;
        } else {
          this.cursor = (index + 1) % this.ready.length;
        }
        this.start(waiter);
        started = true;
        break;
      }
      if (!started) return;
    }
  }

  private start(waiter: Waiter): void {
    this.waiting--;
    if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
    this.inFlight++;
    if (this.inFlight > this.peak) this.peak = this.inFlight;
    waiter.lane.inFlight++;
    if (!waiter.holdsGate) this.gateFor(waiter.gateKey).held++;
    waiter.resolve();
  }

  private abandon(waiter: Waiter): void {
    const lane = waiter.lane;
    const at = lane.queue.indexOf(waiter);
    if (at < 0) return;
    lane.queue.splice(at, 1);
    this.waiting--;
    if (lane.queue.length === 0) {
      const index = this.ready.indexOf(lane);
      if (index >= 0) {
        this.ready.splice(index, 1);
        if (index < this.cursor) this.cursor--;
        if (this.cursor >= this.ready.length) this.cursor = 0;
      }
      if (lane.inFlight === 0) this.lanes.delete(lane.key);
    }
    waiter.reject(waiter.signal ? cancelledBy(waiter.signal) : new Error('abandoned'));
  }
}

/** What `FairLimiter.acquire` hands out: tracks what it holds so release is exact and idempotent. */
class LimiterPermit implements Permit {
  private holdsSlot = true;
  private holdsGate = true;

  constructor(
    private readonly limiter: FairLimiter,
    public lane: Lane,
    private readonly gateKey: string,
  ) {}

  suspend(): void {
    if (!this.holdsSlot) return;
    this.holdsSlot = false;
    this.limiter.releaseSlot(this.lane);
  }

  async resume(signal?: AbortSignal): Promise<void> {
    if (this.holdsSlot) return;
    if (!this.holdsGate) throw new Error('permit already released');
    // The lane may have been dropped while idle: queue in the current one for the key.
    this.lane = this.limiter.laneFor(this.lane.key);
    await this.limiter.enqueue(this.lane, this.gateKey, true, signal);
    this.holdsSlot = true;
  }

  release(): void {
    if (this.holdsSlot) {
      this.holdsSlot = false;
      this.limiter.releaseSlot(this.lane);
    }
    if (this.holdsGate) {
      this.holdsGate = false;
      this.limiter.releaseGate(this.gateKey);
    }
  }
}
