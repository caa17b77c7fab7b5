import { describe, expect, it } from 'vitest';
import { chunk, describeKnownIds, idsNamedIn } from '../../src/aws/by-ids.js';
import { isEc2Id } from '../../src/aws/ids.js';
import { ec2Errors } from '../../src/sim/services/ec2/errors.js';

const I1 = 'i-0123456789abcdef0';
const I2 = 'i-0123456789abcdef1';
const I3 = 'i-0123456789abcdef2';

describe('idsNamedIn', () => {
  it("reads AWS's singular and plural NotFound wordings (as the sim words them)", () => {
    const requested = new Set([I1, I2, I3]);
    expect(
      idsNamedIn(ec2Errors.notFound('InvalidInstanceID.NotFound', 'instance', [I2]).message, requested),
    ).toEqual(new Set([I2]));
    expect(
      idsNamedIn(ec2Errors.notFound('InvalidInstanceID.NotFound', 'instance', [I1, I3]).message, requested),
    ).toEqual(new Set([I1, I3]));
    expect(
      idsNamedIn("The vpc ID 'vpc-0a1b2c3d' does not exist", new Set(['vpc-0a1b2c3d', 'vpc-11111111'])),
    ).toEqual(new Set(['vpc-0a1b2c3d']));
  });

  it('reads the Malformed wording and ignores ids that were not asked for', () => {
    const message = ec2Errors.malformedId('InvalidSubnetID.Malformed', 'subnet-XYZ', 'subnet').message;
    expect(idsNamedIn(message, new Set(['subnet-XYZ', 'subnet-12345678']))).toEqual(new Set(['subnet-XYZ']));
    expect(idsNamedIn("The instance ID 'i-99999999' does not exist", new Set([I1]))).toEqual(new Set());
  });
});

describe('isEc2Id', () => {
  it('accepts the 8- and 17-hex-digit forms only', () => {
    expect(isEc2Id('i', I1)).toBe(true);
    expect(isEc2Id('vpc', 'vpc-0a1b2c3d')).toBe(true);
    expect(isEc2Id('i', 'vpc-0a1b2c3d')).toBe(false);
    expect(isEc2Id('i', 'i-0123')).toBe(false);
    expect(isEc2Id('i', 'i-0123456789ABCDEF0')).toBe(false);
  });
});

describe('chunk', () => {
  it('splits at 1,000 by default', () => {
    expect(chunk(Array.from({ length: 2001 }, (_, i) => i)).map((c) => c.length)).toEqual([1000, 1000, 1]);
  });
});

/** A fake Describe that knows some ids and refuses a list with unknown ones, as EC2 does. */
function fakeDescribe(known: Set<string>, wording: (missing: string[]) => string) {
  const calls: string[][] = [];
  const describe = async (ids: string[]) => {
    calls.push([...ids]);
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length > 0)
      throw Object.assign(new Error(wording(missing)), { name: 'InvalidInstanceID.NotFound' });
    return ids;
  };
  return { calls, describe };
}

const messageOf = (err: unknown) =>
  (err as Error).name === 'InvalidInstanceID.NotFound' ? (err as Error).message : undefined;

describe('describeKnownIds', () => {
  it('drops the ids AWS names and asks once more for the rest', async () => {
    const { calls, describe } = fakeDescribe(
      new Set([I1, I3]),
      (m) => ec2Errors.notFound('InvalidInstanceID.NotFound', 'instance', m).message,
    );
    expect(await describeKnownIds([I1, I2, I3, I1], describe, messageOf)).toEqual([I1, I3]);
    expect(calls).toEqual([
      [I1, I2, I3],
      [I1, I3],
    ]);
  });

  it('returns nothing (and no error) when no id is known', async () => {
    const { describe } = fakeDescribe(
      new Set(),
      (m) => ec2Errors.notFound('InvalidInstanceID.NotFound', 'instance', m).message,
    );
    expect(await describeKnownIds([I1, I2], describe, messageOf)).toEqual([]);
  });

  it('halves the list when the message names no id it can read', async () => {
    const { calls, describe } = fakeDescribe(new Set([I1, I2]), () => 'Some ids do not exist');
    expect((await describeKnownIds([I1, I2, I3], describe, messageOf)).sort()).toEqual([I1, I2]);
    expect(calls[0]).toEqual([I1, I2, I3]);
    expect(calls.length).toBeGreaterThan(2);
  });

  it('rethrows any other error', async () => {
    const describe = async () => {
      throw Object.assign(new Error('nope'), { name: 'UnauthorizedOperation' });
    };
    await expect(describeKnownIds([I1], describe, messageOf)).rejects.toThrow('nope');
  });
});
