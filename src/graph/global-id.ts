// Global ids for Query.node: base64url of "<Type>:<key part>:<key part>...". Decoding checks the type
// and the shape of every part, so a malformed id is a BAD_USER_INPUT error that shows the bad value.
import { ACCOUNT_ID, ORGANIZATION_ID, REGION_NAME, UNIT_ID, isEc2Id } from '../aws/ids.js';
import { badUserInput } from './errors.js';
import { KINDS } from './kinds/index.js';
import { shown } from './shown.js';

/** A Node type: the organization's own, or a resource kind's (src/graph/kinds/). */
export type NodeTypeName = 'Organization' | 'OrganizationalUnit' | 'Account' | 'Region' | (string & {});

type Shape = (part: string) => boolean;
const shape =
  (pattern: RegExp): Shape =>
  (part) =>
    pattern.test(part);
const ec2 =
  (prefix: string): Shape =>
  (part) =>
    isEc2Id(prefix, part);
const ACCOUNT = shape(ACCOUNT_ID);
const REGION = shape(REGION_NAME);

/** The key parts of each type and the shape each must have; a resource kind's: account, Region, its id. */
const KEY_SHAPES: Record<string, Shape[]> = {
  Organization: [shape(ORGANIZATION_ID)],
  OrganizationalUnit: [shape(UNIT_ID)],
  Account: [ACCOUNT],
  Region: [ACCOUNT, REGION],
  ...Object.fromEntries(KINDS.map((kind) => [kind.typename, [ACCOUNT, REGION, ec2(kind.aws.idPrefix)]])),
};

export interface DecodedId {
  type: NodeTypeName;
  parts: string[];
}

export function encodeGlobalId(type: NodeTypeName, ...parts: string[]): string {
  return Buffer.from([type, ...parts].join(':'), 'utf8').toString('base64url');
}

/** The type and key parts of a global id; throws BAD_USER_INPUT for anything this gateway did not issue. */
export function decodeGlobalId(id: string): DecodedId {
  const decoded = decode(id);
  if (typeof decoded === 'string')
    throw badUserInput(`Invalid id ${shown(id)}: not an id issued by this API (${decoded})`);
  return decoded;
}

/** Why `id` is not a global id this gateway issued ('unknown type', ...), or undefined when it is one. */
export function globalIdProblem(id: string): string | undefined {
  const decoded = decode(id);
  return typeof decoded === 'string' ? decoded : undefined;
}

/** Longer than any id this API encodes (a type and three AWS ids, base64url). */
const MAX_ID_LENGTH = 512;

function decode(id: string): DecodedId | string {
  if (id.length > MAX_ID_LENGTH || !/^[A-Za-z0-9_-]+$/.test(id)) return 'expected base64url';
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const [type, ...parts] = text.split(':');
  if (type === undefined || !Object.prototype.hasOwnProperty.call(KEY_SHAPES, type)) return 'unknown type';
  const shapes = KEY_SHAPES[type];
  if (!shapes) return 'unknown type';
  if (parts.length !== shapes.length || parts.some((part, i) => !(shapes[i] as Shape)(part)))
    return `malformed ${type} id`;
  return { type: type as NodeTypeName, parts };
}
