// Configuration of the graph: where the accounts come from, which accounts and units are in scope,
// which Regions are read, and the per-query limits. Every option has its default here; a bad value is
// reported with its option path and the value.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ACCOUNT_ID, EXPECTED, REGION_NAME, UNIT_ID } from '../aws/ids.js';
import { ConfigProblemsError, parseSection } from './issues.js';

const accountId = z.string().regex(ACCOUNT_ID, `must be ${EXPECTED.accountId}`);
const unitId = z.string().regex(UNIT_ID, `must be ${EXPECTED.unitId}`);
const region = z.string().regex(REGION_NAME, `must be ${EXPECTED.region}`);
const positiveInt = (what: string, max: number, why: string) =>
  z
    .number({ error: `must be a number (${what})` })
    .int(`must be a whole number (${what})`)
    .min(1, `must be at least 1 (${what})`)
    .max(max, `must be at most ${max} (${what}; ${why})`);

/** The longest deadline a Node timer can hold (2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_QUERY_DEADLINE_MS = 2_147_483_647;
/** The largest `maxFirst`: a page is built, held and sent whole. */
export const MAX_MAX_FIRST = 10_000;

/** Organizations' account states (State). */
export const ACCOUNT_STATES = [
  'PENDING_ACTIVATION',
  'ACTIVE',
  'SUSPENDED',
  'PENDING_CLOSURE',
  'CLOSED',
] as const;

/** One account of a static account list (for those without Organizations access). */
export const staticAccountSchema = z.strictObject({
  id: accountId,
  name: z.string().min(1).optional(),
  email: z.string().min(3).optional(),
});

export const accountSourceSchema = z.discriminatedUnion(
  'source',
  [
    z.strictObject({
      source: z.literal('organizations'),
      /**
       * Read Organizations through a role assumed in the management account or a delegated
       * administrator account. Absent: the central principal calls Organizations itself. (The data
       * layer does the calling; the gateway wires this option into the client pool.)
       */
      managementAccountRole: z
        .strictObject({
          accountId,
          /** Default: the member role name of the session broker. */
          roleName: z
            .string()
            .regex(/^[\w+=,.@-]{1,64}$/, 'must be 1–64 characters of [\\w+=,.@-]')
            .optional(),
        })
        .optional(),
    }),
    z.strictObject({
      source: z.literal('static'),
      accounts: z.array(staticAccountSchema).min(1, 'must list at least one account'),
    }),
  ],
  { error: "must be 'organizations' or 'static'" },
);

/** Account ids and unit ids (roots or OUs; an id covers every account below it). */
export const scopeListSchema = z.strictObject({
  accountIds: z.array(accountId).default([]),
  unitIds: z.array(unitId).default([]),
});

/**
 * What one query may cost (see src/graph/budget/). Every default lets each query of the README, the
 * demo and the tests run, and refuses the two hostile shapes that motivated the limits: 200 aliased
 * fan-outs (2,000+ AWS calls on 5 accounts × 2 Regions) and lists nested 8 times (an answer that
 * grows exponentially from a few dozen calls).
 */
export const queryLimitsSchema = z.strictObject({
  /**
   * The worst-case AWS calls (EC2, AssumeRole, DescribeRegions) an operation may plan, estimated before
   * any of them is made. Default 1,000: one whole-organization list over 300 accounts × 2 Regions (600
   * EC2 calls + 300 AssumeRole), or a few narrower ones; a larger organization raises it (one list
   * costs accounts × Regions + accounts).
   */
  maxAwsCalls: positiveInt('AWS calls', 10_000_000, 'an upper bound on sanity').default(1_000),
  /**
   * When maxAwsCalls is checked against an account list that is not read yet (a cold list; a cached or
   * static list is always checked before any call). 'before-any-call' (default): the whole list is
   * read first, so a query over the budget is refused before any STS or EC2 call. 'as-accounts-arrive':
   * work on each account starts as soon as the ListAccounts page naming it arrives (one round trip
   * per 20 accounts sooner), and a query over the budget is stopped by the page that shows it — after
   * at most maxAwsCalls calls. For exports whose budget is raised well above the organization.
   */
  checkAwsCalls: z
    .enum(['before-any-call', 'as-accounts-arrive'], {
      error: "must be 'before-any-call' or 'as-accounts-arrive'",
    })
    .default('before-any-call'),
  /**
   * The Regions the estimate assumes per account when `regions` is not configured (the Regions are
   * then read per account with DescribeRegions, which needs the role the estimate must not assume).
   * Default 17: the Regions AWS enables in every account (those that need no opt-in).
   */
  assumedRegionsPerAccount: positiveInt('Regions', 100, 'AWS has fewer').default(17),
  /**
   * Items (nodes of every list) an answer may hold; the query stops with QUERY_TOO_EXPENSIVE when one
   * more list would pass it. Default 10,000: above the largest answers of the tests, the demo and the
   * bench (≈6,000 instances), while the most expensive shape, lists nested 8 deep, then holds ≈40 MB
   * live (≈4 KB an item); a flat list of instances costs far less per item. Larger lists are paged.
   */
  maxResponseItems: positiveInt('items', 100_000_000, 'an upper bound on sanity').default(10_000),
  /** The deepest field nesting (default 20: a five-level unit tree down to an instance's VPC). */
  maxDepth: positiveInt('levels', 1_000, 'an upper bound on sanity').default(20),
  /** Aliased fields in one operation (default 30). */
  maxAliases: z
    .number({ error: 'must be a number (aliases)' })
    .int('must be a whole number (aliases)')
    .min(0, 'must be at least 0 (aliases)')
    .max(10_000, 'must be at most 10000 (aliases; an upper bound on sanity)')
    .default(30),
  /** Fields at the top of one operation, fragments expanded (default 20). */
  maxRootFields: positiveInt('fields', 10_000, 'an upper bound on sanity').default(20),
});

