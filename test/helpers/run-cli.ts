// Runs the `orgraph` command from source (through tsx) as a child process, as a user would.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT =
  "import { main } from './src/cli/main.ts'; process.exitCode = await main(process.argv.slice(1));";

export function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT, '--', ...args], {
    cwd: ROOT,
    env,
  });
}

/**
 * Starts the command, sends it SIGINT (Ctrl-C) once `ready()` holds (polled every 20 ms), and returns
 * how it ended. A command that does not end is killed when the test ends (its timeout included), never
 * left behind. Call it inside a test.
 */
export async function interruptCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: () => boolean,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnCli(args, env);
  onTestFinished(() => void child.kill('SIGKILL'));
  try {
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    while (!ready()) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGINT');
    const code = await closed;
    return { code, stdout, stderr };
  } finally {
    child.kill('SIGKILL');
  }
}

/** Runs the command to its end; `input` is written to its stdin, which is then closed (never left open). */
export function runCli(
  args: string[],
  env?: NodeJS.ProcessEnv,
  input?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, env);
    child.stdin.end(input ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The environment of an `orgraph` child process pointed at a sim: the caller's environment without
 * any AWS_ variable, then the sim as every service's endpoint and its central principal as the
 * default credential chain's keys (no shared config or credentials file).
 */
export function simCliEnv(
  sim: { endpoint: string; central: { accessKeyId: string; secretAccessKey: string } },
  region = 'us-east-1',
): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  return {
    ...clean,
    AWS_ENDPOINT_URL: sim.endpoint,
    AWS_ACCESS_KEY_ID: sim.central.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sim.central.secretAccessKey,
    AWS_REGION: region,
    AWS_CONFIG_FILE: '/nonexistent/orgraph-test-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/orgraph-test-credentials',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
