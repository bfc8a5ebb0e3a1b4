import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const hook = fileURLToPath(new URL('./hide-drivers.mjs', import.meta.url));

/** Runs `code` (an ES module body) in a child Node process where the drivers cannot be resolved. */
async function withoutDrivers(code: string): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', '--import', hook, '--input-type=module', '-e', code],
    { cwd: root },
  );
  return stdout.trim();
}

describe('adapters without their driver installed', () => {
  it('poolkit/pg imports without pg; using it rejects with POOLKIT_DRIVER_MISSING and an install hint', async () => {
    const out = await withoutDrivers(`
      const { createPgPool } = await import('./src/adapters/pg/index.ts');
      const pool = createPgPool({ acquireTimeoutMs: 60000 });
      const error = await pool.query('SELECT 1').catch((e) => e);
      console.log(JSON.stringify({ code: error.code, hint: error.message.includes('npm install pg') }));
      await pool.close();
    `);
    expect(JSON.parse(out)).toEqual({ code: 'POOLKIT_DRIVER_MISSING', hint: true });
  });

  it('poolkit/mysql and poolkit/redis import without their drivers and reject at first use', async () => {
    const out = await withoutDrivers(`
      const { createMysqlPool } = await import('./src/adapters/mysql/index.ts');
      const { createRedisPool } = await import('./src/adapters/redis/index.ts');
      const mysql = createMysqlPool({ acquireTimeoutMs: 60000 });
      const redis = createRedisPool({ acquireTimeoutMs: 60000 });
      const errors = [await mysql.query('SELECT 1').catch((e) => e), await redis.use((c) => c.ping()).catch((e) => e)];
      console.log(JSON.stringify(errors.map((e) => [e.code, e.message.includes('npm install')])));
      await Promise.all([mysql.close(), redis.close()]);
    `);
    expect(JSON.parse(out)).toEqual([
      ['POOLKIT_DRIVER_MISSING', true],
      ['POOLKIT_DRIVER_MISSING', true],
    ]);
  });

  it('poolkit/bullmq imports without bullmq; next() rejects with POOLKIT_DRIVER_MISSING each time, with a hint', async () => {
    const out = await withoutDrivers(`
      const { createBullMQSource } = await import('./src/adapters/bullmq/index.ts');
      const source = createBullMQSource('q', { connection: { host: '127.0.0.1', port: 1 } });
      const errors = [];
      for (let i = 0; i < 2; i++) errors.push(await source.next(new AbortController().signal).catch((e) => e));
      console.log(JSON.stringify(errors.map((e) => [e.code, e.message.includes('npm install bullmq')])));
      await source.close();
    `);
    expect(JSON.parse(out)).toEqual([
      ['POOLKIT_DRIVER_MISSING', true],
      ['POOLKIT_DRIVER_MISSING', true],
    ]);
  });

  it('importing the root package never loads a driver', async () => {
    const out = await withoutDrivers(`
      const root = await import('./src/index.ts');
      console.log(Object.keys(root).length > 0);
    `);
    expect(out).toBe('true');
  });
});
