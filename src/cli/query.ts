// `orgraph query`: runs one GraphQL operation against AWS (in-process, from the configuration) and
// prints the result as JSON, or one list of it as NDJSON or CSV rows — for scripts and nightly CMDB
// jobs. NDJSON and CSV are streamed: the list is read page by page with the engine's own cursors
// (`first`/`after`) and each page is written before the next is read, so memory stays flat in fleet size.
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { print } from 'graphql';
import type { GraphQLError } from 'graphql';
import { stringify } from 'csv-stringify/sync';
import type { AwsCallCounter, AwsCallObserver } from '../aws/call-observer.js';
import { countAwsCalls } from '../aws/call-observer.js';
import { untilCancelled } from '../aws/timeout.js';
import { createGateway } from '../gateway.js';
import type { Gateway, QueryResult } from '../gateway.js';
import type { OrgraphConfig } from '../config/orgraph-config.js';
import { buildExecutableSchema } from '../graph/schema.js';
import { resolvers } from '../graph/resolvers/index.js';
import { operationRefusal } from '../graph/plugins/input-checks.js';
import { mayReadEc2 } from '../graph/reads-ec2.js';
import { CliFailure, CliUsageError } from './errors.js';
import { EXIT, exitStatusOf } from './exit-status.js';
import type { ExitStatus } from './exit-status.js';
import { remoteGraph } from './endpoint.js';
import { loadConfigForCli } from './load-config.js';
import { relieveMemory } from './memory-guard.js';
import type { Output } from './output.js';
import type { ProgressCounts, Reporter } from './progress.js';
import {
  AFTER_VARIABLE,
  checkAgainstSchema,
  columnsOf,
  findListTarget,
  flattenRow,
  itemsAt,
  pageInfoAt,
  pagedPlan,
  prepareDocument,
  typedVariables,
} from './query-document.js';

export type QueryFormat = 'json' | 'ndjson' | 'csv';

export interface QueryOptions {
  config?: string;
  file?: string;
  variables?: string;
  var: string[];
  operation?: string;
  format: QueryFormat;
  path?: string;
  pretty?: boolean;
  /** A running `orgraph serve` to send the operation to, instead of an in-process gateway. */
  endpoint?: string;
  /** The environment variable with the bearer token for --endpoint (default ORGRAPH_TOKEN). */
  tokenEnv?: string;
}

/** Where operations run: the in-process gateway, or a running `orgraph serve`. */
interface Engine {
  execute(query: string, variables: Record<string, unknown>, signal: AbortSignal): Promise<QueryResult>;
  /** AWS calls made so far (in process only). */
  awsCalls(): number | undefined;
  /** For the live line; a remote server's AWS work is not visible here (zeros). */
  counts(rows: number): ProgressCounts;
  close(): Promise<void>;
}

/**
 * The gateway checks the central credentials alongside the first operation (its account list goes
 * out meanwhile): the first answer counts only once the check passed, and a failed check is reported
 * as it is at start-up, never as the errors it caused in the answer.
 */
function localEngine(gateway: Gateway, calls: AwsCallCounter): Engine {
  let checked: Promise<unknown> | undefined;
  return {
    async execute(query, variables, signal) {
      checked ??= gateway.identity().catch((err: unknown) => {
        throw centralFailure(err);
      });
      // Ctrl-C stops the wait for the check too (it would otherwise last up to aws.callTimeoutMs).
      const [result] = await Promise.all([
        gateway.execute(query, variables, { signal }),
        untilCancelled(checked, signal),
      ]);
      return result;
    },
    awsCalls: () => calls.total(),
    counts: (rows) => countsOf(gateway, calls, rows),
    close: () => gateway.close(),
  };
}

export interface CommandContext {
  /** Aborted by Ctrl-C (or SIGTERM). */
  signal: AbortSignal;
  output: Output;
  reporter: Reporter;
  stdin: Readable & { isTTY?: boolean };
  stdoutIsTty: boolean;
}

