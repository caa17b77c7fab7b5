import { describe, expect, it } from 'vitest';
import { AwsConfigError, parseAwsOptions } from '../../src/config/aws.js';

function problems(input: unknown): string[] {
  try {
    parseAwsOptions(input);
  } catch (err) {
    if (err instanceof AwsConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected the options to be refused');
}

describe('parseAwsOptions', () => {
  it('fills in every default', () => {
    expect(parseAwsOptions(undefined)).toEqual({
      cache: { ttlSeconds: 60, maxEntries: 20_000, maxItems: 500_000 },
      concurrency: { global: 64, perTarget: 4 },
      retry: { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 2_000, throttleBudgetMs: 20_000 },
      callTimeoutMs: 10_000,
      homeRegion: 'us-east-1',
    });
  });

  it('accepts a TTL of 0 (cache off) and keeps given values', () => {
    const options = parseAwsOptions({ cache: { ttlSeconds: 0 }, concurrency: { global: 8 } });
    expect(options.cache.ttlSeconds).toBe(0);
    expect(options.concurrency).toEqual({ global: 8, perTarget: 4 });
  });

  it('names the option path and the bad value of every problem', () => {
    expect(
      problems({
        cache: { ttlSeconds: -1 },
        concurrency: { global: 1.5 },
        callTimeoutMs: 'soon',
        homeRegion: 'Ireland',
        extra: 1,
      }),
    ).toEqual([
      'aws.cache.ttlSeconds: must be at least 0 (seconds) (got -1)',
      'aws.concurrency.global: must be a whole number (calls) (got 1.5)',
      'aws.callTimeoutMs: must be a number (milliseconds) (got "soon")',
      'aws.homeRegion: must be an AWS Region name such as us-east-1 (got "Ireland")',
      "aws: unknown option 'extra'",
    ]);
  });

  it('refuses the old name regionsFrom, saying the new one', () => {
    expect(problems({ regionsFrom: 'eu-west-1' })).toEqual([
      'aws.regionsFrom: was renamed: use aws.homeRegion (got "eu-west-1")',
    ]);
  });

  it('refuses a backoff cap below its base', () => {
    expect(problems({ retry: { baseDelayMs: 500, maxDelayMs: 100 } })).toEqual([
      'aws.retry.maxDelayMs: must not be smaller than retry.baseDelayMs (500) (got 100)',
    ]);
  });
});
