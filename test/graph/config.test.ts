import { describe, it, expect } from 'vitest';
import { GraphConfigError, cursorSecretOf, parseGraphConfig } from '../../src/config/graph.js';

function problems(input: unknown): string[] {
  try {
    parseGraphConfig(input);
  } catch (error) {
    if (error instanceof GraphConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('gateway graph configuration', () => {
  it('fills in every default', () => {
    expect(parseGraphConfig(undefined)).toEqual({
      accounts: { source: 'organizations' },
      include: { accountIds: [], unitIds: [] },
      exclude: { accountIds: [], unitIds: [] },
      fanOutPaging: 'thrifty',
      fanOutAccountStates: ['ACTIVE'],
      queryDeadlineMs: 60_000,
      maxFirst: 1_000,
      federation: { enabled: false },
      limits: {
        maxAwsCalls: 1_000,
        checkAwsCalls: 'before-any-call',
        assumedRegionsPerAccount: 17,
        maxResponseItems: 10_000,
        maxDepth: 20,
        maxAliases: 30,
        maxRootFields: 20,
      },
    });
  });

  it('accepts a static account list, Regions and an Organizations role', () => {
    const config = parseGraphConfig({
      accounts: {
        source: 'static',
        accounts: [{ id: '111111111111', name: 'prod', email: 'prod@example.com' }, { id: '222222222222' }],
      },
      regions: ['us-east-1', 'eu-west-1'],
      exclude: { accountIds: ['222222222222'] },
    });
    expect(config.accounts).toEqual({
      source: 'static',
      accounts: [{ id: '111111111111', name: 'prod', email: 'prod@example.com' }, { id: '222222222222' }],
    });
    expect(config.regions).toEqual(['us-east-1', 'eu-west-1']);
    const viaRole = parseGraphConfig({
      accounts: {
        source: 'organizations',
        managementAccountRole: { accountId: '333333333333', roleName: 'OrgReader' },
      },
    });
    expect(viaRole.accounts).toEqual({
      source: 'organizations',
      managementAccountRole: { accountId: '333333333333', roleName: 'OrgReader' },
    });
  });

  it('reports every problem by option path with the bad value', () => {
    expect(
      problems({
        accounts: {
          source: 'static',
          accounts: [{ id: '12' }, { id: '111111111111' }, { id: '111111111111' }],
        },
        include: { unitIds: ['ou-ab12-aaaaaaaa'] },
        regions: ['mars-1'],
        maxFirst: 0,
        surprise: true,
      }),
    ).toEqual([
      'graph.accounts.accounts.0.id: must be a 12-digit account id (got "12")',
      'graph.regions.0: must be an AWS Region name such as us-east-1 (got "mars-1")',
      'graph.maxFirst: must be at least 1 (items) (got 0)',
      "graph: unknown option 'surprise'",
      `graph.include.unitIds: needs the 'organizations' account source (a static list has no units) (got a list of 1 item)`,
      'graph.accounts.accounts.2.id: is listed twice (got "111111111111")',
    ]);
    expect(
      problems({
        accounts: { source: 'static', accounts: [{ id: '111111111111' }, { id: '111111111111' }] },
        include: { unitIds: ['ou-ab12-aaaaaaaa'] },
      }),
    ).toEqual([
      `graph.include.unitIds: needs the 'organizations' account source (a static list has no units) (got a list of 1 item)`,
      'graph.accounts.accounts.1.id: is listed twice (got "111111111111")',
    ]);
    expect(problems({ accounts: { source: 'ldap' } })).toEqual([
      "graph.accounts.source: must be 'organizations' or 'static' (got \"ldap\")",
    ]);
  });

  it('caps queryDeadlineMs at what a timer can hold and maxFirst at 10,000', () => {
    expect(problems({ queryDeadlineMs: 3e9, maxFirst: 1e6 })).toEqual([
      "graph.queryDeadlineMs: must be at most 2147483647 (milliseconds; a Node timer's limit) (got 3000000000)",
      'graph.maxFirst: must be at most 10000 (items; a page is built and sent whole) (got 1000000)',
    ]);
    const largest = parseGraphConfig({ queryDeadlineMs: 2_147_483_647, maxFirst: 10_000 });
    expect([largest.queryDeadlineMs, largest.maxFirst]).toEqual([2_147_483_647, 10_000]);
  });

  it('takes the account states fan-outs read, refusing unknown ones and an empty list', () => {
    expect(parseGraphConfig({ fanOutAccountStates: ['ACTIVE', 'SUSPENDED'] }).fanOutAccountStates).toEqual([
      'ACTIVE',
      'SUSPENDED',
    ]);
    expect(problems({ fanOutAccountStates: ['ACTIVE', 'GONE'] })).toEqual([
      'graph.fanOutAccountStates.1: must be one of PENDING_ACTIVATION, ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED (got "GONE")',
    ]);
    expect(problems({ fanOutAccountStates: [] })).toEqual([
      'graph.fanOutAccountStates: must list at least one account state (got a list of 0 items)',
    ]);
  });

  it('never echoes the cursor secret', () => {
    const [problem] = problems({ cursorSecret: 'short-secret-value' });
    expect(problem).toBe('graph.cursorSecret: must be at least 32 characters (value not shown)');
  });

  it('uses the configured cursor secret, else one per process', () => {
    const secret = 'x'.repeat(40);
    expect(cursorSecretOf({ cursorSecret: secret })).toBe(secret);
    expect(cursorSecretOf({})).toBe(cursorSecretOf({}));
    expect(cursorSecretOf({}).length).toBeGreaterThanOrEqual(32);
  });
});