/**
 * An export keeps at most this many AWS items in the response cache (unless the configuration asks
 * for fewer): pages already written are not needed again, and keeping them would grow with the fleet.
 */
export const EXPORT_CACHE_MAX_ITEMS = 20_000;

/**
 * An export keeps at most this many SDK clients (one per account and Region, each holding its own
 * middleware stack): the targets are read in order, so a client already done with is not needed again.
 */
export const EXPORT_MAX_CLIENTS = 128;

/** Items per page of a streamed export (bounded by graph.maxFirst). */
export const EXPORT_PAGE_SIZE = 1000;

export async function runQuery(
  queryArg: string | undefined,
  options: QueryOptions,
  ctx: CommandContext,
): Promise<ExitStatus> {
  const source = await readQuerySource(queryArg, options.file, ctx.stdin);
  const schema = buildExecutableSchema(resolvers);
  const prepared = prepareDocument(source, options.operation);
  checkAgainstSchema(schema, prepared);
  const variables = {
    ...(await readVariablesFile(options.variables)),
    ...typedVariables(schema, prepared.operation, options.var),
  };
  const target = options.format === 'json' ? undefined : findListTarget(schema, prepared, options.path);
  if (options.format === 'json' && options.path !== undefined)
    throw new CliUsageError('--path applies to --format ndjson or csv only');
  // Ctrl-C while the operation or its variables were still being read: nothing is sent.
  if (ctx.signal.aborted) return EXIT.interrupted;

  let engine: Engine;
  let pageLimit = EXPORT_PAGE_SIZE;
  if (options.endpoint !== undefined) {
    // The server runs the same input checks and budgets; its refusals come back as errors.
    const remote = remoteGraph({ endpoint: options.endpoint, tokenEnv: options.tokenEnv ?? 'ORGRAPH_TOKEN' });
    engine = {
      execute: (query, vars, signal) => remote.execute(query, vars, signal),
      awsCalls: () => undefined,
      counts: (rows) => ({ accounts: 0, calls: 0, errors: 0, rows }),
      close: async () => {},
    };
  } else {
    let config = await loadConfigForCli(options.config);
    // Bad input is refused before anything talks to AWS, the central-credential check included: the
    // engine's own argument rules, run here on the operation as the gateway would run it.
    const refusal = operationRefusal(schema, prepared.operation, prepared.fragments, variables, {
      ...(config.graph.regions ? { regions: config.graph.regions } : {}),
      hasOrganization: config.graph.accounts.source === 'organizations',
      maxFirst: config.graph.maxFirst,
    });
    if (refusal) return refuse(refusal, options, ctx);
    if (target) config = forExport(config);
    pageLimit = Math.min(EXPORT_PAGE_SIZE, config.graph.maxFirst);
    // An operation that cannot read EC2 never loads its SDK package; one that may loads it before the
    // gateway sends anything (createGateway's default).
    const loadEc2Sdk = mayReadEc2(schema, prepared.document) ? 'now' : 'on first use';
    const calls = countAwsCalls();
    engine = localEngine(await openGateway(config, ctx, calls.observer, loadEc2Sdk), calls);
  }
  let rows = 0;
  const stopLive = ctx.reporter.live(() => engine.counts(rows));
  const started = Date.now();
  try {
    if (!target) return await runJson(engine, print(prepared.document), variables, options, ctx);
    const columns = columnsOf(target, prepared.fragments);
    const writer = rowWriter(options.format as 'ndjson' | 'csv', columns, ctx.output);
    await writer.header();
    const pageSize = pageLimit;
    const plan = pagedPlan(prepared, target, pageSize);
    const errors = new Map<string, NonNullable<QueryResult['errors']>[number]>();
    let anyData = false;
    let after: string | null = null;
    let page = 0;
    // One signal for every page (a combined signal per page would stay attached to the long-lived ones).
    const signal = combinedSignal(ctx);
    for (;;) {
      const result = await engine.execute(
        print(plan ? plan.document : prepared.document),
        plan ? { ...variables, [AFTER_VARIABLE]: after } : variables,
        signal,
      );
      if (ctx.signal.aborted) return EXIT.interrupted;
      for (const e of result.errors ?? []) errors.set(JSON.stringify(e), e);
      if (result.data && Object.values(result.data).some((v) => v !== null)) anyData = true;
      const items = itemsAt(result.data, target.path);
      for (const item of items) await writer.row(flattenRow(item, columns));
      rows += items.length;
      page++;
      relieveMemory();
      ctx.reporter.logger.debug('page written', {
        page,
        rows: items.length,
        totalRows: rows,
        heapMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
      });
      if (!plan) break;
      const info = pageInfoAt(result.data, plan.connectionPath);
      if (exitStatusOf(result) === EXIT.usage || !info?.hasNextPage || info.endCursor === null) break;
      after = info.endCursor;
    }
    await ctx.output.end();
    const all = [...errors.values()];
    reportErrors(all, ctx);
    const status = exitStatusOf({ data: anyData ? { rows } : null, errors: all });
    ctx.reporter.phase('query finished', {
      rows,
      pages: page,
      errors: all.length,
      exitStatus: status,
      ms: Date.now() - started,
      ...awsCallsField(engine),
    });
    return status;
  } finally {
    stopLive();
    await engine.close();
  }
}

