// The `orgraph` command (commander): subcommands with --help and examples, --version, "did you mean"
// for unknown commands and flags, and one exit-status policy for all of them (see exit-status.ts):
// bad usage 2, failure 1, Ctrl-C 130 (the AWS work is aborted first), a closed stdout ends quietly.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { CliFailure, CliUsageError, OutputClosedError } from './errors.js';
import { EXIT } from './exit-status.js';
import { Output } from './output.js';
import { createReporter } from './progress.js';
import type { Reporter, Verbosity } from './progress.js';
import type { CommandContext, QueryOptions } from './query.js';

const EXIT_HELP = `
Exit status: 0 complete, 3 partial (data plus errors), 1 failure (nothing useful, or AWS or the
credentials unusable), 2 bad usage (flags, configuration, or a query refused for bad input or over a
budget), 130 interrupted (Ctrl-C).`;

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * The AWS SDK prints a 9-line notice about Node 20 on every run. orgraph turns it off for every
 * command (in main, unless AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED is set already) and says
 * it once per run in one line under --verbose instead; the README tells when Node 22 is needed.
 */
function handleSdkNodeNotice(reporter: Reporter): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22)
    reporter.logger.debug(
      `Node ${process.versions.node}: AWS SDK releases after the first week of January 2027 need Node >= 22`,
    );
}

interface CommonFlags {
  quiet?: boolean;
  verbose?: boolean;
}

function verbosityOf(flags: CommonFlags): Verbosity {
  if (flags.quiet && flags.verbose) throw new CliUsageError('--quiet and --verbose exclude each other');
  return flags.quiet ? 'quiet' : flags.verbose ? 'verbose' : 'normal';
}

/**
 * Runs a command that does AWS work: Ctrl-C (or SIGTERM) aborts `signal` so the work stops and the
 * command exits 130; a second Ctrl-C exits at once.
 */
