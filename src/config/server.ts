// Configuration of `orgraph serve`: where it listens, who may call it, and what the HTTP door allows.
// Every option has its default here; a bad value is reported with its option path.
import { z } from 'zod';
import { ConfigProblemsError, parseSection } from './issues.js';
import { ENV_VAR_NAME } from '../env-name.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;

const boundedInt = (min: number, max: number, unit: string) =>
  z
    .number({ error: `must be a number (${unit})` })
    .int(`must be a whole number (${unit})`)
    .min(min, `must be at least ${min} (${unit})`)
    .max(max, `must be at most ${max} (${unit})`);

export const serverConfigSchema = z.strictObject({
  /** Default 127.0.0.1: a non-loopback address needs a token (or --insecure-no-auth). */
  host: z.string().min(1, 'must be a host name or an IP address').default('127.0.0.1'),
  /** Default 4000; 0 picks a free port. */
  port: boundedInt(0, 65_535, 'a TCP port').default(4000),
  auth: z
    .strictObject({
      /** SHA-256 hashes (64 lowercase hex digits) of the accepted bearer tokens. */
      tokenSha256: z
        .array(z.string().regex(SHA256_HEX, 'must be a SHA-256 hash: 64 lowercase hex digits'))
        .default([]),
      /** An environment variable whose value, when set and non-empty, is one more accepted token. */
      tokenEnv: z
        .string()
        .regex(ENV_VAR_NAME, 'must be an environment variable name such as ORGRAPH_TOKEN')
        .default('ORGRAPH_TOKEN'),
    })
    .prefault({}),
  /** Largest request body accepted (bytes); a larger one is answered 413. */
  maxBodyBytes: boundedInt(1_024, 64 * 1024 * 1024, 'bytes').default(1_048_576),
  /** Schema introspection (and with it GraphiQL's docs explorer). */
  introspection: z.boolean({ error: 'must be true or false' }).default(true),
  /** The GraphiQL page at GET /graphql for browsers. */
  graphiql: z.boolean({ error: 'must be true or false' }).default(true),
  /** Several operations in one JSON array per POST. */
  batching: z.boolean({ error: 'must be true or false' }).default(false),
  /** /metrics without a token (for a scraper on a trusted network). */
  metricsPublic: z.boolean({ error: 'must be true or false' }).default(false),
  /** How long a shutdown waits for queries in flight before it stops them. */
  shutdownGraceMs: boundedInt(0, 600_000, 'milliseconds').default(10_000),
  /** How long a /readyz answer is reused before AWS is asked again. */
  readyCacheMs: boundedInt(0, 600_000, 'milliseconds').default(5_000),
});

export type ServerConfigInput = z.input<typeof serverConfigSchema>;
export type ServerConfig = z.output<typeof serverConfigSchema>;

export class ServerConfigError extends ConfigProblemsError {
  constructor(problems: string[]) {
    super(problems, 'ServerConfigError');
  }
}

/** Validates and fills in defaults; throws ServerConfigError listing every problem by option path. */
export function parseServerConfig(input: unknown, rootPath = 'server'): ServerConfig {
  return parseSection(serverConfigSchema, input, rootPath, (problems) => new ServerConfigError(problems));
}
