import mysql from 'mysql2/promise';
import type { MysqlPool } from '../../../src/adapters/mysql/index.js';
import { services } from '../../helpers/services.js';

export const mysqlConnection = {
  host: services.mariadb.host,
  port: services.mariadb.port,
  user: process.env.MYSQL_USER ?? 'root',
  password: process.env.MYSQL_PASSWORD ?? '',
  database: process.env.MYSQL_DATABASE ?? 'test',
} as const;

/** Runs `fn` with a short-lived admin connection (not part of any pool under test). */
export async function withAdmin<R>(fn: (admin: mysql.Connection) => Promise<R>): Promise<R> {
  const admin = await mysql.createConnection(mysqlConnection);
  admin.on('error', () => {});
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

/** The server thread ids every connection a pool creates (the marker used to find them in PROCESSLIST). */
export function trackThreads(pool: MysqlPool): Set<number> {
  const ids = new Set<number>();
  pool.pool.on('resourceCreated', ({ resource }) => ids.add(resource.threadId));
  return ids;
}

/** Which of `ids` still have a session on the server, optionally only those running a query. */
export async function liveThreads(ids: Iterable<number>, command?: 'Query' | 'Sleep'): Promise<number[]> {
  const list = [...ids];
  if (list.length === 0) return [];
  return withAdmin(async (admin) => {
    const [rows] = await admin.query(
      'SELECT ID AS id, COMMAND AS command FROM information_schema.PROCESSLIST WHERE ID IN (?)',
      [list],
    );
    return (rows as { id: number; command: string }[])
      .filter((row) => command === undefined || row.command === command)
      .map((row) => Number(row.id));
  });
}

/** KILLs the given sessions (CONNECTION by default, or only their QUERY). */
export async function kill(ids: Iterable<number>, what: 'CONNECTION' | 'QUERY' = 'CONNECTION'): Promise<void> {
  await withAdmin(async (admin) => {
    for (const id of ids) await admin.query(`KILL ${what} ${Number(id)}`).catch(() => {});
  });
}

/** Polls `check` up to `tries` times, 10 ms apart (a bounded poll for a server-side condition; nothing asserts timings). */
export async function eventually(check: () => Promise<boolean> | boolean, tries = 500): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

/** True once none of `ids` has a session on the server. */
export function noSessionsLeft(ids: Iterable<number>): Promise<boolean> {
  return eventually(async () => (await liveThreads(ids)).length === 0);
}
