// The scenario knobs added for `orgraph doctor` and role overrides are validated like the others:
// a bad value is refused naming the knob, a good one is stored as given.
import { describe, expect, it } from 'vitest';
import { applyKnobPatch, defaultKnobs } from '../../src/sim/knobs.js';

const ACCOUNT = '111122223333';

describe('scenario knobs', () => {
  it('stores roleName, externalId, trustMissingPrincipal, deniedActions and scpDeniedActions', () => {
    const knobs = defaultKnobs();
    const scenario = {
      roleName: 'LegacyRead',
      externalId: 'xid-1',
      trustMissingPrincipal: true,
      deniedActions: ['ec2:DescribeSubnets'],
      scpDeniedActions: ['ec2:DescribeInstances'],
    };
    applyKnobPatch(knobs, { scenarios: { [ACCOUNT]: scenario } });
    expect(knobs.scenarios.get(ACCOUNT)).toEqual(scenario);
  });

  it.each([
    [{ roleName: 'bad role' }, `knobs.scenarios.${ACCOUNT}.roleName must be a role name`],
    [{ externalId: 'x' }, `knobs.scenarios.${ACCOUNT}.externalId must be an ExternalId`],
    [
      { trustMissingPrincipal: 'yes' },
      `knobs.scenarios.${ACCOUNT}.trustMissingPrincipal must be true or false`,
    ],
    [
      { deniedActions: ['DescribeSubnets'] },
      `knobs.scenarios.${ACCOUNT}.deniedActions must be a list of actions`,
    ],
    [
      { scpDeniedActions: 'ec2:DescribeVpcs' },
      `knobs.scenarios.${ACCOUNT}.scpDeniedActions must be a list of actions`,
    ],
    [{ rolMissing: true }, 'unknown scenario field (known: roleMissing'],
  ])('refuses %j', (scenario, message) => {
    const knobs = defaultKnobs();
    expect(() => applyKnobPatch(knobs, { scenarios: { [ACCOUNT]: scenario } })).toThrow(message);
    expect(knobs.scenarios.size).toBe(0);
  });
});
