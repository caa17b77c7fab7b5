// The whole configuration document: `null` is never "use the default" — for a section or for any
// option, it is a problem named by its path.
import { describe, expect, it } from 'vitest';
import { OrgraphConfigError, parseOrgraphConfig } from '../../src/config/orgraph-config.js';
import { parseAwsOptions } from '../../src/config/aws.js';
import { parseCredentialsConfig } from '../../src/config/credentials.js';
import { parseGraphConfig } from '../../src/config/graph.js';

function problems(input: unknown): string[] {
  try {
    parseOrgraphConfig(input, 'orgraph.json');
  } catch (error) {
    if (error instanceof OrgraphConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('null in the configuration', () => {
  it('refuses a null section instead of filling it with defaults', () => {
    expect(problems({ credentials: null })).toEqual([
      'credentials: must not be null (leave an option out to use its default)',
    ]);
    expect(problems({ aws: null, graph: null })).toEqual([
      'aws: must not be null (leave an option out to use its default)',
      'graph: must not be null (leave an option out to use its default)',
    ]);
    // Left out, a section still takes its defaults.
    expect(parseOrgraphConfig({}).credentials.centralPrincipal).toEqual({ source: 'default' });
  });

  it('refuses a null option at any depth, naming its path', () => {
    expect(
      problems({
        credentials: { centralPrincipal: null, broker: { externalId: null } },
        aws: { cache: null, callTimeoutMs: null },
        graph: { accounts: null, regions: ['us-east-1', null] },
      }),
    ).toEqual([
      'credentials.centralPrincipal: must not be null (leave an option out to use its default)',
      'credentials.broker.externalId: must not be null (leave an option out to use its default)',
      'aws.cache: must not be null (leave an option out to use its default)',
      'aws.callTimeoutMs: must not be null (leave an option out to use its default)',
      'graph.accounts: must not be null (leave an option out to use its default)',
      'graph.regions.1: must not be null',
    ]);
  });

  it('refuses null through each section parser of the library too', () => {
    expect(() => parseCredentialsConfig(null)).toThrow(/credentials: must not be null/);
    expect(() => parseAwsOptions(null)).toThrow(/aws: must not be null/);
    expect(() => parseGraphConfig(null)).toThrow(/graph: must not be null/);
    expect(parseAwsOptions(undefined).callTimeoutMs).toBe(10_000);
  });
});
