// Opaque pagination cursors: a JSON position, base64url-encoded, with an HMAC that binds it to the
// field and arguments it was issued for. A tampered cursor, or one from another field, another parent
// or other `where` arguments, fails verification and is a BAD_USER_INPUT error — never a crash and never
// a silently wrong page.
//
// A cursor ends with a short id of the key that signed it, so one signed by another key (another
// process without graph.cursorSecret, or another secret) is refused with a message that says so.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { badUserInput } from './errors.js';
import { shown } from './shown.js';

const MAC_BYTES = 18;
/** body.mac, then (since cursors name their key) .keyId */
const CURSOR_SHAPE = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_-]+))?$/;

/** Whether a string has the shape of a cursor (two or three base64url parts); says nothing of its signature. */
export function isCursorShaped(cursor: string): boolean {
  return CURSOR_SHAPE.test(cursor);
}

export interface CursorCodecOptions {
  /** The secret is this process's random one (no graph.cursorSecret): say so when a cursor is foreign. */
  ephemeral?: boolean;
}

export class CursorCodec {
  readonly #secret: string;
  readonly #keyId: string;
  readonly #ephemeral: boolean;

  constructor(secret: string, options: CursorCodecOptions = {}) {
    if (secret.length < 16) throw new TypeError('the cursor secret must be at least 16 characters');
    this.#secret = secret;
    this.#keyId = createHmac('sha256', secret)
      .update('orgraph cursor key id')
      .digest()
      .subarray(0, 4)
      .toString('base64url');
    this.#ephemeral = options.ephemeral ?? false;
  }

  /** A cursor for `position`, valid only for `binding` (see `bindingOf`). */
  encode(binding: string, position: object): string {
    const body = Buffer.from(JSON.stringify(position), 'utf8');
    return `${body.toString('base64url')}.${this.#mac(binding, body).toString('base64url')}.${this.#keyId}`;
  }

  /** The position of a cursor issued for `binding`; throws BAD_USER_INPUT otherwise. */
  decode(binding: string, cursor: string): Record<string, unknown> {
    const invalid = () =>
      badUserInput(`Invalid cursor ${shown(cursor)}: not a cursor this field issued for these arguments`);
    const match = CURSOR_SHAPE.exec(cursor);
    if (!match) throw invalid();
    if (match[3] !== undefined && match[3] !== this.#keyId) throw this.#foreign();
    const body = Buffer.from(match[1] as string, 'base64url');
    const given = Buffer.from(match[2] as string, 'base64url');
    const expected = this.#mac(binding, body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    let position: unknown;
    try {
      position = JSON.parse(body.toString('utf8'));
    } catch {
      throw invalid();
    }
    if (position === null || typeof position !== 'object' || Array.isArray(position)) throw invalid();
    return position as Record<string, unknown>;
  }

  #foreign() {
    return badUserInput(
      this.#ephemeral
        ? "Invalid cursor: it was issued by another orgraph process (or before a restart). Without graph.cursorSecret every process signs its cursors with its own random key: set graph.cursorSecret (at least 32 characters, the same in every process) to use cursors across processes, or start again without 'after'"
        : "Invalid cursor: it was signed with another graph.cursorSecret (another configuration, or the secret changed); start again without 'after'",
    );
  }

  #mac(binding: string, body: Buffer): Buffer {
    return createHmac('sha256', this.#secret)
      .update(binding)
      .update('\0')
      .update(body)
      .digest()
      .subarray(0, MAC_BYTES);
  }
}

/**
 * What a cursor is bound to: the parent object, the field and its arguments except the paging ones
 * (`first` may change from page to page; `after` is the cursor itself).
 */
export function bindingOf(parentKey: string, field: string, args: Record<string, unknown>): string {
  const { first: _first, after: _after, ...rest } = args;
  return `${parentKey}#${field}#${canonicalJson(rest)}`;
}

/** JSON with object keys sorted and undefined/null members dropped, so equal arguments bind equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
