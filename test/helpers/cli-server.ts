// Runs a serving `orgraph` command (serve, demo) as a child process: waits for its GraphiQL line,
// and collects its output and exit code after a signal.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawnCli } from './run-cli.js';

export interface ServingCli {
  child: ChildProcessWithoutNullStreams;
  /** The URL of the `orgraph: GraphiQL at URL` line. */
  url: string;
  stdout(): string;
  stderr(): string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

export function startServingCli(args: string[], env?: NodeJS.ProcessEnv): Promise<ServingCli> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = /^orgraph: GraphiQL at (http:\/\/\S+)$/m.exec(stdout);
      if (match)
        resolve({
          child,
          url: match[1]!,
          stdout: () => stdout,
          stderr: () => stderr,
          stop: (signal) => {
            child.kill(signal);
            return exited;
          },
        });
    });
    void exited.then((code) =>
      reject(new Error(`the command exited (${code}) before its GraphiQL line:\n${stdout}\n${stderr}`)),
    );
  });
}