function awsCallsField(engine: Engine): { awsCalls?: number } {
  const calls = engine.awsCalls();
  return calls === undefined ? {} : { awsCalls: calls };
}

async function runJson(
  engine: Engine,
  query: string,
  variables: Record<string, unknown>,
  options: QueryOptions,
  ctx: CommandContext,
): Promise<ExitStatus> {
  const started = Date.now();
  const result = await engine.execute(query, variables, combinedSignal(ctx));
  if (ctx.signal.aborted) return EXIT.interrupted;
  const pretty = options.pretty ?? ctx.stdoutIsTty;
  await ctx.output.write(JSON.stringify(result, null, pretty ? 2 : undefined) + '\n');
  await ctx.output.end();
  reportErrors(result.errors ?? [], ctx);
  const status = exitStatusOf(result);
  ctx.reporter.phase('query finished', {
    errors: result.errors?.length ?? 0,
    exitStatus: status,
    ms: Date.now() - started,
    ...awsCallsField(engine),
  });
  return status;
}

/** An operation refused before it ran: the same `{ errors }` the engine answers, on stdout and stderr. */
async function refuse(
  refusal: GraphQLError,
  options: QueryOptions,
  ctx: CommandContext,
): Promise<ExitStatus> {
  const result: QueryResult = {
    errors: [{ message: refusal.message, extensions: { code: String(refusal.extensions['code']) } }],
  };
  if (options.format === 'json') {
    const pretty = options.pretty ?? ctx.stdoutIsTty;
    await ctx.output.write(JSON.stringify(result, null, pretty ? 2 : undefined) + '\n');
  }
  await ctx.output.end();
  reportErrors(result.errors ?? [], ctx);
  return exitStatusOf(result);
}

/** Aborted by Ctrl-C or when the output's reader has gone away: either way the AWS work stops. */
function combinedSignal(ctx: CommandContext): AbortSignal {
  return AbortSignal.any([ctx.signal, ctx.output.closed]);
}

/** One line per error on stderr (the JSON format also keeps them in its document). */
function reportErrors(errors: NonNullable<QueryResult['errors']>, ctx: CommandContext): void {
  for (const e of errors) {
    const x = e.extensions ?? {};
    const where = [x['accountId'], x['region']].filter((v) => typeof v === 'string').join(' ');
    ctx.reporter.logger.error(e.message, {
      code: x['code'],
      ...(where ? { where } : {}),
      ...(e.path ? { path: e.path.join('.') } : {}),
    });
  }
}

async function openGateway(
  config: OrgraphConfig,
  ctx: CommandContext,
  awsCallObserver: AwsCallObserver,
  loadEc2Sdk: 'now' | 'on first use',
): Promise<Gateway> {
  ctx.reporter.phase('checking the central credentials');
  try {
    return await createGateway(config, {
      logger: ctx.reporter.logger,
      awsCallObserver,
      centralCheck: 'alongside',
      loadEc2Sdk,
      // With a management-account role the check comes first, inside createGateway: Ctrl-C ends it.
      signal: ctx.signal,
    });
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    throw centralFailure(err);
  }
}

