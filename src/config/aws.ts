// Configuration of the AWS data layer (src/aws/data-layer.ts): the response cache, the fan-out limits,
// throttling retries and call timeouts. Every option has its default here; a bad value is reported
// with its option path and the value it had.
import { z } from 'zod';
import { EXPECTED, REGION_NAME } from '../aws/ids.js';
import { ConfigProblemsError, parseSection } from './issues.js';

const int = (what: string, min: number, max: number) =>
  z
    .number({ error: `must be a number (${what})` })
    .int(`must be a whole number (${what})`)
    .min(min, `must be at least ${min} (${what})`)
    .max(max, `must be at most ${max} (${what})`);

export const cacheOptionsSchema = z.strictObject({
  /** How long an AWS list result is served from the process-wide cache; 0 turns the cache off. */
  ttlSeconds: int('seconds', 0, 86_400).default(60),
  /** Cached results (pages, lists, by-id entries) kept at most (LRU). */
  maxEntries: int('entries', 1, 10_000_000).default(20_000),
  /** Cached AWS items (instances, VPCs, accounts, ...) kept at most, over all entries (LRU). */
  maxItems: int('items', 1, 100_000_000).default(500_000),
});

export const concurrencyOptionsSchema = z.strictObject({
  /** AWS calls in flight at once, process-wide. */
  global: int('calls', 1, 10_000).default(64),
  /** AWS calls in flight at once per (account, Region); also the ceiling of the per-API throttle gate. */
  perTarget: int('calls', 1, 1_000).default(4),
});

export const retryOptionsSchema = z.strictObject({
  /**
   * Attempts per AWS call, the first included, for throttling and transient (5xx, network) failures.
   * A throttled call may go on beyond this while it has waited less than `throttleBudgetMs`; 1 turns
   * every retry off.
   */
  maxAttempts: int('attempts', 1, 20).default(5),
  /** How long a throttled call may keep waiting for AWS (backoff and pacing) beyond `maxAttempts`. */
  throttleBudgetMs: int('milliseconds', 0, 600_000).default(20_000),
  /** Backoff before the n-th retry: between half and all of min(maxDelayMs, baseDelayMs × 2^(n-1)). */
  baseDelayMs: int('milliseconds', 0, 60_000).default(50),
  maxDelayMs: int('milliseconds', 0, 300_000).default(2_000),
});

export const awsOptionsSchema = z
  .strictObject({
    cache: cacheOptionsSchema.prefault({}),
    concurrency: concurrencyOptionsSchema.prefault({}),
    retry: retryOptionsSchema.prefault({}),
    /** Time limit of one AWS call attempt (credentials included). */
    callTimeoutMs: int('milliseconds', 1, 600_000).default(10_000),
    /**
     * A Region every account has enabled: its EC2 endpoint answers DescribeRegions for an account,
     * and its STS endpoint checks a member session after an EC2 AuthFailure.
     */
    homeRegion: z.string().regex(REGION_NAME, `must be ${EXPECTED.region}`).default('us-east-1'),
    /** The old name of homeRegion, refused with the new one rather than as an unknown key. */
    regionsFrom: z.never({ error: 'was renamed: use aws.homeRegion' }).optional(),
  })
  .superRefine((options, ctx) => {
    if (options.retry.maxDelayMs < options.retry.baseDelayMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['retry', 'maxDelayMs'],
        input: options.retry.maxDelayMs,
        message: `must not be smaller than retry.baseDelayMs (${options.retry.baseDelayMs})`,
      });
    }
  });

/** What a caller may pass (everything optional). */
export type AwsOptions = z.input<typeof awsOptionsSchema>;
/** With every default filled in. */
export type ResolvedAwsOptions = z.output<typeof awsOptionsSchema>;

export class AwsConfigError extends ConfigProblemsError {
  constructor(problems: string[]) {
    super(problems, 'AwsConfigError');
  }
}

/** Validates and fills in defaults; throws AwsConfigError listing every problem by option path. */
export function parseAwsOptions(input: unknown, rootPath = 'aws'): ResolvedAwsOptions {
  return parseSection(awsOptionsSchema, input, rootPath, (problems) => new AwsConfigError(problems));
}
