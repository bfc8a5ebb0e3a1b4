import { describe, expect, it } from 'vitest';
import { runScript } from '../helpers/run-script.js';
import { requireService, services } from '../helpers/services.js';

const up = await requireService('memcached');

// The script leaves an idle socket pool, an HTTP agent with a free socket and a memcached client
// with an idle connection, all open. Node must exit on its own: nothing idle keeps it alive.
const script = `
import http from 'node:http';
import net from 'node:net';
import { createSocketPool } from './src/net/index.ts';
import { Agent } from './src/http/index.ts';
import { createMemcachedClient } from './src/memcached/index.ts';
const echo = net.createServer((s) => { s.unref(); s.pipe(s); }).listen(0, '127.0.0.1');
await new Promise((r) => echo.once('listening', r));
const pool = createSocketPool({ host: '127.0.0.1', port: echo.address().port });
(await pool.acquire()).release();
const web = http.createServer((q, s) => s.end('ok')).listen(0, '127.0.0.1');
web.on('connection', (s) => s.unref()); // the servers' side must not hold the process either
await new Promise((r) => web.once('listening', r));
const agent = new Agent();
await new Promise((r) => http.get({ host: '127.0.0.1', port: web.address().port, agent }, (res) => { res.resume(); res.on('end', r); }));
const cache = ${up ? `createMemcachedClient({ servers: ['${services.memcached.host}:${services.memcached.port}'] })` : 'undefined'};
await cache?.set('pk-test:exit', 'x');
echo.unref(); web.unref();
await new Promise((r) => setTimeout(r, 20));
console.log('idle', JSON.stringify(pool.stats().total.idle), JSON.stringify(Object.values(agent.stats().origins)[0]));
`;

describe('idle network pools do not keep the process alive', () => {
  it('a process with idle sockets in every pool exits by itself (no timer, no referenced socket)', async () => {
    const { code, output } = await runScript(script);
    expect(code).toBe(0);
    expect(output).toContain('idle 1 {"free":1,"busy":0,"pending":0}');
  });
});
