// `orgraph query --endpoint URL`: the same operation sent to a running `orgraph serve` instead of an
// in-process gateway. The bearer token comes from an environment variable (never the command line,
// where other users of the machine could read it in the process list).
import type { QueryResult } from '../gateway.js';
import { CliFailure, CliUsageError } from './errors.js';
import { ENV_VAR_NAME } from '../env-name.js';

export interface RemoteOptions {
  /** The server's GraphQL URL, e.g. http://127.0.0.1:4000/graphql. */
  endpoint: string;
  /** The environment variable holding the bearer token (default ORGRAPH_TOKEN). */
  tokenEnv: string;
  env?: NodeJS.ProcessEnv;
}

export interface Remote {
  execute(query: string, variables: Record<string, unknown>, signal: AbortSignal): Promise<QueryResult>;
}

/** Checks the URL and reads the token once; every execute is one POST. */
export function remoteGraph(options: RemoteOptions): Remote {
  let url: URL;
  try {
    url = new URL(options.endpoint);
  } catch {
    throw new CliUsageError(
      `--endpoint must be a URL such as http://127.0.0.1:4000/graphql, got '${options.endpoint}'`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliUsageError(`--endpoint must be an http:// or https:// URL, got '${options.endpoint}'`);
  if (!ENV_VAR_NAME.test(options.tokenEnv))
    throw new CliUsageError(`--token-env must name an environment variable, got '${options.tokenEnv}'`);
  const token = (options.env ?? process.env)[options.tokenEnv];
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
  return {
    async execute(query, variables, signal) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers,
          body: JSON.stringify({ query, variables }),
          signal,
        });
      } catch (err) {
        if (signal.aborted) throw err;
        throw new CliFailure(`cannot reach ${url.href}: ${causeOf(err)}`);
      }
      if (response.status === 401)
        throw new CliFailure(
          token
            ? `${url.href} refused the bearer token in ${options.tokenEnv} (HTTP 401)`
            : `${url.href} asks for a bearer token (HTTP 401): put it in ${options.tokenEnv}, or name another variable with --token-env`,
        );
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new CliFailure(
          `${url.href} answered HTTP ${response.status} without a GraphQL response: ${text.slice(0, 200)}`,
        );
      }
      if (typeof body !== 'object' || body === null || !('data' in body || 'errors' in body))
        throw new CliFailure(`${url.href} answered HTTP ${response.status} without a GraphQL response`);
      // A 400 carries the refusal (BAD_USER_INPUT, QUERY_TOO_EXPENSIVE, …) as errors: the exit status follows their codes.
      return body as QueryResult;
    },
  };
}

function causeOf(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}
