// What one EC2 operation handler receives, and the small parameter helpers they share.
import type { SimContext } from '../../types.js';

export interface Ec2Call {
  /** The flat Query parameters (Action and Version removed). */
  params: Record<string, string>;
  /** The calling account (the verified signature's). */
  accountId: string;
  /** The Region from the request's credential scope. */
  region: string;
  ctx: SimContext;
}

/** An operation answers with the inner XML of its `<XxxResponse>` (after `<requestId>`). */
export type Ec2Operation = (call: Ec2Call) => string;

/** EC2 booleans on the wire are 'true' / 'false'. */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && value.toLowerCase() === 'true';
}

/** Keeps the string-valued entries of a parsed parameter map. */
export function stringParams(params: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (typeof v === 'string') out[k] = v;
  return out;
}
