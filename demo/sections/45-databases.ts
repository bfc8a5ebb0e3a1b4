/**
 * The database adapters against the real servers on loopback: a PostgreSQL pool serving queries
 * while its backends are terminated (and what pg.Pool does when an idle client's backend dies and
 * nobody listens: shown in a child process), a MariaDB acquire timeout bounding a query stuck
 * behind SLEEPs (mysql2's pool cannot), and Redis MULTI/EXEC under CLIENT KILL.
 */
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { createClient } from 'redis';
import { createMysqlPool } from '../../dist/adapters/mysql/index.js';
import { createPgPool } from '../../dist/adapters/pg/index.js';
import { createRedisPool } from '../../dist/adapters/redis/index.js';
import { ms, reachable } from '../section.js';

export const title = 'databases: PostgreSQL, MariaDB and Redis pools under server-side faults';

type Out = (line?: string) => void;

const root = fileURLToPath(new URL('../..', import.meta.url));
const pgConnection = { host: '127.0.0.1', port: 5432, user: process.env.PGUSER ?? 'postgres', database: 'test' };
const mysqlConnection = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' };

const starts: Record<string, string> = {
  PostgreSQL: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  MariaDB: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd',
  Redis: 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ""',
};

async function withPgAdmin<R>(fn: (admin: pg.Client) => Promise<R>): Promise<R> {
  const admin = new pg.Client({ ...pgConnection, application_name: 'poolkit-demo-admin' });
  admin.on('error', () => {});
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

const terminateSql =
  'SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 LIMIT $2) t';

async function pgUnderTermination(out: Out): Promise<void> {
  const name = `poolkit-demo-${process.pid}`;
  const pool = createPgPool({ connection: { ...pgConnection, application_name: name }, max: 8 });
  let served = 0;
  let failed = 0;
  let killed = 0;
  const started = performance.now();
  const killer = setInterval(() => {
    withPgAdmin((admin) => admin.query<{ n: number }>(terminateSql, [name, 2]))
      .then(({ rows }) => {
        killed += rows[0]?.n ?? 0;
      })
      .catch(() => {});
  }, 250);
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (performance.now() - started < 1000) {
        await pool.query('SELECT 1').then(
          () => served++,
          () => failed++,
        );
      }
    }),
  );
  clearInterval(killer);
  const { created, destroyedByReason } = pool.stats();
  await pool.close();
  out(`PostgreSQL, poolkit/pg (max 8, 32 callers, 2 backends terminated every 250 ms for 1 s):`);
  out(
    `  ${served} queries served, ${failed} failed (only queries in flight on a killed backend can), ${killed} backends killed`,
  );
  out(
    `  ${created} connections created; destroyed as broken ${destroyedByReason.broken}, died while idle ${destroyedByReason.died}; no unhandled error`,
  );
}

// What happens when an idle client's backend is terminated and nobody listens for 'error'.
function idleDeathInChild(kind: 'pg.Pool' | 'poolkit'): Promise<{ code: number | null; message: string }> {
  const name = `poolkit-demo-child-${kind === 'pg.Pool' ? 'pgpool' : 'poolkit'}-${process.pid}`;
  const setup =
    kind === 'pg.Pool'
      ? `const { default: pg } = await import('pg'); const pool = new pg.Pool({ ...c, max: 1 }); await pool.query('SELECT 1');`
      : `const { createPgPool } = await import('./dist/adapters/pg/index.js'); const pool = createPgPool({ connection: c, max: 1 }); await pool.query('SELECT 1');`;
  const code = `const c = ${JSON.stringify({ ...pgConnection, application_name: name })};
    ${setup}
    console.log('ready');
    await new Promise((r) => setTimeout(r, 1000));
    await (pool.end ? pool.end() : pool.close());
    console.log('survived');`;
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', code],
      { cwd: root },
      (error, stdout, stderr) => {
        const crash = /error: (.*)/i.exec(stderr)?.[1] ?? '';
        resolve({
          code: error ? (child.exitCode ?? 1) : 0,
          message: stdout.includes('survived') ? 'kept running' : crash,
        });
      },
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready'))
        withPgAdmin((admin) => admin.query(terminateSql, [name, 10])).catch(() => {});
    });
  });
}

