// The one definition of every AWS id shape orgraph checks: account ids, Region names, Organizations
// root / unit / organization ids and EC2 resource ids. Configuration, GraphQL arguments, global ids and
// the simulated AWS all ask this module, so a value refused in one place is refused everywhere.
//
// EC2 ids are `<prefix>-` and 8 (old style) or 17 (current) lowercase hex digits — exactly those two
// lengths: EC2 answers anything else with `Invalid<Kind>ID.Malformed`.

/** The text of each shape without anchors, for composing larger patterns (ARNs). */
export const ACCOUNT_ID_SOURCE = '\\d{12}';
/** us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-4 ... */
export const REGION_NAME_SOURCE = '[a-z]{2}(?:-[a-z]+)+-\\d+';
export const ROOT_ID_SOURCE = 'r-[0-9a-z]{4,32}';
export const OU_ID_SOURCE = 'ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}';
export const ORGANIZATION_ID_SOURCE = 'o-[0-9a-z]{10,32}';
/** A zone of a Region: us-east-1a, or a Local or Wavelength Zone such as us-west-2-lax-1a. */
export const AVAILABILITY_ZONE_SOURCE = `${REGION_NAME_SOURCE}(?:[a-z]|-[a-z0-9]+(?:-[a-z0-9]+)*)`;

const anchored = (source: string) => new RegExp(`^(?:${source})$`);

export const ACCOUNT_ID = anchored(ACCOUNT_ID_SOURCE);
export const REGION_NAME = anchored(REGION_NAME_SOURCE);
export const ROOT_ID = anchored(ROOT_ID_SOURCE);
export const OU_ID = anchored(OU_ID_SOURCE);
/** A root or an organizational unit id (both can parent accounts). */
export const UNIT_ID = anchored(`${ROOT_ID_SOURCE}|${OU_ID_SOURCE}`);
export const ORGANIZATION_ID = anchored(ORGANIZATION_ID_SOURCE);
export const AVAILABILITY_ZONE = anchored(AVAILABILITY_ZONE_SOURCE);

/** The EC2 resources whose ids orgraph reads, by id prefix. */
export type Ec2IdPrefix = 'i' | 'vpc' | 'subnet' | 'sg';

/** What each shape must look like, as messages say it ("must be …"). */
export const EXPECTED = {
  accountId: 'a 12-digit account id',
  region: 'an AWS Region name such as us-east-1',
  unitId: 'a root id (r-...) or an organizational unit id (ou-...)',
  organizationId: 'an organization id (o-...)',
  availabilityZone: 'an availability zone name such as us-east-1a',
  i: 'an instance id: i- and 8 or 17 hex digits, such as i-0123456789abcdef0',
  vpc: 'a VPC id: vpc- and 8 or 17 hex digits, such as vpc-0123456789abcdef0',
  subnet: 'a subnet id: subnet- and 8 or 17 hex digits, such as subnet-0123456789abcdef0',
  sg: 'a security group id: sg- and 8 or 17 hex digits, such as sg-0123456789abcdef0',
} as const;

export const isAccountId = (value: string): boolean => ACCOUNT_ID.test(value);
export const isRegionName = (value: string): boolean => REGION_NAME.test(value);
export const isUnitId = (value: string): boolean => UNIT_ID.test(value);
export const isAvailabilityZone = (value: string): boolean => AVAILABILITY_ZONE.test(value);

const ZONE_REGION = new RegExp(`^(${REGION_NAME_SOURCE})`);

/** The Region of a zone name (us-east-1 for us-east-1a and for us-east-1-bos-1a), if it is one. */
export function regionOfZone(zone: string): string | undefined {
  return isAvailabilityZone(zone) ? ZONE_REGION.exec(zone)?.[1] : undefined;
}

const EC2_ID_DIGITS = new Set([8, 17]);
const LOWER_HEX = /^[0-9a-f]+$/;

/** Whether `id` is a well-formed EC2 id of this kind (what EC2 does not refuse as `.Malformed`). */
export function isEc2Id(prefix: Ec2IdPrefix | string, id: string): boolean {
  if (!id.startsWith(`${prefix}-`)) return false;
  const digits = id.slice(prefix.length + 1);
  return EC2_ID_DIGITS.has(digits.length) && LOWER_HEX.test(digits);
}

/**
 * Whether an EC2 filter value (exact, or with the wildcards `*` and `?` and `\` escapes) can match
 * some well-formed id of this kind: `vpc-0a*` can, `vpc-zz*` and `i-123` cannot.
 */
export function canMatchEc2Id(prefix: Ec2IdPrefix | string, pattern: string): boolean {
  if (!/[*?\\]/.test(pattern)) return isEc2Id(prefix, pattern);
  const tokens = globTokens(pattern);
  const head = `${prefix}-`;
  // Position i of a candidate id: a fixed prefix character, then "any hex digit".
  return [...EC2_ID_DIGITS].some((digits) => {
    const length = head.length + digits;
    const fits = (token: GlobToken, i: number) =>
      token.kind === 'one' ||
      (token.kind === 'char' && (i < head.length ? head[i] === token.char : /[0-9a-f]/.test(token.char)));
    // row[j]: the first j tokens can match the first i characters of some candidate.
    let row = tokens.map(() => false).concat(false);
    row[0] = true;
    for (let j = 1; j <= tokens.length; j++) row[j] = row[j - 1] === true && tokens[j - 1]?.kind === 'any';
    for (let i = 0; i < length; i++) {
      const next = row.map(() => false);
      for (let j = 1; j <= tokens.length; j++) {
        const token = tokens[j - 1] as GlobToken;
        next[j] =
          token.kind === 'any'
            ? row[j] === true || next[j - 1] === true
            : row[j - 1] === true && fits(token, i);
      }
      row = next;
    }
    return row[tokens.length] === true;
  });
}

type GlobToken = { kind: 'char'; char: string } | { kind: 'one' } | { kind: 'any' };

function globTokens(pattern: string): GlobToken[] {
  const tokens: GlobToken[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length) tokens.push({ kind: 'char', char: pattern[++i] as string });
    else if (ch === '*') tokens.push({ kind: 'any' });
    else if (ch === '?') tokens.push({ kind: 'one' });
    else tokens.push({ kind: 'char', char: ch });
  }
  return tokens;
}
