// The whole orgraph configuration: one JSON document with three sections, each validated by its own
// schema — `credentials` (central principal, session broker, client pool, endpoints), `aws` (cache,
// fan-out limits, retries, timeouts) and `graph` (account source, scope, Regions, query limits).
// Every problem in every section is reported at once, by option path.
import { readFile } from 'node:fs/promises';
import type { CredentialsConfig } from './credentials.js';
import { parseCredentialsConfig } from './credentials.js';
import type { ResolvedAwsOptions } from './aws.js';
import { parseAwsOptions } from './aws.js';
import type { GraphConfig } from './graph.js';
import { parseGraphConfig } from './graph.js';
import type { ServerConfig } from './server.js';
import { parseServerConfig } from './server.js';

export interface OrgraphConfig {
  credentials: CredentialsConfig;
  aws: ResolvedAwsOptions;
  graph: GraphConfig;
  /** `orgraph serve` only. */
  server: ServerConfig;
}

export class OrgraphConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'OrgraphConfigError';
  }
}

const SECTIONS = ['credentials', 'aws', 'graph', 'server'] as const;

function problemsOf(err: unknown): string[] {
  if (
    err &&
    typeof err === 'object' &&
    'problems' in err &&
    Array.isArray((err as { problems: unknown }).problems)
  ) {
    return (err as { problems: string[] }).problems;
  }
  if (err instanceof Error)
    return err.message
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^invalid configuration:?$/.test(l));
  return [String(err)];
}

/** Validates a configuration object; `source` names where it came from in error messages. */
export function parseOrgraphConfig(input: unknown, source = 'configuration'): OrgraphConfig {
  if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) {
    throw new OrgraphConfigError(source, [
      'expected a JSON object with the sections credentials, aws, graph, server',
    ]);
  }
  const raw = (input ?? {}) as Record<string, unknown>;
  const problems: string[] = Object.keys(raw)
    .filter((k) => !(SECTIONS as readonly string[]).includes(k))
    .map((k) => `${k}: unknown section (known: ${SECTIONS.join(', ')})`);
  const attempt = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (err) {
      problems.push(...problemsOf(err));
      return undefined;
    }
  };
  // A missing section takes its defaults; a null one is a mistake (see parseSection), not "defaults".
  const credentials = attempt(() => parseCredentialsConfig(raw['credentials'], 'credentials'));
  const aws = attempt(() => parseAwsOptions(raw['aws'], 'aws'));
  const graph = attempt(() => parseGraphConfig(raw['graph'], 'graph'));
  const server = attempt(() => parseServerConfig(raw['server'], 'server'));
  // Across sections: units exist only when the accounts come from Organizations.
  if (credentials && graph && graph.accounts.source === 'static')
    credentials.broker.overrides.forEach((o, i) => {
      if (o.unitIds !== undefined)
        problems.push(
          `credentials.broker.overrides.${i}.unitIds: needs graph.accounts.source 'organizations' (a static account list has no units)`,
        );
    });
  if (problems.length > 0 || !credentials || !aws || !graph || !server)
    throw new OrgraphConfigError(source, problems);
  return { credentials, aws, graph, server };
}

/** Reads and validates a JSON configuration file. */
export async function loadOrgraphConfig(path: string): Promise<OrgraphConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new OrgraphConfigError(path, [
      code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(err)})`,
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new OrgraphConfigError(path, [
      `not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    ]);
  }
  return parseOrgraphConfig(json, path);
}
