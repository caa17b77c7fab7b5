import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Imports flow one way: cli → server → gateway.ts → graph → aws ⇄ credentials → config → shared
// helpers (log, env-name, option-checks, aws/ids). The simulated AWS stands apart: it shares only the
// pure id shapes (aws/ids.ts). A relative import climbs out of its folder with ../ — these patterns
// match the folder it climbs into. Tested in test/lint/layers.test.ts.
const up = '^(\\.\\./)+';
const layer = (name, message) => ({ regex: `${up}${name}`, message });
const GATEWAY = layer('gateway\\.js$', 'only the CLI, the server and the library entry build a gateway');
const SIM = layer('sim/', 'the gateway never depends on the simulated AWS (only the CLI and tests start it)');
const CLI = layer('cli/', 'nothing imports the command line');
const SERVER = layer('server/', 'only the CLI and the library entry import the HTTP server');
const GRAPH = layer('graph/', 'the AWS and credentials layers do not know GraphQL');
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
export const LAYER_RULES = [
  {
    files: ['src/sim/**/*.ts'],
    rules: restrict(
      layer(
        '(aws/(?!ids\\.js$)|graph/|credentials/|server/|cli/|config/|gateway\\.js$)',
        'the simulated AWS imports nothing from the gateway but the pure id shapes (aws/ids.ts)',
      ),
    ),
  },
  {
    files: ['src/config/**/*.ts'],
    rules: restrict(
      layer(
        '(aws/(?!ids\\.js$)|graph/|credentials/|server/|cli/|sim/|gateway\\.js$)',
        'the configuration imports no runtime layer (only aws/ids.ts and the shared helpers)',
      ),
    ),
  },
  {
    files: ['src/aws/**/*.ts', 'src/credentials/**/*.ts'],
    rules: restrict(GRAPH, SERVER, CLI, SIM, GATEWAY),
  },
  {
    files: ['src/graph/**/*.ts'],
    rules: restrict(
      SERVER,
      CLI,
      SIM,
      GATEWAY,
      layer('credentials/', 'the graph reaches AWS only through the data layer (src/aws)'),
    ),
  },
  {
    files: ['src/server/**/*.ts'],
    rules: restrict(
      CLI,
      SIM,
      layer('(graph|credentials)/', 'the server uses the gateway (src/gateway.ts), not its layers'),
    ),
  },
  { files: ['src/gateway.ts'], rules: restrict(SERVER, CLI, SIM) },
  {
    files: ['src/log.ts', 'src/env-name.ts', 'src/option-checks.ts'],
    rules: restrict(layer('', 'the shared helpers import no layer')),
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/graph/generated/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  ...LAYER_RULES,
  {
    files: ['bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['web/**/*.js'],
    languageOptions: { globals: { document: 'readonly', fetch: 'readonly', localStorage: 'readonly' } },
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { console: 'readonly', URL: 'readonly' } },
  },
);
