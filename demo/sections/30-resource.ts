/**
 * The resource pool against a real TCP server that goes away and comes back: idle sockets the
 * server closed are evicted without an unhandled error, acquires during the outage fail at their
 * deadline with the connect error as cause (no spinning), and the pool recovers on its own when
 * the server is back.
 */
import net from 'node:net';
import { createPool } from '../../dist/resource/index.js';
import { ms } from '../section.js';

export const title = 'resource pool: a TCP server stopped and restarted under load';

interface PingServer {
  readonly port: number;
  stop(): Promise<void>;
}

function startServer(port = 0): Promise<PingServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.on('data', () => socket.write('pong\n'));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      resolve({
        port: address.port,
        stop: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const socket of sockets) socket.destroy();
          }),
      });
    });
  });
}

function connect(port: number, signal: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const onAbort = () => {
      socket.destroy();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      signal.removeEventListener('abort', onAbort);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      reject(error);
    });
  });
}

function ping(socket: net.Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error('ping timed out')), 200);
    const onData = () => done();
    const onClose = () => done(new Error('socket closed'));
    function done(error?: Error) {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (error) reject(error);
      else resolve();
    }
    socket.once('data', onData);
    socket.once('close', onClose);
    socket.write('ping\n');
  });
}

export async function run(out: (line?: string) => void): Promise<void> {
  let server: PingServer | undefined = await startServer();
  const port = server.port;
  const pool = createPool<net.Socket>(
    {
      create: ({ signal }) => connect(port, signal),
      destroy: (socket) => {
        socket.destroy();
      },
      isBroken: () => true, // any error on a socket: do not reuse it
      watch: (socket, dead) => {
        const onClose = () => dead();
        socket.on('close', onClose);
        socket.on('error', () => {}); // 'close' follows; the pool evicts it
        return () => socket.off('close', onClose);
      },
    },
    { max: 4, minIdle: 2, acquireTimeoutMs: 300, createBackoff: { initialMs: 20, maxMs: 200 }, name: 'tcp' },
  );
  await pool.ready();
  const slotMs = 300;
  const slots: { ok: number; failed: number; note: string }[] = [];
  const firstErrors = new Map<string, string>();
  const start = performance.now();
  const slotOf = () => Math.floor((performance.now() - start) / slotMs);
  const record = (ok: boolean) => {
    const slot = slotOf();
    while (slots.length <= slot) slots.push({ ok: 0, failed: 0, note: '' });
    const entry = slots[slot] as { ok: number; failed: number; note: string };
    if (ok) entry.ok++;
    else entry.failed++;
  };
  const note = (text: string) => {
    const slot = slotOf();
    while (slots.length <= slot) slots.push({ ok: 0, failed: 0, note: '' });
    (slots[slot] as { note: string }).note = text;
  };

  const events: Promise<void>[] = [];
  events.push(
    (async () => {
      await new Promise((resolve) => setTimeout(resolve, 700));
      await server?.stop();
      server = undefined;
      note('server stopped');
      await new Promise((resolve) => setTimeout(resolve, 900));
      server = await startServer(port);
      note('server restarted');
    })(),
  );
  const clients = Array.from({ length: 6 }, async () => {
    while (performance.now() - start < 2700) {
      try {
        await pool.use(ping);
        record(true);
      } catch (error) {
        record(false);
        const code = (error as { code?: string }).code ?? (error as Error).message;
        if (!firstErrors.has(code)) {
          const cause = (error as { cause?: { code?: string; message?: string } }).cause;
          const phase = (error as { phase?: string }).phase;
          firstErrors.set(
            code,
            `${code}${phase ? ` (phase ${phase})` : ''}${cause ? `, cause ${cause.code ?? cause.message}` : ''}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  });
  await Promise.all([...clients, ...events]);

  out(`6 callers ping through a pool of max 4 sockets (acquire timeout 300 ms) for 2.7 s:`);
  slots.forEach((slot, index) => {
    const bar = '#'.repeat(Math.min(40, Math.round(slot.ok / 25)));
    out(
      `  ${ms(index * slotMs).padStart(8)}  ok ${String(slot.ok).padStart(5)}  failed ${String(slot.failed).padStart(3)}  ${bar} ${slot.note}`,
    );
  });
  out('first error of each kind seen by callers:');
  for (const line of firstErrors.values()) out(`  ${line}`);
  const stats = pool.stats();
  out(
    `pool: created ${stats.created}, create failures ${stats.createFailures} (backed off, no spin), destroyed ${stats.destroyed} ` +
      `(died ${stats.destroyedByReason.died}, broken ${stats.destroyedByReason.broken}), acquired ${stats.acquired}, timeouts ${stats.timeouts}`,
  );
  await pool.close();
  await server?.stop();
  out(`closed: ${pool.stats().state}, created ${pool.stats().created} = destroyed ${pool.stats().destroyed}`);
}
