// Every credential the sim knows: the central IAM user's long-lived key and the temporary role
// sessions issued by AssumeRole and Roles Anywhere CreateSession. Sessions that expired more than an
// hour ago are swept when new ones are issued (at most once per sim-clock minute, so issuing stays
// O(1) amortized), which bounds memory by the sessions issued recently rather than by the run's length.
import { randomBytes } from 'node:crypto';
import type { SimRole, SimUser } from './model.js';
import type { Caller, Clock } from './types.js';

export interface StoredCredential {
  secretAccessKey: string;
  /** Present for temporary credentials; requests must carry it. */
  sessionToken?: string;
  caller: Caller;
}

export interface IssuedSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  assumedRoleArn: string;
  assumedRoleId: string;
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomKeyId(prefix: 'AKIA' | 'ASIA'): string {
  const bytes = randomBytes(16);
  let id = prefix;
  for (const b of bytes) id += KEY_ALPHABET[b % KEY_ALPHABET.length];
  return id;
}

/** Expired sessions are kept this long, so a late call still gets "expired" rather than "unknown key". */
export const EXPIRED_SESSION_GRACE_MS = 3_600_000;
/** The sweep on issue runs at most once per this much sim time. */
export const SWEEP_INTERVAL_MS = 60_000;

export class CredentialStore {
  private readonly byKey = new Map<string, StoredCredential>();
  private lastSweep = -Infinity;

  /** `clock` (the sim's) drives the sweep on issue; without one, only explicit sweep() calls drop sessions. */
  constructor(private readonly clock?: Clock) {}

  /** How many credentials (users and unswept sessions) the store holds. */
  get size(): number {
    return this.byKey.size;
  }

  addUser(user: SimUser): void {
    this.byKey.set(user.accessKeyId, {
      secretAccessKey: user.secretAccessKey,
      caller: {
        accessKeyId: user.accessKeyId,
        accountId: user.accountId,
        arn: user.arn,
        userId: user.userId,
        isRoleSession: false,
        permissions: user.permissions,
      },
    });
  }

  /** Issues temporary credentials for a role session that expire at `expiresAtMs`. */
  issueRoleSession(role: SimRole, sessionName: string, expiresAtMs: number): IssuedSession {
    if (this.clock) {
      const now = this.clock();
      if (now - this.lastSweep >= SWEEP_INTERVAL_MS) this.sweep(now);
    }
    const accessKeyId = randomKeyId('ASIA');
    const secretAccessKey = randomBytes(30).toString('base64').slice(0, 40);
    const sessionToken = 'IQoJb3JpZ2luX2VjE' + randomBytes(96).toString('base64');
    const assumedRoleArn = `arn:aws:sts::${role.accountId}:assumed-role/${role.name}/${sessionName}`;
    const assumedRoleId = `${role.roleId}:${sessionName}`;
    this.byKey.set(accessKeyId, {
      secretAccessKey,
      sessionToken,
      caller: {
        accessKeyId,
        accountId: role.accountId,
        arn: assumedRoleArn,
        userId: assumedRoleId,
        roleArn: role.arn,
        isRoleSession: true,
        expiresAt: expiresAtMs,
        permissions: role.permissions,
      },
    });
    return {
      accessKeyId,
      secretAccessKey,
      sessionToken,
      expiration: new Date(expiresAtMs),
      assumedRoleArn,
      assumedRoleId,
    };
  }

  lookup(accessKeyId: string): StoredCredential | undefined {
    return this.byKey.get(accessKeyId);
  }

  /** Drops expired sessions (they are refused either way; this only bounds memory). */
  sweep(nowMs: number): void {
    this.lastSweep = nowMs;
    for (const [key, cred] of this.byKey) {
      if (cred.caller.expiresAt !== undefined && cred.caller.expiresAt < nowMs - EXPIRED_SESSION_GRACE_MS)
        this.byKey.delete(key);
    }
  }
}
