// The import-direction rule of eslint.config.js can fail: ESLint's own Node API lints a probe file
// placed (by path only; nothing is written) in each layer, with one import the layer may make and one
// it may not, and the forbidden one must be the only no-restricted-imports error.
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

/** The specifiers of `imports` that the layer rule refuses in a file at `path`. */
async function refused(path: string, imports: string[]): Promise<string[]> {
  // One import per line: an error's line number names its specifier.
  const code = imports.map((from) => `import '${from}';\n`).join('');
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}/${path}` });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => imports[m.line - 1] ?? '?');
}

describe('imports flow one way (eslint no-restricted-imports)', () => {
  const cases: { file: string; allowed: string[]; forbidden: string[] }[] = [
    {
      file: 'src/sim/services/probe.ts',
      allowed: ['../../aws/ids.js', '../model.js'],
      forbidden: ['../../aws/classify.js', '../../graph/index.js', '../../gateway.js', '../../config/aws.js'],
    },
    {
      file: 'src/aws/probe.ts',
      allowed: ['../credentials/session-broker.js', '../config/aws.js', './ids.js'],
      forbidden: [
        '../graph/index.js',
        '../server/index.js',
        '../cli/main.js',
        '../sim/index.js',
        '../gateway.js',
      ],
    },
    {
      file: 'src/credentials/roles-anywhere/probe.ts',
      allowed: ['../../aws/classify.js'],
      forbidden: ['../../graph/context.js', '../../server/auth.js'],
    },
    {
      file: 'src/graph/loaders/probe.ts',
      allowed: ['../../aws/data.js', '../../config/graph.js', '../context.js'],
      forbidden: [
        '../../server/http.js',
        '../../cli/query.js',
        '../../credentials/sts.js',
        '../../gateway.js',
      ],
    },
    {
      file: 'src/config/probe.ts',
      allowed: ['../aws/ids.js', '../log.js', './data.js'],
      forbidden: ['../aws/data-layer.js', '../credentials/sts.js', '../graph/index.js'],
    },
    {
      file: 'src/server/probe.ts',
      allowed: ['../gateway.js', '../config/server.js', '../aws/call-observer.js'],
      forbidden: ['../graph/index.js', '../credentials/sts.js', '../cli/main.js', '../sim/index.js'],
    },
  ];
  for (const { file, allowed, forbidden } of cases) {
    it(`${file}: refuses ${forbidden.join(', ')}`, async () => {
      expect(await refused(file, [...allowed, ...forbidden])).toEqual(forbidden);
    });
  }
});