async function mariadbAcquireTimeout(out: Out): Promise<void> {
  const pool = createMysqlPool({ connection: mysqlConnection, max: 2, acquireTimeoutMs: 300 });
  const sleepers = [pool.query('SELECT SLEEP(2)'), pool.query('SELECT SLEEP(2)')].map((p) => p.catch(() => {}));
  const threads: number[] = [];
  pool.pool.on('resourceCreated', ({ resource }) => threads.push(resource.threadId));
  await pool.pool.ready();
  const start = performance.now();
  const error = await pool.query('SELECT 1').catch((e: { code?: string }) => e);
  const waited = performance.now() - start;
  out(`MariaDB, poolkit/mysql (max 2, both busy with SELECT SLEEP(2), acquireTimeoutMs 300):`);
  out(`  a third query was rejected after ${ms(waited)} with ${(error as { code?: string }).code}`);
  const admin = await mysql.createConnection(mysqlConnection);
  for (const id of threads) await admin.query(`KILL QUERY ${id}`).catch(() => {});
  await admin.end();
  await Promise.allSettled(sleepers);
  await pool.close();

  const theirs = mysql.createPool({ ...mysqlConnection, connectionLimit: 2 });
  const theirSleepers = [theirs.query('SELECT SLEEP(1)'), theirs.query('SELECT SLEEP(1)')].map((p) =>
    p.catch(() => {}),
  );
  const theirStart = performance.now();
  await theirs.query('SELECT 1');
  out(
    `  mysql2's createPool, same situation with SLEEP(1): the third query waited ${ms(performance.now() - theirStart)} (no way to bound it)`,
  );
  await Promise.allSettled(theirSleepers);
  await theirs.end();
}

async function redisUnderClientKill(out: Out): Promise<void> {
  const name = `poolkit-demo-${process.pid}`;
  const pool = createRedisPool({ client: { url: 'redis://127.0.0.1:6379', name }, max: 4 });
  const admin = createClient({ url: 'redis://127.0.0.1:6379' });
  admin.on('error', () => {});
  await admin.connect();
  let done = 0;
  let failed = 0;
  let killing: Promise<number> | undefined;
  const key = `${name}:n`;
  // Only this pool's connections (found by CLIENT SETNAME), never anyone else's.
  const killOurs = async () => {
    const list = String(await admin.sendCommand(['CLIENT', 'LIST']));
    const ids = list
      .split('\n')
      .filter((line) => line.includes(` name=${name} `))
      .map((line) => /\bid=(\d+)/.exec(line)?.[1] ?? '');
    for (const id of ids) await admin.sendCommand(['CLIENT', 'KILL', 'ID', id]).catch(() => {});
    return ids.length;
  };
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (done + failed < 2000) {
        if (done >= 1000) killing ??= killOurs();
        await pool
          .use((redis) => redis.multi().incr(key).expire(key, 60).exec())
          .then(
            () => done++,
            () => failed++,
          );
      }
    }),
  );
  const killed = await killing;
  const count = Number(await pool.use((redis) => redis.get(key)));
  await pool.use((redis) => redis.del(key));
  const { created } = pool.stats();
  await pool.close();
  admin.destroy();
  out(
    `Redis, poolkit/redis (max 4, 16 callers of MULTI INCR EXPIRE EXEC, CLIENT KILL of its ${killed} clients half-way):`,
  );
  out(
    `  ${done} transactions acknowledged, ${failed} failed in flight, ${created} connections created, no unhandled error`,
  );
  out(
    `  counter = ${count}: ${count - done} of the failed ones had committed before their reply was lost (retry only what is idempotent)`,
  );
}

/** The same transactions through use() (a connection each) and multi() (pipelined on shared ones). */
async function redisMultiVsUse(out: Out): Promise<void> {
  const pool = createRedisPool({ client: { url: 'redis://127.0.0.1:6379' }, max: 4 });
  const key = `poolkit-demo-${process.pid}:m`;
  const rate = async (transaction: () => Promise<unknown>): Promise<number> => {
    let started = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (started++ < 4000) await transaction();
      }),
    );
    return 4000 / ((performance.now() - t0) / 1000);
  };
  await rate(() => pool.multi((tx) => tx.incr(key))); // warm up
  const exclusive = await rate(() => pool.use((redis) => redis.multi().incr(key).expire(key, 60).exec()));
  const pipelined = await rate(() => pool.multi((tx) => tx.incr(key).expire(key, 60)));
  await pool.use((redis) => redis.del(key));
  await pool.close();
  out(
    `  the same transaction, 16 callers, 4 connections: ${Math.round(exclusive).toLocaleString()}/s through use() (a connection each),`,
  );
  out(
    `    ${Math.round(pipelined).toLocaleString()}/s through multi() (MULTI/EXEC blocks pipelined on shared connections): ${(pipelined / exclusive).toFixed(1)}x`,
  );
}

export async function run(out: Out): Promise<void> {
  const [pgUp, mariaUp, redisUp] = await Promise.all([reachable(5432), reachable(3306), reachable(6379)]);
  const skip = (server: string) => out(`${server} is not reachable on 127.0.0.1; start it with: ${starts[server]}`);
  if (pgUp) {
    await pgUnderTermination(out);
    const [theirs, ours] = await Promise.all([idleDeathInChild('pg.Pool'), idleDeathInChild('poolkit')]);
    out(`  idle client's backend terminated, no 'error' listener, in a child process:`);
    out(`    pg.Pool: exit code ${theirs.code}${theirs.message ? ` (${theirs.message})` : ''}`);
    out(`    poolkit: exit code ${ours.code} (${ours.message})`);
  } else skip('PostgreSQL');
  if (mariaUp) await mariadbAcquireTimeout(out);
  else skip('MariaDB');
  if (redisUp) {
    await redisUnderClientKill(out);
    await redisMultiVsUse(out);
  } else skip('Redis');
}
