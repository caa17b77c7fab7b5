// Global ids for Query.node: base64url of "<Type>:<key part>:<key part>...". Decoding checks the type
// and the shape of every part, so a malformed id is a BAD_USER_INPUT error that shows the bad value.
import { badUserInput } from './errors.js';

export type NodeTypeName =
  'Organization' | 'OrganizationalUnit' | 'Account' | 'Region' | 'Vpc' | 'Subnet' | 'Instance';

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The key parts of each type and the shape each must have. */
const KEY_SHAPES: Record<NodeTypeName, RegExp[]> = {
  Organization: [/^o-[a-z0-9]{10,32}$/],
  OrganizationalUnit: [/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/],
  Account: [ACCOUNT],
  Region: [ACCOUNT, REGION],
  Vpc: [ACCOUNT, REGION, /^vpc-[0-9a-f]{8,17}$/],
  Subnet: [ACCOUNT, REGION, /^subnet-[0-9a-f]{8,17}$/],
  Instance: [ACCOUNT, REGION, /^i-[0-9a-f]{8,17}$/],
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
  const invalid = (why: string) =>
    badUserInput(`Invalid id ${JSON.stringify(id.length > 80 ? id.slice(0, 77) + '...' : id)}: ${why}`);
  if (!/^[A-Za-z0-9_-]+$/.test(id)) throw invalid('not an id issued by this API (expected base64url)');
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const [type, ...parts] = text.split(':');
  if (type === undefined || !Object.prototype.hasOwnProperty.call(KEY_SHAPES, type)) {
    throw invalid('not an id issued by this API (unknown type)');
  }
  const shapes = KEY_SHAPES[type as NodeTypeName];
  if (parts.length !== shapes.length || parts.some((part, i) => !(shapes[i] as RegExp).test(part))) {
    throw invalid(`malformed ${type} id`);
  }
  return { type: type as NodeTypeName, parts };
}
