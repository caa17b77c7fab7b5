import { defineConfig } from 'vitest/config';

export default defineConfig({
  // graphql 16 ships a CJS and an ESM build without an exports map: Vite would load the ESM one for our
  // code while Apollo Server (externalized) loads the CJS one, and graphql refuses schemas from another
  // realm. Node itself resolves both to the CJS build, so tests do the same.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The AWS SDK warns on every client that Node 20 support ends in 2027; known, and noise in test output.
    // Apollo Gateway (federation tests) probes cloud metadata hosts and reports to Apollo unless told not to.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', APOLLO_TELEMETRY_DISABLED: 'true' },
  },
});
