/**
 * Finding the real servers integration tests talk to. Addresses come from the usual environment
 * variables with loopback defaults. When a server is unreachable: with CI=true the test file
 * fails (CI must prove the integration); elsewhere it is skipped with a loud message saying how
 * to start the server.
 *
 * ```ts
 * const pgUp = await requireService('postgres');
 * describe.skipIf(!pgUp)('pg pool against PostgreSQL', () => { ... });
 * ```
 */
import net from 'node:net';

export interface ServiceAddress {
  readonly host: string;
  readonly port: number;
  /** How a developer starts it on a Debian machine like CI's. */
  readonly start: string;
}

const env = process.env;

export const services = {
  postgres: {
    host: env.PGHOST ?? '127.0.0.1',
    port: Number(env.PGPORT ?? 5432),
    start: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start   (or: bash .ci/services)',
  },
  mariadb: {
    host: env.MYSQL_HOST ?? '127.0.0.1',
    port: Number(env.MYSQL_PORT ?? 3306),
    start: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd   (or: bash .ci/services)',
  },
  redis: {
    host: env.REDIS_HOST ?? '127.0.0.1',
    port: Number(env.REDIS_PORT ?? 6379),
    start: 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ""   (or: bash .ci/services)',
  },
  memcached: {
    host: env.MEMCACHED_HOST ?? '127.0.0.1',
    port: Number(env.MEMCACHED_PORT ?? 11211),
    start: 'apt-get install -y memcached && memcached -d -u memcache -l 127.0.0.1 -p 11211   (or: bash .ci/services)',
  },
} as const satisfies Record<string, ServiceAddress>;

export type ServiceName = keyof typeof services;

/** True when a TCP connection to the service opens within `timeoutMs`. */
export function reachable(name: ServiceName, timeoutMs = 1000): Promise<boolean> {
  const { host, port } = services[name];
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      clearTimeout(timer);
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Returns true when the service is up. When it is down, throws under CI=true and otherwise
 * prints how to start it and returns false (the caller skips its tests).
 */
export async function requireService(name: ServiceName): Promise<boolean> {
  if (await reachable(name)) return true;
  const { host, port, start } = services[name];
  const message = `${name} is not reachable on ${host}:${port}. Start it with: ${start}`;
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`[CI] ${message}`);
  }
  console.warn(`\n*** SKIPPING ${name} integration tests: ${message}\n`);
  return false;
}
