// What the configuration sections (credentials, aws, graph) share: turning zod issues into one line
// per problem — "<option path>: <message> (got <value>)" — and the error that lists them. A value is
// never echoed for a secret option (passwords, passphrases, keys, the cursor secret, the ExternalId),
// and any other value is shortened and redacted.
import type { z } from 'zod';
import { isSecretKey, redactText } from '../log.js';

/** A configuration section that failed validation; `problems` has one line per bad option. */
export class ConfigProblemsError extends Error {
  constructor(
    readonly problems: string[],
    name = 'ConfigProblemsError',
  ) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = name;
  }
}

/**
 * Validates `input` (undefined counts as `{}`) and fills in defaults; throws the error `fail` makes of
 * every problem, each named by its option path below `rootPath`. `null` — for the section or any option
 * in it — is a problem, never "use the default": `{"credentials": null}` silently meaning the default
 * credential chain would send a misconfigured gateway to real AWS.
 */
export function parseSection<S extends z.ZodType>(
  schema: S,
  input: unknown,
  rootPath: string,
  fail: (problems: string[]) => Error,
): z.output<S> {
  if (input === null) throw fail([`${rootPath}: ${NULL_PROBLEM}`]);
  const result = schema.safeParse(input ?? {}, { reportInput: true });
  if (result.success) return result.data;
  throw fail(result.error.issues.map((issue) => describeIssue(issue, rootPath)));
}

const NULL_PROBLEM = 'must not be null (leave an option out to use its default)';

// Not echoed either: the ExternalId, and every passphrase option (passphraseEnv, passphraseFile).
const UNECHOED = /externalId|passphrase/i;

/** One problem as "<rootPath>.<option path>: <message>" and the offending value (or why it is not shown). */
export function describeIssue(issue: z.core.$ZodIssue, rootPath: string): string {
  const segments = issue.path.map(String);
  const path = [rootPath, ...segments].filter((s) => s !== '').join('.');
  if (issue.code === 'unrecognized_keys') {
    return `${path}: unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  }
  const key = segments[segments.length - 1] ?? '';
  const secret = isSecretKey(key) || UNECHOED.test(key);
  let input = 'input' in issue ? issue.input : undefined;
  // A discriminator issue reports the whole object; show the offending field.
  const discriminated = issue.code === 'invalid_union' && issue.discriminator === key;
  if (discriminated && input !== null && typeof input === 'object' && !Array.isArray(input))
    input = (input as Record<string, unknown>)[key];
  if (input === undefined && issue.code === 'invalid_type') return `${path}: is required`;
  if (input === null && (issue.code === 'invalid_type' || issue.code === 'invalid_union'))
    return /^\d+$/.test(key) ? `${path}: must not be null` : `${path}: ${NULL_PROBLEM}`;
  let shown = '';
  if (input === undefined) shown = issue.message.startsWith('is required') ? '' : ' (missing)';
  else if (secret) shown = ' (value not shown)';
  else shown = ` (got ${showValue(input)})`;
  return `${path}: ${issue.message}${shown}`;
}

/**
 * A bad value as a message shows it: scalars redacted before they are shortened, lists and objects
 * only by their shape (an object may hold a secret under any name, so its values are never echoed).
 */
function showValue(value: unknown): string {
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length ? `an object with ${keys.map((k) => `'${k}'`).join(', ')}` : 'an empty object';
  }
  let text: string;
  try {
    text = redactText(JSON.stringify(value) ?? String(value));
  } catch {
    text = redactText(String(value));
  }
  return text.length > 80 ? text.slice(0, 77) + '...' : text;
}
