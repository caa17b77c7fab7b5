// The configuration of a command: the file given with --config (or ORGRAPH_CONFIG), else the
// defaults (default AWS credential chain, AWS Organizations). A bad file is bad usage (exit 2).
import { loadOrgraphConfig, OrgraphConfigError, parseOrgraphConfig } from '../config/orgraph-config.js';
import type { OrgraphConfig } from '../config/orgraph-config.js';
import { CliUsageError } from './errors.js';

export async function loadConfigForCli(path: string | undefined): Promise<OrgraphConfig> {
  try {
    return path !== undefined ? await loadOrgraphConfig(path) : parseOrgraphConfig({});
  } catch (err) {
    if (err instanceof OrgraphConfigError) throw new CliUsageError(err.message);
    throw err;
  }
}
