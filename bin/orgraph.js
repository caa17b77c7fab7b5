#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run automatically by `npm ci`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('orgraph: dist/ is missing; run `npm ci` (or `npm run build`) first.');
  process.exit(1);
}
// A production tool unless told otherwise: graphql-js and Apollo skip their development-only checks
// (graphql's cross-realm instanceof check alone costs a few percent of a large export's CPU).
process.env.NODE_ENV ??= 'production';
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
