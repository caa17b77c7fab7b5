// `orgraph query`: runs one GraphQL operation against AWS (or any emulator) and prints the JSON
// result — for scripts and nightly CMDB jobs that do not need a server.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createGateway } from '../gateway.js';
import { loadOrgraphConfig, OrgraphConfigError, parseOrgraphConfig } from '../config/orgraph-config.js';
import { CliUsageError } from './errors.js';

const HELP = `usage: orgraph query [--config FILE] [--variables JSON] (QUERY | --file FILE)

Runs one GraphQL operation and prints {"data", "errors"} as JSON on stdout.

  --config FILE     orgraph configuration (JSON: credentials, aws, graph); default: the default
                    AWS credential chain and AWS Organizations
  --variables JSON  operation variables
  --file FILE       read the operation from a file instead of the argument

exit status: 0 complete answer, 3 partial answer (data with errors[]), 1 failure, 2 bad usage,
configuration or input (an operation refused as BAD_USER_INPUT before it ran)`;

export async function runQuery(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        config: { type: 'string' },
        variables: { type: 'string' },
        file: { type: 'string' },
      },
    });
  } catch (err) {
    throw new CliUsageError(`query: ${err instanceof Error ? err.message : String(err)}\n\n${HELP}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length > 1)
    throw new CliUsageError(
      `query takes one operation, got ${positionals.length} arguments (quote the query)`,
    );
  if ((positionals.length === 1) === (values.file !== undefined)) {
    throw new CliUsageError(
      'query needs the operation either as an argument or with --file, not both and not neither',
    );
  }
  let query = positionals[0] ?? '';
  if (values.file !== undefined) {
    try {
      query = await readFile(values.file, 'utf8');
    } catch (err) {
      throw new CliUsageError(
        `--file ${values.file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(err)}`,
      );
    }
  }
  let variables: Record<string, unknown> | undefined;
  if (values.variables !== undefined) {
    try {
      const v: unknown = JSON.parse(values.variables);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
      variables = v as Record<string, unknown>;
    } catch {
      throw new CliUsageError(`--variables must be a JSON object, got ${values.variables}`);
    }
  }
  let config;
  try {
    config = values.config !== undefined ? await loadOrgraphConfig(values.config) : parseOrgraphConfig({});
  } catch (err) {
    if (err instanceof OrgraphConfigError) throw new CliUsageError(err.message);
    throw err;
  }
  const gateway = await createGateway(config);
  try {
    const result = await gateway.execute(query, variables);
    console.log(JSON.stringify(result, null, 2));
    if (!result.errors?.length) return 0;
    if (result.data) return 3;
    return result.errors.every((e) => e.extensions?.['code'] === 'BAD_USER_INPUT') ? 2 : 1;
  } finally {
    await gateway.close();
  }
}
