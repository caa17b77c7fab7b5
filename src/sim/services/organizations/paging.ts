// Paging for the Organizations list operations. MaxResults is 1..20 for all of them (AWS's default page
// is 20). NextTokens are opaque and signed: they name the organization, the operation and its scope
// (parent, child type), so a tampered token or one from another list or organization is refused with
// InvalidInputException INVALID_NEXT_TOKEN. With the `shortPages` knob a page holds a random 0..limit
// items while NextToken stays set, and a list may end with an empty page, as AWS documents.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SimContext } from '../../types.js';
import { organizationsErrors } from './errors.js';

export const MAX_RESULTS_MIN = 1;
export const MAX_RESULTS_MAX = 20;
export const DEFAULT_PAGE_SIZE = 20;

/** Chance, with shortPages on, that a page which reaches the end still hands out a NextToken. */
const TRAILING_EMPTY_PAGE_CHANCE = 0.25;

/** One key per process: tokens stay valid across requests, not across restarts (like AWS's expiry). */
const TOKEN_KEY = randomBytes(32);
const TOKEN_VERSION = 1;

interface TokenPayload {
  v: number;
  /** Organization id. */
  o: string;
  /** Operation and scope, e.g. 'ListAccountsForParent|ou-ab12-cdefgh34'. */
  s: string;
  /** Offset of the next item. */
  i: number;
  /** Page sequence number, so that consecutive tokens differ even when a page is empty. */
  n: number;
}

export interface PageQuery {
  organizationId: string;
  /** Operation plus everything that selects the list (parent id, child type). */
  scope: string;
  maxResults: number;
  nextToken: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** Reads MaxResults: absent → the default page size; outside 1..20 → InvalidInputException. */
export function readMaxResults(params: Record<string, unknown>): number {
  const value = params['MaxResults'];
  if (value === undefined || value === null) return DEFAULT_PAGE_SIZE;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw organizationsErrors.serialization('MaxResults', 'integer');
  if (value < MAX_RESULTS_MIN) throw organizationsErrors.minValueExceeded();
  if (value > MAX_RESULTS_MAX) throw organizationsErrors.maxValueExceeded();
  return value;
}

/** One page of `items` for the query, honouring the pageCap and shortPages knobs. */
export function pageOf<T>(items: readonly T[], query: PageQuery, ctx: SimContext): Page<T> {
  const start = query.nextToken === undefined ? { offset: 0, seq: 0 } : readToken(query, items.length);
  let limit = query.maxResults;
  const cap = ctx.knobs.pageCap;
  if (cap !== undefined && cap >= 1) limit = Math.min(limit, Math.floor(cap));
  if (ctx.knobs.shortPages) limit = Math.min(limit, Math.floor(ctx.random() * (limit + 1)));
  const end = Math.min(items.length, start.offset + limit);
  const page = items.slice(start.offset, end);
  const more = end < items.length;
  const trailingEmptyPage =
    !more && page.length > 0 && ctx.knobs.shortPages && ctx.random() < TRAILING_EMPTY_PAGE_CHANCE;
  if (!more && !trailingEmptyPage) return { items: page };
  return {
    items: page,
    nextToken: writeToken({
      v: TOKEN_VERSION,
      o: query.organizationId,
      s: query.scope,
      i: end,
      n: start.seq + 1,
    }),
  };
}

function mac(data: string): Buffer {
  return createHmac('sha256', TOKEN_KEY).update(data).digest().subarray(0, 18);
}

function writeToken(payload: TokenPayload): string {
  const data = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${data}.${mac(data).toString('base64url')}`;
}

function readToken(query: PageQuery, total: number): { offset: number; seq: number } {
  const token = query.nextToken ?? '';
  const dot = token.indexOf('.');
  if (dot <= 0) throw organizationsErrors.invalidNextToken();
  const data = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(data);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw organizationsErrors.invalidNextToken();
  let payload: Partial<TokenPayload>;
  try {
    payload = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as Partial<TokenPayload>;
  } catch {
    throw organizationsErrors.invalidNextToken();
  }
  const { v, o, s, i, n } = payload;
  const valid =
    v === TOKEN_VERSION &&
    o === query.organizationId &&
    s === query.scope &&
    typeof i === 'number' &&
    Number.isInteger(i) &&
    i >= 0 &&
    i <= total &&
    typeof n === 'number' &&
    Number.isInteger(n);
  if (!valid) throw organizationsErrors.invalidNextToken();
  return { offset: i, seq: n };
}
