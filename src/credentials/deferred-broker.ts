// A session broker that comes into being once the central principal's check (GetCallerIdentity) has
// passed — the broker needs its answer: the partition, whether AssumeRole is role chaining, the
// central account. Wired in at start-up in its place, it lets the calls that need no member session
// (Organizations ListAccounts with the central credentials) go out while the check is under way;
// member sessions wait for the check, and fail with its error if it fails.
import type { AwsCredentialIdentity } from '@smithy/types';
import type { SharedCredentialProvider } from './credential-cell.js';
import type { BrokerMetrics, MemberSessions, SessionBroker, UnitsOf } from './session-broker.js';
import { NO_SESSION_COUNTS, sessionProvider } from './session-broker.js';

const NO_SESSIONS_YET: BrokerMetrics = { ...NO_SESSION_COUNTS, sessions: 0 };

export class DeferredBroker implements MemberSessions {
  #broker: SessionBroker | undefined;
  #unitsOf: UnitsOf | undefined;
  readonly #ready: Promise<SessionBroker>;
  /** #ready without its value, observed: a caller that stopped waiting leaves no unhandled rejection. */
  readonly #readyVoid: Promise<void>;

  /** `ready`: the broker, made once the check passed; its rejection is the check's error. */
  constructor(ready: Promise<SessionBroker>) {
    this.#ready = ready.then((broker) => {
      if (this.#unitsOf) broker.useUnitsOf(this.#unitsOf);
      this.#broker = broker;
      return broker;
    });
    // Observed here (which observes #ready too): a failed check surfaces through every member
    // session that waits for it.
    this.#readyVoid = this.#ready.then(() => undefined);
    this.#readyVoid.catch(() => undefined);
  }

  /** Until the broker exists (the check passed), a promise of it; undefined after. */
  untilReady(): Promise<void> | undefined {
    return this.#broker ? undefined : this.#readyVoid;
  }

  useUnitsOf(unitsOf: UnitsOf): void {
    this.#unitsOf = unitsOf;
    this.#broker?.useUnitsOf(unitsOf);
  }

  async roleArnFor(accountId: string): Promise<string> {
    return (this.#broker ?? (await this.#ready)).roleArnFor(accountId);
  }

  async credentialsFor(accountId: string): Promise<AwsCredentialIdentity> {
    return (this.#broker ?? (await this.#ready)).credentialsFor(accountId);
  }

  providerFor(accountId: string): SharedCredentialProvider {
    return sessionProvider(this, accountId);
  }

  /** Before the broker exists there is no session to drop. */
  invalidate(accountId: string, credentials?: Pick<AwsCredentialIdentity, 'accessKeyId'>): boolean {
    return this.#broker?.invalidate(accountId, credentials) ?? false;
  }

  metrics(): BrokerMetrics {
    return this.#broker?.metrics() ?? NO_SESSIONS_YET;
  }
}
