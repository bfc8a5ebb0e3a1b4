import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { services } from '../../helpers/services.js';

export const redisUrl = `redis://${services.redis.host}:${services.redis.port}`;

/** A unique CLIENT SETNAME, so a test finds only its own connections in CLIENT LIST. */
export function clientName(label: string): string {
  return `poolkit-test-${label}-${randomUUID().slice(0, 8)}`;
}

type AdminClient = { sendCommand(args: string[]): Promise<unknown> };

/** Runs `fn` with a short-lived admin client (not part of any pool under test). */
export async function withAdmin<R>(fn: (admin: AdminClient) => Promise<R>): Promise<R> {
  const admin = createClient({ url: redisUrl, name: 'poolkit-test-admin' });
  admin.on('error', () => {});
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    admin.destroy();
  }
}

/** CLIENT LIST entries named `name` (as `{ id, cmd }`). */
export async function clients(name: string): Promise<{ id: string; cmd: string }[]> {
  return withAdmin(async (admin) => {
    const list = (await admin.sendCommand(['CLIENT', 'LIST'])) as string;
    return list
      .split('\n')
      .filter((line) => line.includes(` name=${name} `))
      .map((line) => ({ id: /\bid=(\d+)/.exec(line)?.[1] ?? '', cmd: /\bcmd=(\S+)/.exec(line)?.[1] ?? '' }));
  });
}

/** CLIENT KILLs the clients named `name` (optionally only those whose last command is `cmd`). */
export async function killClients(name: string, cmd?: string): Promise<number> {
  const targets = (await clients(name)).filter((entry) => cmd === undefined || entry.cmd === cmd);
  await withAdmin(async (admin) => {
    for (const { id } of targets) await admin.sendCommand(['CLIENT', 'KILL', 'ID', id]).catch(() => {});
  });
  return targets.length;
}

/** Polls `check` up to `tries` times, 10 ms apart (a bounded poll for a server-side condition; nothing asserts timings). */
export async function eventually(check: () => Promise<boolean> | boolean, tries = 500): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

/** True once no client named `name` is left on the server. */
export function noClientsLeft(name: string): Promise<boolean> {
  return eventually(async () => (await clients(name)).length === 0);
}
