// NextToken loops, once for every list: the guard against a token answered back verbatim (following it
// would never end), and reading every page of a list through a one-page reader.
import type { Page } from './contract.js';

/**
 * A page as read with `token`: its next token ('' counts as none — some services end with it), or
 * `repeated()` thrown when AWS answered the token it was given.
 */
export function pageOf<T>(
  items: T[],
  token: string | undefined,
  nextToken: string | undefined,
  fetchedAt: Date,
  repeated: () => Error,
): Page<T> {
  if (nextToken && nextToken === token) throw repeated();
  return {
    items,
    ...(token !== undefined ? { token } : {}),
    ...(nextToken ? { nextToken } : {}),
    fetchedAt,
  };
}

/**
 * Every page from the first, following NextToken until AWS leaves it out — through short and empty
 * pages, which Organizations sends while more follow. `fetchedAt` is the oldest page's time.
 */
export async function readAllPages<T>(
  readPage: (token: string | undefined) => Promise<Page<T>>,
): Promise<Page<T>> {
  const items: T[] = [];
  let fetchedAt: Date | undefined;
  let token: string | undefined;
  do {
    const page = await readPage(token);
    for (const item of page.items) items.push(item);
    if (!fetchedAt || page.fetchedAt < fetchedAt) fetchedAt = page.fetchedAt;
    token = page.nextToken;
  } while (token !== undefined);
  return { items, fetchedAt: fetchedAt ?? new Date(0) };
}
