/**
 * Network pools: the keep-alive agent against a server that drops idle connections just as
 * requests arrive, and the memcached client riding out a restart of its server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import AgentKeepAlive from 'agentkeepalive';
import { Agent } from '../../dist/http/index.js';
import { createMemcachedClient } from '../../dist/memcached/index.js';
import { ms } from '../section.js';

export const title = 'net: a keep-alive agent that does not drop requests, a memcached client that recovers';

/** Answers the first request of each connection, then closes it when the next one arrives. */
async function racingServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let served = 0;
    socket.on('data', (chunk: Buffer) => {
      if (!chunk.includes('\r\n\r\n')) return;
      if (served++ > 0) socket.destroy();
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function get(agent: http.Agent, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
      .on('error', reject);
  });
}

async function agentSection(out: (line?: string) => void): Promise<void> {
  const server = await racingServer();
  const requests = 200;
  out(`A server that closes each idle keep-alive connection just as the next request arrives`);
  out(`(no Keep-Alive header announces it); ${requests} GETs in sequence through each agent:`);
  const agents: [string, http.Agent, () => string][] = [];
  const ours = new Agent();
  agents.push(["Node's http.Agent({ keepAlive })", new http.Agent({ keepAlive: true }), () => '']);
  agents.push(['agentkeepalive', new AgentKeepAlive(), () => '']);
  agents.push(['poolkit Agent', ours, () => `, ${ours.stats().retries} sent again on a new connection`]);
  for (const [name, agent, extra] of agents) {
    const errors = new Map<string, number>();
    const started = performance.now();
    for (let i = 0; i < requests; i++) {
      await get(agent, server.port).catch((error: NodeJS.ErrnoException) => {
        const code = error.code ?? error.message;
        errors.set(code, (errors.get(code) ?? 0) + 1);
      });
    }
    const failed = [...errors.values()].reduce((a, b) => a + b, 0);
    const detail = failed === 0 ? '' : ` (${[...errors].map(([code, count]) => `${count} ${code}`).join(', ')})`;
    out(
      `  ${name.padEnd(32)} ${String(failed).padStart(3)} failed${detail} in ${ms(performance.now() - started)}${extra()}`,
    );
    agent.destroy();
  }
  await server.close();
}

function memcachedAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('memcached', ['-h'], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startMemcached(port: number): Promise<ChildProcess> {
  const args = ['-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', '16'];
  if (process.getuid?.() === 0) args.push('-u', 'memcache');
  const child = spawn('memcached', args, { stdio: 'ignore' });
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return child;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function memcachedSection(out: (line?: string) => void): Promise<void> {
  if (!(await memcachedAvailable())) {
    out('memcached is not installed: skipping the restart demo (apt-get install memcached)');
    return;
  }
  const port = await freePort();
  let server = await startMemcached(port);
  const cache = createMemcachedClient({ servers: [`127.0.0.1:${port}`] });
  let ok = 0;
  let failed = 0;
  let running = true;
  let firstSuccessAfterRestart = 0;
  let restartedAt = Number.POSITIVE_INFINITY;
  const codes = new Map<string, number>();
  const worker = async (id: number): Promise<void> => {
    for (let i = 0; running; i++) {
      try {
        await cache.set(`demo:${id}:${i % 100}`, 'value');
        ok++;
        if (firstSuccessAfterRestart === 0 && performance.now() > restartedAt)
          firstSuccessAfterRestart = performance.now();
      } catch (error) {
        failed++;
        const code = (error as { code?: string }).code ?? 'other';
        codes.set(code, (codes.get(code) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 1)); // a real caller would back off too
      }
    }
  };
  const workers = Array.from({ length: 8 }, (_, id) => worker(id));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const beforeKill = ok;
  await stop(server);
  out(
    `memcached (own process, port ${port}) killed with SIGKILL after ${beforeKill.toLocaleString()} sets by 8 callers;`,
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  const failedWhileDown = failed;
  server = await startMemcached(port);
  restartedAt = performance.now();
  while (firstSuccessAfterRestart === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  await new Promise((resolve) => setTimeout(resolve, 300));
  running = false;
  await Promise.all(workers);
  const stats = cache.stats();
  out(`  while it was down (0.5 s): ${failedWhileDown.toLocaleString()} calls failed fast, none hung;`);
  out(`  all failures, by code: ${[...codes].map(([code, count]) => `${count} ${code}`).join(', ')}`);
  out(
    `  restarted: first successful set ${ms(firstSuccessAfterRestart - restartedAt)} after the server accepted again`,
  );
  out(
    `  ${ok.toLocaleString()} sets succeeded in all, ${stats.pending} call(s) left pending, ${stats.timeouts} timeouts`,
  );
  await cache.close();
  await stop(server);
}

export async function run(out: (line?: string) => void): Promise<void> {
  await agentSection(out);
  out();
  await memcachedSection(out);
}