export type QueryLimits = z.output<typeof queryLimitsSchema>;

export const graphConfigSchema = z
  .strictObject({
    /** Default: Organizations, called by the central principal. */
    accounts: accountSourceSchema.prefault({ source: 'organizations' }),
    /** When either list is non-empty, only accounts named by it (or below a named unit) are in scope. */
    include: scopeListSchema.prefault({}),
    /** Accounts named here (or below a named unit) are out of scope, even when included. */
    exclude: scopeListSchema.prefault({}),
    /** Regions read in every account. Absent: DescribeRegions per account (enabled Regions only). */
    regions: z.array(region).min(1, 'must list at least one Region (or be left out)').optional(),
    /**
     * How a fan-out fills a page (`first`): 'thrifty' (default) reads targets a window at a time,
     * growing 1, 2, 4 … 16, the targets past the first only probed with EC2's smallest page, so little
     * is read in vain — at the price of a round trip per probe that needs more. 'read-ahead' asks every
     * target of a window of 16 for all the page still misses: fewer round trips per page (an export
     * paging through everything), while items past the page's end are read again by the next page.
     */
    fanOutPaging: z
      .enum(['thrifty', 'read-ahead'], { error: "must be 'thrifty' or 'read-ahead'" })
      .default('thrifty'),
    /**
     * Accounts whose Organizations state is one of these are read by fan-outs (instances, vpcs,
     * subnets of the organization, a unit or an account). Default ['ACTIVE']: AWS refuses AssumeRole
     * into suspended and closing accounts, so reading them would only add failures. Other accounts are
     * still listed by `accounts` (Account.access says ACCOUNT_NOT_ACTIVE). Accounts of a static list
     * have no state and are always read.
     */
    fanOutAccountStates: z
      .array(z.enum(ACCOUNT_STATES, { error: `must be one of ${ACCOUNT_STATES.join(', ')}` }))
      .min(1, 'must list at least one account state')
      .default(['ACTIVE']),
    /**
     * A query's deadline (default 60,000 ms, at most 2,147,483,647 ms — a Node timer's limit); work
     * still in flight then is stopped and reported as UPSTREAM_TIMEOUT.
     */
    queryDeadlineMs: positiveInt('milliseconds', MAX_QUERY_DEADLINE_MS, "a Node timer's limit").default(
      60_000,
    ),
    /**
     * The largest `first` a connection accepts (default 1,000, at most 10,000); a larger one is a
     * BAD_USER_INPUT error.
     */
    maxFirst: positiveInt('items', MAX_MAX_FIRST, 'a page is built and sent whole').default(1_000),
    /** What one query may cost; see queryLimitsSchema. */
    limits: queryLimitsSchema.prefault({}),
    /**
     * Key that signs pagination cursors (at least 32 characters). Absent: a random key per process, so
     * cursors do not survive a restart or move between replicas.
     */
    cursorSecret: z.string().min(32, 'must be at least 32 characters').optional(),
    /**
     * Serve the graph as an Apollo Federation 2 subgraph (entities with @key, `_entities`,
     * `_service { sdl }`), for a company's supergraph. Off: the plain schema, nothing changes.
     */
    federation: z.strictObject({ enabled: z.boolean().default(false) }).prefault({}),
  })
  .superRefine((config, ctx) => {
    if (config.accounts.source === 'static') {
      for (const list of ['include', 'exclude'] as const) {
        if (config[list].unitIds.length > 0) {
          ctx.addIssue({
            code: 'custom',
            path: [list, 'unitIds'],
            input: config[list].unitIds,
            message: "needs the 'organizations' account source (a static list has no units)",
          });
        }
      }
      const seen = new Set<string>();
      config.accounts.accounts.forEach((account, index) => {
        if (seen.has(account.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['accounts', 'accounts', index, 'id'],
            input: account.id,
            message: 'is listed twice',
          });
        }
        seen.add(account.id);
      });
    }
  });

export type GraphConfigInput = z.input<typeof graphConfigSchema>;
export type GraphConfig = z.output<typeof graphConfigSchema>;
export type StaticAccount = z.output<typeof staticAccountSchema>;

export class GraphConfigError extends ConfigProblemsError {
  constructor(problems: string[]) {
    super(problems, 'GraphConfigError');
  }
}

/** Validates and fills in defaults; throws GraphConfigError listing every problem by option path. */
export function parseGraphConfig(input: unknown, rootPath = 'graph'): GraphConfig {
  return parseSection(graphConfigSchema, input, rootPath, (problems) => new GraphConfigError(problems));
}

// The process-wide cursor key used when none is configured, made on first use (importing this
// module has no side effect).
let processCursorSecret: string | undefined;

/** The key that signs cursors: the configured one, else one random key per process. */
export function cursorSecretOf(config: Pick<GraphConfig, 'cursorSecret'>): string {
  return config.cursorSecret ?? (processCursorSecret ??= randomBytes(32).toString('base64url'));
}
