// The GraphiQL page: an HTML shell written by the server (with the page's settings as a JSON block and
// a Content-Security-Policy that lets the browser load and call nothing but this server) and the
// static assets built into dist/graphiql/ by scripts/build-graphiql.mjs.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ExampleQuery } from './examples.js';

/** Where the build puts the assets (the same from src/server/ under tsx and from dist/server/). */
export const GRAPHIQL_ASSET_DIR = fileURLToPath(new URL('../../dist/graphiql/', import.meta.url));
export const ASSET_PREFIX = '/graphql/assets/';

const FILES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'app.js.LEGAL.txt': 'text/plain; charset=utf-8',
  'app.css.LEGAL.txt': 'text/plain; charset=utf-8',
};

export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface GraphiqlAssets {
  get(name: string): { body: Buffer; contentType: string } | undefined;
}

/** Reads the built assets once; throws with the fix when they were not built. */
export async function loadGraphiqlAssets(dir = GRAPHIQL_ASSET_DIR): Promise<GraphiqlAssets> {
  const files = new Map<string, { body: Buffer; contentType: string }>();
  for (const [name, contentType] of Object.entries(FILES)) {
    try {
      files.set(name, { body: await readFile(dir + name), contentType });
    } catch (err) {
      if (name.endsWith('.txt')) continue;
      throw new Error(
        `GraphiQL assets are missing (${dir}${name}: ${(err as NodeJS.ErrnoException).code ?? String(err)}); run \`npm run build\``,
      );
    }
  }
  return { get: (name) => files.get(name) };
}

export interface PageSettings {
  endpoint: string;
  authRequired: boolean;
  examples: readonly ExampleQuery[];
}

export function graphiqlPage(settings: PageSettings): string {
  // '<' escaped so no value can close the script element.
  const json = JSON.stringify(settings).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>orgraph — GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ASSET_PREFIX}app.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script id="orgraph-settings" type="application/json">${json}</script>
<script type="module" src="${ASSET_PREFIX}app.js"></script>
</body>
</html>
`;
}
