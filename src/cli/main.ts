// The `orgraph` command: dispatches to a subcommand and turns every failure into one clear line on
// stderr and a non-zero exit code.
import { runSim } from './sim.js';
import { runDemo } from './demo.js';
import { runQuery } from './query.js';
import { runServe } from './serve.js';
import { CliUsageError } from './errors.js';

const USAGE = `usage: orgraph <command> [options]

commands:
  sim     start the simulated AWS (STS, Organizations, EC2, Roles Anywhere) on 127.0.0.1
  demo    run the gateway on a simulated organization and print a few CMDB answers
  query   run one GraphQL operation against AWS and print the JSON result
  serve   serve the gateway over HTTP with GraphiQL, health checks and metrics
  help    show this text

Run 'orgraph <command> --help' for a command's options.`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'sim':
        return await runSim(rest);
      case 'demo':
        return await runDemo(rest);
      case 'query':
        return await runQuery(rest);
      case 'serve':
        return await runServe(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return 0;
      default:
        throw new CliUsageError(`unknown command '${command}'\n\n${USAGE}`);
    }
  } catch (err) {
    if (err instanceof CliUsageError) {
      console.error(`orgraph: ${err.message}`);
      return 2;
    }
    console.error(`orgraph: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
