/**
 * A memcached process of the test's own on a free loopback port, so restart tests never disturb
 * the shared server on 11211 that other tests use.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';

export interface OwnMemcached extends AsyncDisposable {
  readonly port: number;
  /** Kills the process (SIGKILL: no goodbye to clients) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port and waits until it accepts connections. */
  start(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** True when the `memcached` binary can be spawned. */
export async function memcachedBinaryAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('memcached', ['-h'], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

/** Spawns memcached on a free port; resolves once it accepts connections. */
export async function startOwnMemcached(extraArgs: readonly string[] = []): Promise<OwnMemcached> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const args = ['-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', '16', ...extraArgs];
    if (process.getuid?.() === 0) args.push('-u', 'memcache');
    child = spawn('memcached', args, { stdio: 'ignore' });
    const exited = new Promise<never>((_, reject) =>
      child?.once('exit', (code) => reject(new Error(`memcached exited early with code ${code}`))),
    );
    exited.catch(() => {});
    for (;;) {
      if (await Promise.race([accepts(port), exited])) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const kill = async (): Promise<void> => {
    const current = child;
    child = undefined;
    if (current === undefined || current.exitCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill('SIGKILL');
    await exited;
  };
  await start();
  return { port, kill, start, [Symbol.asyncDispose]: kill };
}
