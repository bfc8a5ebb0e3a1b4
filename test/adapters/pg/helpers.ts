import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { services } from '../../helpers/services.js';

export const pgConnection = {
  host: services.postgres.host,
  port: services.postgres.port,
  user: process.env.PGUSER ?? 'postgres',
  database: process.env.PGDATABASE ?? 'test',
} as const;

/** A unique `application_name`, so a test counts only its own backends. */
export function appName(label: string): string {
  return `poolkit-test-${label}-${randomUUID().slice(0, 8)}`;
}

/** Runs `fn` with a short-lived admin connection (not part of any pool under test). */
export async function withAdmin<R>(fn: (admin: pg.Client) => Promise<R>): Promise<R> {
  const admin = new pg.Client({ ...pgConnection, application_name: 'poolkit-test-admin' });
  admin.on('error', () => {});
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

/** Backends whose application_name is `name`, optionally only those in `state` ('idle', 'active'). */
export async function backends(name: string, state?: string): Promise<number[]> {
  return withAdmin(async (admin) => {
    const { rows } = await admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND ($2::text IS NULL OR state = $2)',
      [name, state ?? null],
    );
    return rows.map((row) => row.pid);
  });
}

/** Terminates the backends of `name` (optionally only in `state`); returns how many. */
export async function terminate(name: string, state?: string): Promise<number> {
  return withAdmin(async (admin) => {
    const { rows } = await admin.query<{ ok: boolean }>(
      'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND ($2::text IS NULL OR state = $2)',
      [name, state ?? null],
    );
    return rows.filter((row) => row.ok).length;
  });
}

/**
 * Polls `check` until it returns true, at most `tries` times, 10 ms apart (a bounded
 * poll for a server-side condition; nothing asserts timings). Returns the last result.
 */
export async function eventually(check: () => Promise<boolean> | boolean, tries = 500): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

/** Waits until no backend of `name` is left (terminations and ends are asynchronous server-side). */
export async function noBackendsLeft(name: string): Promise<boolean> {
  return eventually(async () => (await backends(name)).length === 0);
}
