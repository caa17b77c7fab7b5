// NextToken loops: pages as an async generator (stop iterating to stop fetching), and the whole list.
import type { AwsPage } from './data.js';

/**
 * Yields pages from `startToken` on, following NextToken until AWS leaves it out — through short and
 * empty pages, which Organizations sends while more follow. A token repeated verbatim would loop
 * forever: `repeated` makes the error for that.
 */
export async function* followNextToken<T>(
  fetchPage: (nextToken: string | undefined) => Promise<AwsPage<T>>,
  startToken: string | undefined,
  repeated: (token: string) => Error,
): AsyncGenerator<AwsPage<T>> {
  let token = startToken;
  for (;;) {
    const page = await fetchPage(token);
    yield page;
    if (!page.nextToken) return;
    if (page.nextToken === token) throw repeated(page.nextToken);
    token = page.nextToken;
  }
}

/** Every item of every page; `fetchedAt` is the oldest page's time. */
export async function collectPages<T>(
  pages: AsyncIterable<AwsPage<T>>,
): Promise<{ items: T[]; fetchedAt: Date }> {
  const items: T[] = [];
  let fetchedAt: Date | undefined;
  for await (const page of pages) {
    for (const item of page.items) items.push(item);
    if (!fetchedAt || page.fetchedAt < fetchedAt) fetchedAt = page.fetchedAt;
  }
  return { items, fetchedAt: fetchedAt ?? new Date() };
}
