/**
 * HTTP suite.
 * - keepalive-c64: 64 callers each sending GETs back to back (small body) to a loopback HTTP
 *   server running in a child process (so the server does not share the client's event loop).
 *   poolkit's Agent against Node's `http.Agent({ keepAlive: true })` and agentkeepalive:
 *   requests/s, and `socketsCreated` (sockets each agent opened during the round; between rounds
 *   the other agents run, so idle sockets may have expired: each agent starts a round cold or warm
 *   according to its own idle policy), and `failed` (requests that errored: the server closes
 *   sockets idle for 5 s, and an agent that reuses one as it closes gets ECONNRESET).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import type net from 'node:net';
import AgentKeepAlive from 'agentkeepalive';
import { Agent } from '../dist/http/index.js';
import { defineSuite, type Impl } from './harness.js';

const CALLERS = 64;
const REQUESTS_PER_ROUND = 6400;
const SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => res.end('hello world'));
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
process.on('disconnect', () => process.exit(0));
`;

let child: ChildProcess | undefined;
let port = 0;

async function startServer(): Promise<number> {
  if (child !== undefined) return port;
  child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  port = await new Promise<number>((resolve) => {
    child?.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
  });
  // The server must not keep the bench process alive once the cases are done ('exit' stops it).
  child.unref();
  (child.stdout as net.Socket | null)?.unref();
  (child.channel as { unref(): void } | null | undefined)?.unref();
  return port;
}

function stopServer(): void {
  child?.kill();
  child = undefined;
}

function get(agent: http.Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.on('data', () => {});
      res.on('end', resolve);
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Runs the round; returns how many requests failed (a peer may reuse a socket the server is closing). */
async function closedLoop(agent: http.Agent): Promise<number> {
  let next = 0;
  let failed = 0;
  const caller = async (): Promise<void> => {
    while (next++ < REQUESTS_PER_ROUND) {
      await get(agent).catch(() => {
        failed++;
      });
    }
  };
  await Promise.all(Array.from({ length: CALLERS }, caller));
  return failed;
}

/** Counts sockets for agents without counters of their own. */
class CountingAgent extends http.Agent {
  created = 0;
  override createConnection(...args: Parameters<http.Agent['createConnection']>): net.Socket {
    this.created++;
    return super.createConnection(...args) as net.Socket;
  }
}

function impl(make: () => { agent: http.Agent; created(): number }): Impl {
  let current: { agent: http.Agent; created(): number } | undefined;
  return {
    async setup() {
      await startServer();
      current = make();
    },
    async run() {
      const { agent, created } = current as { agent: http.Agent; created(): number };
      const before = created();
      const failed = await closedLoop(agent);
      return { ops: REQUESTS_PER_ROUND, extra: { socketsCreated: created() - before, failed } };
    },
    teardown() {
      current?.agent.destroy();
    },
  };
}

export default defineSuite({
  name: 'http',
  cases: [
    {
      name: `keepalive-c${CALLERS}`,
      description: `${CALLERS} callers, GET of an 11-byte body from a loopback server in a child process, ${REQUESTS_PER_ROUND.toLocaleString()} requests per round`,
      impls: {
        poolkit: impl(() => {
          const agent = new Agent();
          return { agent, created: () => agent.stats().socketsCreated };
        }),
        'node-agent': impl(() => {
          const agent = new CountingAgent({ keepAlive: true });
          return { agent, created: () => agent.created };
        }),
        agentkeepalive: impl(() => {
          const agent = new AgentKeepAlive();
          return { agent, created: () => agent.getCurrentStatus().createSocketCount };
        }),
      },
    },
  ],
});

process.once('exit', stopServer);
