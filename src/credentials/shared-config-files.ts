// Where the AWS shared config and credentials files are, and whether a profile is named in either —
// only so that a missing profile gets a clear error before the SDK's generic one.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../aws/endpoints.js';

export interface SharedFiles {
  configFile: string;
  credentialsFile: string;
}

export function sharedFilePaths(env: Env = process.env): SharedFiles {
  const home = env['HOME'] ?? env['USERPROFILE'] ?? homedir();
  return {
    configFile: env['AWS_CONFIG_FILE'] ?? join(home, '.aws', 'config'),
    credentialsFile: env['AWS_SHARED_CREDENTIALS_FILE'] ?? join(home, '.aws', 'credentials'),
  };
}

/** True if `[profile <name>]` (or `[default]`) is in the config file, or `[<name>]` in the credentials file. */
export function profileExists(name: string, files: SharedFiles = sharedFilePaths()): boolean {
  const inConfig = sectionNames(files.configFile).some((section) => {
    const m = /^profile\s+(.+)$/.exec(section);
    return (m?.[1]?.trim() ?? (section === 'default' ? 'default' : undefined)) === name;
  });
  return inConfig || sectionNames(files.credentialsFile).includes(name);
}

function sectionNames(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*\[([^\]]+)\]\s*(?:[#;].*)?$/.exec(line);
    if (m?.[1]) names.push(m[1].trim());
  }
  return names;
}
