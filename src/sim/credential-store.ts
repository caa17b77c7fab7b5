// Every credential the sim knows: the central IAM user's long-lived key and the temporary role
// sessions issued by AssumeRole and Roles Anywhere CreateSession.
import { randomBytes } from 'node:crypto';
import type { SimRole, SimUser } from './model.js';
import type { Caller } from './types.js';

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

export class CredentialStore {
  private readonly byKey = new Map<string, StoredCredential>();

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
    for (const [key, cred] of this.byKey) {
      if (cred.caller.expiresAt !== undefined && cred.caller.expiresAt < nowMs - 3_600_000)
        this.byKey.delete(key);
    }
  }
}
