// moto (an independent AWS emulator, Python) as a child process on 127.0.0.1, for tests that check
// orgraph against answers it did not write itself. `motoAvailable` is false where moto is missing;
// in CI that is an error.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

const PYTHON = process.env['ORGRAPH_PYTHON'] ?? 'python3';

export const motoAvailable =
  spawnSync(PYTHON, ['-c', 'import moto.server'], { stdio: 'ignore' }).status === 0;

/** Fails in CI when moto is missing; elsewhere prints why `what` is skipped. */
export function requireMotoOrSkip(what: string): void {
  if (!motoAvailable && process.env['CI'])
    throw new Error('moto is required in CI (python3 -c "import moto.server" failed)');
  if (!motoAvailable)
    console.warn(`SKIPPED: ${what} — '${PYTHON} -c "import moto.server"' failed (moto is not installed)`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitUntilUp(url: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    try {
      await fetch(url + '/moto-api/');
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`moto did not start at ${url}`);
}

export interface RunningMoto {
  endpoint: string;
  stop(): void;
}

/** Starts moto's server on a free loopback port and waits until it answers. */
export async function startMoto(): Promise<RunningMoto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(PYTHON, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
  });
  try {
    await waitUntilUp(endpoint);
  } catch (err) {
    child.kill();
    throw err;
  }
  return { endpoint, stop: () => child.kill() };
}