async function withContext(
  flags: CommonFlags,
  run: (ctx: CommandContext) => Promise<number>,
): Promise<number> {
  const reporter = createReporter({ verbosity: verbosityOf(flags) });
  handleSdkNodeNotice(reporter);
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    reporter.logger.warn(`${signal}: stopping the AWS work`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const status = await run({
      signal: controller.signal,
      output: stdoutOutput(),
      reporter,
      stdin: process.stdin,
      stdoutIsTty: process.stdout.isTTY === true,
    });
    return controller.signal.aborted ? EXIT.interrupted : status;
  } catch (err) {
    if (controller.signal.aborted) return EXIT.interrupted;
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

let sharedOutput: Output | undefined;
function stdoutOutput(): Output {
  return (sharedOutput ??= new Output(process.stdout));
}

const quietOption = () => new Option('-q, --quiet', 'only errors on stderr');
const verboseOption = () => new Option('-v, --verbose', 'debug lines on stderr (each page, the AWS notices)');

export function buildProgram(result: { status: number }): Command {
  const program = new Command('orgraph')
    .description('A live GraphQL gateway over a whole AWS Organization')
    .version(packageVersion(), '-V, --version', 'print the version')
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addHelpText('after', EXIT_HELP);

  program
    .command('query')
    .summary('run one GraphQL operation and print JSON, NDJSON or CSV')
    .description(
      'Runs one GraphQL operation against AWS (in-process, from the configuration). The operation comes\n' +
        'from the argument, --file, or stdin (`-` or a pipe). NDJSON and CSV turn one list of the result\n' +
        'into rows (nested fields as dotted columns, lists as JSON cells) and stream it page by page.',
    )
    .argument('[operation]', "the GraphQL operation ('-': read it from stdin)")
    .addOption(new Option('-c, --config <file>', 'orgraph configuration file').env('ORGRAPH_CONFIG'))
    .option('-f, --file <file>', 'read the operation from a file')
    .option('--variables <file>', 'variable values from a JSON file')
    .option('--var <name=value>', 'one variable, typed by its definition (repeatable)', collect, [])
    .option('--operation <name>', 'the operation to run when the document has several')
    .addOption(
      new Option('--format <format>', 'output format').choices(['json', 'ndjson', 'csv']).default('json'),
    )
    .option('--path <path>', 'the list that becomes rows, e.g. instances.nodes (default: the only list)')
    .option('--pretty', 'indent JSON (the default on a terminal)')
    .option('--endpoint <url>', 'send the operation to a running orgraph serve (its /graphql URL) instead')
    .option(
      '--token-env <name>',
      'the environment variable holding the bearer token for --endpoint',
      'ORGRAPH_TOKEN',
    )
    .addOption(quietOption())
    .addOption(verboseOption())
    .addHelpText(
      'after',
      `
Examples:
  $ orgraph query -c orgraph.json '{ accounts { nodes { accountId name } } }'
  $ orgraph query -c orgraph.json --format csv '{ instances { nodes { instanceId account { name } region { name } env: tag(key: "env") } } }' > instances.csv
  $ echo 'query ($n: Int) { instances(first: $n) { nodes { instanceId } } }' | orgraph query -c orgraph.json --var n=5 -
  $ orgraph query -c orgraph.json --file report.graphql --operation Running --format ndjson
  $ ORGRAPH_TOKEN=… orgraph query --endpoint http://127.0.0.1:4000/graphql '{ accounts { totalCount } }'
${EXIT_HELP}`,
    )
    .action(async (operation: string | undefined, opts: QueryFlags) => {
      const { runQuery } = await import('./query.js');
      result.status = await withContext(opts, (ctx) => runQuery(operation, opts, ctx));
    });

  program
    .command('schema')
    .summary('print the GraphQL schema (SDL)')
    .description(
      'Prints the SDL of the gateway, for client code generation and tooling; with --federation the\n' +
        'Apollo Federation 2 subgraph SDL a supergraph composes.',
    )
    .option('--federation', 'the subgraph SDL (keys on every entity), as `_service { sdl }` answers it')
    .addHelpText(
      'after',
      '\nExamples:\n  $ orgraph schema > orgraph.graphql\n  $ orgraph schema --federation > orgraph.subgraph.graphql',
    )
    .action(async (opts: { federation?: boolean }) => {
      const { runSchema } = await import('./schema.js');
      result.status = await runSchema(stdoutOutput(), { federation: opts.federation === true });
    });

  program
    .command('doctor')
    .summary('check the credentials, the account source and the member role in every account')
    .description(
      'Run it after deploying the member role (e.g. with a StackSet): checks the central credentials,\n' +
        'the account source, then in every account in scope that the role can be assumed and allows\n' +
        'each read action orgraph uses; prints one row per account with the likely cause and fix.',
    )
    .addOption(new Option('-c, --config <file>', 'orgraph configuration file').env('ORGRAPH_CONFIG'))
    .option('--json', 'one JSON document (same as --format json)')
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'),
    )
    .option('--concurrency <n>', 'accounts checked at once', '8')
    .addOption(quietOption())
    .addOption(verboseOption())
    .addHelpText(
      'after',
      `
Examples:
  $ orgraph doctor -c orgraph.json
  $ orgraph doctor -c orgraph.json --json | jq '.accounts[] | select(.ok | not)'

Exit status: 0 every account works, 3 some accounts fail, 1 cannot even start (credentials, account
source), 2 bad usage.`,
    )
    .action(async (opts: DoctorFlags) => {
      const { runDoctor } = await import('./doctor.js');
      const format = opts.json ? 'json' : opts.format;
      const concurrency = Number(opts.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
        throw new CliUsageError(
          `--concurrency must be a whole number from 1 to 64, got '${opts.concurrency}'`,
        );
      result.status = await withContext(opts, (ctx) =>
        runDoctor(
          { ...(opts.config !== undefined ? { config: opts.config } : {}), format, concurrency },
          ctx,
        ),
      );
    });

  program
    .command('serve')
    .summary('serve the graph over HTTP with GraphiQL, health checks and metrics (orgraph serve --help)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .passThroughOptions()
    .action(async (_opts: unknown, cmd: Command) => {
      result.status = await runServe(cmd.args);
    });

  program
    .command('sim')
    .summary('start the simulated AWS (STS, Organizations, EC2, Roles Anywhere) on 127.0.0.1')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .passThroughOptions()
    .action(async (_opts: unknown, cmd: Command) => {
      const { runSim } = await import('./sim.js');
      result.status = await runSim(cmd.args);
    });

  program
    .command('demo')
    .summary('run the gateway on a simulated organization and print a few CMDB answers')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .passThroughOptions()
    .action(async (_opts: unknown, cmd: Command) => {
      const { runDemo } = await import('./demo.js');
      result.status = await runDemo(cmd.args);
    });

  return program;
}

/** Commander's options of `query`: exactly runQuery's options (it sets only the flags given, and defaults). */
type QueryFlags = CommonFlags & QueryOptions;

interface DoctorFlags extends CommonFlags {
  config?: string;
  json?: boolean;
  format: 'table' | 'json' | 'csv';
  concurrency: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `orgraph serve` parses its own flags (serve.ts); loaded only when asked for. */
async function runServe(args: string[]): Promise<number> {
  const { runServe: serve } = await import('./serve.js');
  return serve(args);
}

export async function main(argv: string[]): Promise<number> {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  // A reader that goes away (`| head -1`) must not end in a stack trace: writes fail quietly from
  // here on (Output turns the failure into OutputClosedError for commands that write a lot).
  const output = stdoutOutput();
  const result = { status: EXIT.ok as number };
  const program = buildProgram(result);
  program.configureOutput({
    writeOut: (s) => void output.write(s).catch(() => {}),
    writeErr: (s) => process.stderr.write(s),
  });
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.ok;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return result.status;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      )
        return EXIT.ok;
      return EXIT.usage; // commander has printed the message (with "Did you mean …?")
    }
    if (err instanceof OutputClosedError) return EXIT.ok;
    if (err instanceof CliUsageError) {
      console.error(`orgraph: ${err.message}`);
      return EXIT.usage;
    }
    if (err instanceof CliFailure) {
      console.error(`orgraph: ${err.message}`);
      return EXIT.failure;
    }
    console.error(`orgraph: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.failure;
  }
}
