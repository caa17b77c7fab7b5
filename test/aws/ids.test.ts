// The one definition of AWS id shapes, and that every user of it agrees: configuration, GraphQL
// arguments, global ids and the simulated AWS refuse and accept the same values.
import { describe, expect, it } from 'vitest';
import {
  canMatchEc2Id,
  isAccountId,
  isAvailabilityZone,
  isEc2Id,
  isRegionName,
  isUnitId,
  regionOfZone,
} from '../../src/aws/ids.js';
import { parseGraphConfig } from '../../src/config/graph.js';
import { parseAwsOptions } from '../../src/config/aws.js';
import { argumentRefusal } from '../../src/graph/argument-checks.js';
import { decodeGlobalId, encodeGlobalId } from '../../src/graph/global-id.js';
import { shown } from '../../src/graph/shown.js';
import { ALL_REGIONS, availabilityZonesOf } from '../../src/sim/regions.js';
import { INSTANCE_IDS, SUBNET_IDS, VPC_IDS, isWellFormedId } from '../../src/sim/services/ec2/ids.js';

const ENV = { hasOrganization: true, maxFirst: 1000 };

describe('EC2 ids', () => {
  it('are the prefix and exactly 8 or 17 lowercase hex digits', () => {
    expect(isEc2Id('i', 'i-0123abcd')).toBe(true);
    expect(isEc2Id('i', 'i-0123456789abcdef0')).toBe(true);
    for (const bad of [
      'i-0123abc',
      'i-0123abcde',
      'i-0123456789abcdef',
      'i-0123456789ABCDEF0',
      'vpc-0123abcd',
      'i-',
    ])
      expect(isEc2Id('i', bad)).toBe(false);
  });

  it('are judged alike by the data layer, the sim, global ids and arguments', () => {
    const samples = ['vpc-0123abcd', 'vpc-0123456789abcdef0', 'vpc-0123456789ab', 'vpc-0123ABCD', 'vpc-zz'];
    for (const id of samples) {
      const expected = isEc2Id('vpc', id);
      expect(isEc2Id('vpc', id)).toBe(expected);
      expect(isWellFormedId(VPC_IDS, id)).toBe(expected);
      const global = encodeGlobalId('Vpc', '123456789012', 'us-east-1', id);
      let decoded = true;
      try {
        decodeGlobalId(global);
      } catch {
        decoded = false;
      }
      expect(decoded).toBe(expected);
      expect(argumentRefusal('Region', 'vpc', { id }, ENV) === undefined).toBe(expected);
    }
    expect(isWellFormedId(INSTANCE_IDS, 'i-0123abcd')).toBe(true);
    expect(isWellFormedId(SUBNET_IDS, 'subnet-0123456789abcdef0')).toBe(true);
  });

  it('as filter patterns are refused only when no id could match them', () => {
    for (const pattern of ['vpc-*', 'vpc-0a*', '*', 'vpc-????????', '*0', 'v*c-0123abcd', 'vpc-\\0123abcd'])
      expect(canMatchEc2Id('vpc', pattern)).toBe(true);
    for (const pattern of ['vpc-zz*', 'i-*', 'vpc-?', 'vpc-?????????', 'vpc-0123456789ab', '*x', 'vpc-\\*'])
      expect(canMatchEc2Id('vpc', pattern)).toBe(false);
  });
});

describe('Region names', () => {
  it('accept every Region the sim knows, and its zones', () => {
    for (const region of ALL_REGIONS) {
      expect(isRegionName(region)).toBe(true);
      for (const zone of availabilityZonesOf(region)) {
        expect(isAvailabilityZone(zone.zoneName)).toBe(true);
        expect(regionOfZone(zone.zoneName)).toBe(region);
      }
    }
    expect(regionOfZone('us-west-2-lax-1a')).toBe('us-west-2');
    expect(regionOfZone('us-gov-west-1a')).toBe('us-gov-west-1');
  });

  it('are refused alike by the configuration and by arguments', () => {
    for (const bad of ['mars-1', 'US-EAST-1', 'us-east-1\u0000', 'us-east', '']) {
      expect(isRegionName(bad)).toBe(false);
      expect(() => parseGraphConfig({ regions: [bad] })).toThrow(
        /graph\.regions\.0: must be an AWS Region name/,
      );
      expect(() => parseAwsOptions({ homeRegion: bad })).toThrow(
        /aws\.homeRegion: must be an AWS Region name/,
      );
      expect(argumentRefusal('Account', 'region', { name: bad }, ENV)?.problem).toMatch(
        /must be an AWS Region name/,
      );
    }
  });
});

describe('account and unit ids', () => {
  it('are 12 digits, and r-… or ou-…-…', () => {
    expect(isAccountId('123456789012')).toBe(true);
    expect(isAccountId('12345678901')).toBe(false);
    expect(isUnitId('r-ab12')).toBe(true);
    expect(isUnitId('ou-ab12-cdefgh34')).toBe(true);
    expect(isUnitId('ou-ab12')).toBe(false);
    expect(() => parseGraphConfig({ include: { unitIds: ['ou-ab12'] } })).toThrow(
      /graph\.include\.unitIds\.0/,
    );
  });
});

describe('shown values', () => {
  it('quote, escape control and invisible characters, and cut long values saying their length', () => {
    expect(shown('mars-1')).toBe('"mars-1"');
    expect(shown('a\u0000b\nc')).toBe('"a\\u0000b\\nc"');
    expect(shown('x\u202ey\u0085')).toBe('"x\\u202ey\\u0085"');
    const long = shown('é'.repeat(100));
    expect(long).toBe(`"${'é'.repeat(59)}…" (100 characters)`);
  });
});
