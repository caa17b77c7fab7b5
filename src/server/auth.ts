// Bearer-token authentication. Tokens are configured as SHA-256 hashes (the configuration file never
// holds a token) and/or come from one environment variable; a presented token is hashed and compared
// with every accepted hash in constant time, so neither the match nor its position leaks by timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { ServerConfig } from '../config/server.js';

export interface TokenSource {
  /** Hashes of the accepted tokens; empty = authentication off. */
  hashes: Buffer[];
  /** Where the tokens came from, for the start-up line (never the tokens). */
  describe: string;
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The accepted token hashes from the configuration and the environment. */
export function tokenSource(auth: ServerConfig['auth'], env: NodeJS.ProcessEnv): TokenSource {
  const hashes: Buffer[] = auth.tokenSha256.map((hex) => Buffer.from(hex, 'hex'));
  const fromEnv = env[auth.tokenEnv];
  const parts: string[] = [];
  if (hashes.length)
    parts.push(`${hashes.length} hash${hashes.length > 1 ? 'es' : ''} in server.auth.tokenSha256`);
  if (fromEnv) {
    hashes.push(sha256(fromEnv));
    parts.push(`$${auth.tokenEnv}`);
  }
  return { hashes, describe: parts.join(' and ') || 'none' };
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ ]+([\x21-\x7e]+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** True when `token` hashes to one of `hashes`; every hash is compared, in constant time. */
export function tokenAccepted(token: string | undefined, hashes: readonly Buffer[]): boolean {
  if (token === undefined) return false;
  const presented = sha256(token);
  let ok = false;
  for (const hash of hashes) ok = timingSafeEqual(presented, hash) || ok;
  return ok;
}

/**
 * Who a request authenticated as, handed to resolvers as `context.extension.principal`: with tokens
 * configured, the first 12 hex digits of the accepted token's SHA-256 (matching the start of its
 * server.auth.tokenSha256 entry; never the token); without, anonymous.
 */
export type Principal = { kind: 'bearer'; tokenSha256Prefix: string } | { kind: 'anonymous' };

export function principalOf(token: string | undefined): Principal {
  return token === undefined
    ? { kind: 'anonymous' }
    : { kind: 'bearer', tokenSha256Prefix: sha256(token).toString('hex').slice(0, 12) };
}

/** Whether a listen address is reachable only from this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return isLoopback(h.slice(7));
  return false;
}