function centralFailure(err: unknown): CliFailure {
  return new CliFailure(
    `the central AWS credentials cannot be used: ${err instanceof Error ? err.message : String(err)}`,
  );
}

function countsOf(gateway: Gateway, calls: AwsCallCounter, rows: number) {
  const stats = gateway.stats();
  return {
    accounts: stats.sessions.sessions,
    calls: calls.total(),
    errors: Object.values(stats.aws.errors).reduce((a, b) => a + (b ?? 0), 0),
    rows,
  };
}

/**
 * An export's configuration: a bounded cache and client pool (pages already written are not needed
 * again), and fan-out pages that read ahead — the export pages through everything, so a round trip
 * per probe would cost more than the items a page reads past its end (read again by the next page).
 */
function forExport(config: OrgraphConfig): OrgraphConfig {
  return {
    ...config,
    graph: { ...config.graph, fanOutPaging: 'read-ahead' },
    credentials: {
      ...config.credentials,
      pool: {
        ...config.credentials.pool,
        maxClients: Math.min(config.credentials.pool.maxClients, EXPORT_MAX_CLIENTS),
      },
    },
    aws: {
      ...config.aws,
      cache: { ...config.aws.cache, maxItems: Math.min(config.aws.cache.maxItems, EXPORT_CACHE_MAX_ITEMS) },
    },
  };
}

// ---- input ----

/** The operation from the argument, `-` or a pipe on stdin, or --file. */
async function readQuerySource(
  arg: string | undefined,
  file: string | undefined,
  stdin: Readable & { isTTY?: boolean },
): Promise<string> {
  if (arg !== undefined && file !== undefined)
    throw new CliUsageError('give the operation either as an argument or with --file, not both');
  if (file !== undefined) {
    try {
      return await readFile(file, 'utf8');
    } catch (err) {
      throw new CliUsageError(
        `--file ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(err)}`,
      );
    }
  }
  if (arg !== undefined && arg !== '-') return arg;
  if (arg === undefined && stdin.isTTY)
    throw new CliUsageError(
      'no operation: give it as an argument, with --file FILE, or on stdin (`-` or a pipe)',
    );
  let text = '';
  stdin.setEncoding('utf8');
  for await (const chunk of stdin) text += chunk as string;
  if (text.trim() === '')
    throw new CliUsageError(
      'no operation: stdin was empty (give it as an argument, with --file FILE, or on stdin)',
    );
  return text;
}

async function readVariablesFile(path: string | undefined): Promise<Record<string, unknown>> {
  if (path === undefined) return {};
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CliUsageError(
      `--variables ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(err)}`,
    );
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new CliUsageError(`--variables ${path}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new CliUsageError(`--variables ${path}: must hold a JSON object of variable values`);
  return v as Record<string, unknown>;
}

// ---- rows ----

interface RowWriter {
  header(): Promise<void>;
  row(row: Record<string, unknown>): Promise<void>;
}

/**
 * NDJSON: one JSON object per line with the dotted columns as keys, lists as JSON arrays. CSV (RFC
 * 4180, UTF-8, CRLF line ends, a header row): null is an empty cell, a list or object cell is its JSON
 * text, a cell with a comma, quote, CR or LF is quoted.
 */
function rowWriter(format: 'ndjson' | 'csv', columns: readonly string[], output: Output): RowWriter {
  if (format === 'ndjson')
    return { header: async () => {}, row: (row) => output.write(JSON.stringify(row) + '\n') };
  const line = (cells: unknown[]) =>
    stringify([cells.map(csvCell)], { record_delimiter: 'windows', quoted_match: /[\r\n]/ });
  return {
    header: () => output.write(line([...columns])),
    row: (row) => output.write(line(columns.map((c) => row[c]))),
  };
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
