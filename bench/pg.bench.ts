/**
 * PostgreSQL suite (needs the server on 127.0.0.1:5432; see test/helpers/services.ts).
 * - select1-c64: `SELECT 1` from 64 concurrent callers through a pool of 10, poolkit's
 *   createPgPool against pg.Pool of the same size: queries/s, p50Ms, p99Ms.
 * - select1-fault: the same closed loop for 3 s while one backend of the pool is terminated every
 *   second (pg_terminate_backend from a separate admin connection): backends actually terminated
 *   per round (`killed`), failed queries per round (`failed`), failures that are not the killed in-flight query's (`otherErrors`), and the time
 *   from a kill to the first success after the last failure it caused (`recoveryMs`, 0 when
 *   the kill caused no failure). pg.Pool gets an 'error' listener: without one it crashes the
 *   process when an idle client's backend is terminated. `poolkit retryTerminated` is poolkit
 *   with its opt-in re-run of statements the server aborted (SQLSTATE 57P01).
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createPgPool, isFatalPgError } from '../dist/adapters/pg/index.js';
import { defineSuite, type Impl, quantile, type RunResult } from './harness.js';

const connection = {
  host: process.env.PGHOST ?? '127.0.0.1',
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? 'postgres',
  database: process.env.PGDATABASE ?? 'test',
};
const POOL_SIZE = 10;
const CALLERS = 64;
const QUERIES_PER_ROUND = 12_800;
const FAULT_ROUND_MS = 3000;

type Query = () => Promise<unknown>;

interface LoopResult {
  readonly latencies: number[];
  readonly failures: { at: number; error: unknown }[];
  readonly successes: number[];
}

/** `CALLERS` callers each running `query` back to back until `stop()` says so. */
async function closedLoop(query: Query, stop: (done: number) => boolean, track = false): Promise<LoopResult> {
  const latencies: number[] = [];
  const failures: { at: number; error: unknown }[] = [];
  const successes: number[] = [];
  let done = 0;
  const caller = async () => {
    while (!stop(done)) {
      const start = performance.now();
      try {
        await query();
        const end = performance.now();
        latencies.push(end - start);
        if (track) successes.push(end);
      } catch (error) {
        failures.push({ at: performance.now(), error });
      }
      done++;
    }
  };
  await Promise.all(Array.from({ length: CALLERS }, caller));
  return { latencies, failures, successes };
}

function latencyResult(result: LoopResult): RunResult {
  return {
    ops: result.latencies.length,
    extra: { p50Ms: quantile(result.latencies, 0.5), p99Ms: quantile(result.latencies, 0.99) },
  };
}

function throughputImpl(make: () => { query: Query; warm(): Promise<void>; close(): Promise<void> }): Impl {
  let subject: ReturnType<typeof make>;
  return {
    async setup() {
      subject = make();
      await subject.warm();
    },
    async run() {
      return latencyResult(await closedLoop(subject.query, (done) => done >= QUERIES_PER_ROUND));
    },
    teardown: () => subject.close(),
  };
}

function poolkitSubject(applicationName: string, retryTerminated = false) {
  const pool = createPgPool({
    connection: { ...connection, application_name: applicationName },
    max: POOL_SIZE,
    retryTerminated,
  });
  return {
    query: () => pool.query('SELECT 1'),
    warm: () => Promise.all(Array.from({ length: POOL_SIZE * 2 }, () => pool.query('SELECT 1'))).then(() => {}),
    close: () => pool.close(),
  };
}

function pgPoolSubject(applicationName: string) {
  const pool = new pg.Pool({ ...connection, application_name: applicationName, max: POOL_SIZE });
  pool.on('error', () => {}); // without this, an idle client's terminated backend crashes the process
  return {
    query: () => pool.query('SELECT 1'),
    warm: () => Promise.all(Array.from({ length: POOL_SIZE * 2 }, () => pool.query('SELECT 1'))).then(() => {}),
    close: () => pool.end(),
  };
}

/** Kills one backend of `applicationName` every second while `run` runs. */
function faultImpl(
  make: (name: string) => { query: Query; warm(): Promise<void>; close(): Promise<void> },
  name: string,
): Impl {
  let subject: ReturnType<typeof make>;
  let admin: pg.Client;
  return {
    async setup() {
      subject = make(name);
      await subject.warm();
      admin = new pg.Client({ ...connection, application_name: 'poolkit-bench-admin' });
      admin.on('error', () => {});
      await admin.connect();
    },
    async run() {
      const kills: number[] = [];
      let killed = 0;
      const started = performance.now();
      const killer = setInterval(() => {
        kills.push(performance.now());
        admin
          .query<{ ok: boolean }>(
            'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 ORDER BY random() LIMIT 1',
            [name],
          )
          .then(({ rows }) => {
            if (rows[0]?.ok) killed++;
          })
          .catch(() => {});
      }, 1000);
      const result = await closedLoop(subject.query, () => performance.now() - started >= FAULT_ROUND_MS, true);
      clearInterval(killer);
      const line = faultResult(result, kills);
      return { ops: line.ops, extra: { ...line.extra, killed } };
    },
    async teardown() {
      await subject.close();
      await admin.end();
    },
  };
}

function faultResult(result: LoopResult, kills: number[]): RunResult {
  const recoveries: number[] = [];
  for (const [index, killedAt] of kills.entries()) {
    const until = kills[index + 1] ?? Number.POSITIVE_INFINITY;
    const caused = result.failures.filter((failure) => failure.at >= killedAt && failure.at < until);
    if (caused.length === 0) {
      recoveries.push(0);
      continue;
    }
    const lastFailure = Math.max(...caused.map((failure) => failure.at));
    const nextSuccess = result.successes.find((at) => at > lastFailure);
    recoveries.push(nextSuccess === undefined ? Number.NaN : nextSuccess - killedAt);
  }
  return {
    ops: result.latencies.length,
    extra: {
      failed: result.failures.length,
      otherErrors: result.failures.filter((failure) => !isFatalPgError(failure.error)).length,
      recoveryMs: recoveries.length === 0 ? 0 : Math.max(...recoveries),
      p99Ms: quantile(result.latencies, 0.99),
    },
  };
}

export default defineSuite({
  name: 'pg',
  cases: [
    {
      name: 'select1-c64',
      description: `SELECT 1 from ${CALLERS} callers through a pool of ${POOL_SIZE}; ${QUERIES_PER_ROUND.toLocaleString()} queries per round`,
      impls: {
        poolkit: throughputImpl(() => poolkitSubject('poolkit-bench-c64')),
        'pg.Pool': throughputImpl(() => pgPoolSubject('pgpool-bench-c64')),
      },
    },
    {
      name: 'select1-fault',
      description: `the same loop for ${FAULT_ROUND_MS / 1000} s per round while one backend is terminated every second`,
      rounds: 3,
      warmupRounds: 0,
      impls: {
        poolkit: faultImpl(poolkitSubject, 'poolkit-bench-fault'),
        // The opt-in re-run of statements the server aborted with 57P01 (see PgPoolOptions.retryTerminated).
        'poolkit retryTerminated': faultImpl((name) => poolkitSubject(name, true), 'poolkit-bench-fault-retry'),
        'pg.Pool': faultImpl(pgPoolSubject, 'pgpool-bench-fault'),
      },
    },
  ],
});
