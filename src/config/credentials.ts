// Configuration of the credentials layer: the central principal, the session broker, the client pool,
// endpoint overrides and how Organizations is reached. Every option has its default here; a bad value
// is reported with its option path and the value (never a secret, whose value is not echoed).
import { z } from 'zod';
import {
  ACCOUNT_ID,
  ACCOUNT_ID_SOURCE,
  EXPECTED,
  REGION_NAME,
  REGION_NAME_SOURCE,
  UNIT_ID,
} from '../aws/ids.js';
import { ConfigProblemsError, parseSection } from './issues.js';
import { ENV_VAR_NAME } from '../env-name.js';

const NAME_CHARS = /^[\w+=,.@-]+$/;

const url = z.string().refine(
  (value) => {
    try {
      const u = new URL(value);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { message: 'must be an http(s) URL' },
);
const region = z.string().regex(REGION_NAME, `must be ${EXPECTED.region}`);
const seconds = (min: number, max: number) =>
  z
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(min, `must be at least ${min} seconds`)
    .max(max, `must be at most ${max} seconds`);
const positiveInt = (what: string) =>
  z
    .number({ error: `must be a number (${what})` })
    .int(`must be a whole number (${what})`)
    .min(1, `must be at least 1 (${what})`);
// Node's timers overflow above 2^31-1 ms (and then fire after 1 ms).
const MAX_TIMER_MS = 2_147_483_647;
const arn = (kind: string, pattern: RegExp) => z.string().regex(pattern, `must be ${kind}`);

/** Native Roles Anywhere (see src/credentials/roles-anywhere/options.ts for each option). */
export const rolesAnywhereSchema = z.strictObject({
  certificate: z.string().min(1, 'must be the path of a PEM certificate file'),
  intermediates: z.string().min(1).optional(),
  privateKey: z.string().min(1, 'must be the path of a PEM private key file'),
  passphraseEnv: z.string().regex(ENV_VAR_NAME, 'must be an environment variable name').optional(),
  passphraseFile: z.string().min(1).optional(),
  // A passphrase in clear in the config is refused; it comes from passphraseEnv or passphraseFile.
  passphrase: z
    .never({
      error:
        'must not be in the configuration: name an environment variable (passphraseEnv) or a file (passphraseFile)',
    })
    .optional(),
  trustAnchorArn: arn(
    'a trust anchor ARN (arn:aws:rolesanywhere:<region>:<account>:trust-anchor/<id>)',
    new RegExp(`^arn:[\\w-]+:rolesanywhere:${REGION_NAME_SOURCE}:${ACCOUNT_ID_SOURCE}:trust-anchor/[\\w-]+$`),
  ),
  profileArn: arn(
    'a Roles Anywhere profile ARN (arn:aws:rolesanywhere:<region>:<account>:profile/<id>)',
    new RegExp(`^arn:[\\w-]+:rolesanywhere:${REGION_NAME_SOURCE}:${ACCOUNT_ID_SOURCE}:profile/[\\w-]+$`),
  ),
  roleArn: arn(
    'an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
    new RegExp(`^arn:[\\w-]+:iam::${ACCOUNT_ID_SOURCE}:role/.+$`),
  ),
  durationSeconds: seconds(900, 43_200).optional(),
  roleSessionName: z
    .string()
    .min(2)
    .max(64)
    .regex(NAME_CHARS, 'must be 2–64 characters of [\\w+=,.@-]')
    .optional(),
  endpoint: url.optional(),
  useFipsEndpoint: z.boolean().optional(),
  refreshWindowSeconds: seconds(0, 3600).optional(),
});

export const centralPrincipalSchema = z.discriminatedUnion(
  'source',
  [
    z.strictObject({ source: z.literal('default') }),
    z.strictObject({
      source: z.literal('profile'),
      profile: z.string().min(1, 'must name a profile of ~/.aws/config'),
    }),
    z.strictObject({ source: z.literal('rolesAnywhere'), rolesAnywhere: rolesAnywhereSchema }),
  ],
  { error: "must be 'default', 'profile' or 'rolesAnywhere'" },
);

// The member role's name, path and ExternalId as IAM and STS accept them (broker-wide and per override).
const roleName = z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be 1–64 characters of [\\w+=,.@-]');
const rolePath = z.string().regex(/^\/(?:[\x21-\x7e]+\/)?$/, "must be '/' or start and end with '/'");
const externalId = z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2–1224 characters of [\\w+=,.@:/-]');

export const brokerSchema = z.strictObject({
  /** The member role's name in every account. */
  roleName: roleName.default('CMDBReadRole'),
  /** The member role's IAM path. */
  rolePath: rolePath.default('/'),
  /** Default: the central principal's partition. */
  partition: z
    .string()
    .regex(/^aws(-[a-z]+)*$/, "must be a partition such as 'aws' or 'aws-cn'")
    .optional(),
  externalId: externalId.optional(),
  roleSessionName: z
    .string()
    .regex(/^[\w+=,.@-]{2,64}$/, 'must be 2–64 characters of [\\w+=,.@-]')
    .default('orgraph'),
  /** Capped at 3600 when the central principal is a role session (role chaining). */
  durationSeconds: seconds(900, 43_200).default(3600),
  /** Sessions are renewed this long before they expire. */
  refreshWindowSeconds: seconds(0, 43_199).default(300),
  /** How long an AccessDenied (or a refused duration) is remembered per account. */
  negativeCacheSeconds: seconds(0, 86_400).default(60),
  /** STS Region (regional endpoint). Default: AWS_REGION, else us-east-1 — see resolveStsRegion. */
  stsRegion: region.optional(),
  /** Accounts whose sessions are kept (LRU). */
  maxSessions: positiveInt('accounts').default(10_000),
  /** Serve the central account with the central credentials instead of its own member role. */
  useCentralCredentialsForCentralAccount: z.boolean().default(false),
  /** Per-account exceptions (a legacy role name, one ExternalId per account); the first match wins. */
  overrides: z
    .array(
      z.strictObject({
        accountIds: z
          .array(z.string().regex(ACCOUNT_ID, `must be ${EXPECTED.accountId}`))
          .min(1, 'must name at least one account (or leave it out and name unitIds)')
          .optional(),
        /** Roots or units: every account anywhere below them matches (needs the Organizations account source). */
        unitIds: z
          .array(z.string().regex(UNIT_ID, `must be ${EXPECTED.unitId}`))
          .min(1, 'must name at least one unit (or leave it out and name accountIds)')
          .optional(),
        roleName: roleName.optional(),
        rolePath: rolePath.optional(),
        externalId: externalId.optional(),
        durationSeconds: seconds(900, 43_200).optional(),
      }),
    )
    .default([]),
});

export const poolSchema = z.strictObject({
  /** SDK clients kept, one per (service, account, Region). */
  maxClients: positiveInt('clients').default(5_000),
  /** Sockets per endpoint of the one shared keep-alive HTTP handler. */
  maxSockets: positiveInt('sockets').default(50),
  connectionTimeoutMs: positiveInt('milliseconds')
    .max(MAX_TIMER_MS, `must be at most ${MAX_TIMER_MS} (milliseconds)`)
    .default(3_000),
  /** Per HTTP request; unset = no timeout at this layer. */
  requestTimeoutMs: positiveInt('milliseconds')
    .max(MAX_TIMER_MS, `must be at most ${MAX_TIMER_MS} (milliseconds)`)
    .optional(),
});

/** Overrides for every service, STS and Roles Anywhere included; see src/aws/endpoints.ts for precedence. */
export const endpointsSchema = z.strictObject({
  default: url.optional(),
  sts: url.optional(),
  ec2: url.optional(),
  organizations: url.optional(),
  rolesanywhere: url.optional(),
});

/**
 * Where the Organizations client is: one endpoint per partition, in us-east-1 for 'aws'. Whether it
 * uses the central credentials or a role in the management account is the graph configuration's
 * `accounts.managementAccountRole` (src/config/graph.ts), wired into ClientPool `organizations.viaRole`.
 */
export const organizationsClientSchema = z.strictObject({
  region: region.default('us-east-1'),
});

export const credentialsConfigSchema = z
  .strictObject({
    centralPrincipal: centralPrincipalSchema.prefault({ source: 'default' }),
    broker: brokerSchema.prefault({}),
    pool: poolSchema.prefault({}),
    endpoints: endpointsSchema.prefault({}),
    organizations: organizationsClientSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    // Refinements also run when a field already failed; compare only values that are valid themselves.
    config.broker.overrides.forEach((o, i) => {
      if (o.accountIds === undefined && o.unitIds === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['broker', 'overrides', i],
          input: o,
          message: 'must name accountIds or unitIds (the accounts it applies to)',
        });
      if (o.durationSeconds !== undefined && config.broker.refreshWindowSeconds >= o.durationSeconds)
        ctx.addIssue({
          code: 'custom',
          path: ['broker', 'overrides', i, 'durationSeconds'],
          input: o.durationSeconds,
          message: `must be longer than broker.refreshWindowSeconds (${config.broker.refreshWindowSeconds})`,
        });
    });
    const { durationSeconds, refreshWindowSeconds } = config.broker;
    const valid = Number.isInteger(durationSeconds) && durationSeconds >= 900 && durationSeconds <= 43_200;
    if (valid && refreshWindowSeconds >= durationSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['broker', 'refreshWindowSeconds'],
        input: config.broker.refreshWindowSeconds,
        message: `must be shorter than broker.durationSeconds (${config.broker.durationSeconds})`,
      });
    }
  });

export type CredentialsConfigInput = z.input<typeof credentialsConfigSchema>;
export type CredentialsConfig = z.output<typeof credentialsConfigSchema>;

export class CredentialsConfigError extends ConfigProblemsError {
  constructor(problems: string[]) {
    super(problems, 'CredentialsConfigError');
  }
}

/** Validates and fills in defaults; throws CredentialsConfigError listing every problem by option path. */
export function parseCredentialsConfig(input: unknown, rootPath = 'credentials'): CredentialsConfig {
  return parseSection(
    credentialsConfigSchema,
    input,
    rootPath,
    (problems) => new CredentialsConfigError(problems),
  );
}

/** The STS Region: configured, else AWS_REGION / AWS_DEFAULT_REGION, else us-east-1. */
export function resolveStsRegion(
  config: Pick<CredentialsConfig, 'broker'>,
  env: Record<string, string | undefined> = process.env,
): string {
  return config.broker.stsRegion ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? 'us-east-1';
}
