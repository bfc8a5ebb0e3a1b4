import { describe, expect, it } from 'vitest';
import { createPgFactory } from '../../../src/adapters/pg/factory.js';
import { requireService } from '../../helpers/services.js';
import { appName, backends, eventually, noBackendsLeft, pgConnection, terminate } from './helpers.js';

const up = await requireService('postgres');
const context = () => ({ signal: new AbortController().signal });

describe.skipIf(!up)('pg factory: liveness under pg_terminate_backend', () => {
  it('an idle client whose backend is terminated calls dead() with 57P01, no unhandled error', async () => {
    const name = appName('idle-kill');
    const clientErrors: unknown[] = [];
    const factory = createPgFactory({
      connection: { ...pgConnection, application_name: name },
      onClientError: (error) => clientErrors.push(error),
    });
    const client = await factory.create(context());
    let deadWith: unknown = 'not called';
    factory.watch?.(client, (error) => {
      deadWith = error;
    });
    expect(await terminate(name)).toBe(1);
    expect(await eventually(() => deadWith !== 'not called')).toBe(true);
    expect((deadWith as { code?: string }).code).toBe('57P01');
    expect(clientErrors).toHaveLength(1);
    expect(factory.isBroken?.(client, new Error('anything'))).toBe(true);
    expect(await factory.validate?.(client, context())).toBe(false);
    expect(await factory.reset?.(client, context())).toBe(false);
    await factory.destroy?.(client, { ...context(), reason: 'died' });
    expect(await noBackendsLeft(name)).toBe(true);
  });

  it('a busy client whose backend is terminated rejects the query with a fatal error', async () => {
    const name = appName('busy-kill');
    const factory = createPgFactory({ connection: { ...pgConnection, application_name: name } });
    const client = await factory.create(context());
    let dead = false;
    factory.watch?.(client, () => {
      dead = true;
    });
    const running = client.query('SELECT pg_sleep(30)').catch((e: unknown) => e);
    expect(await eventually(async () => (await backends(name, 'active')).length === 1)).toBe(true);
    expect(await terminate(name, 'active')).toBe(1);
    const error = await running;
    expect(factory.isBroken?.(client, error)).toBe(true);
    expect(await eventually(() => dead)).toBe(true);
    await factory.destroy?.(client, { ...context(), reason: 'broken' });
    expect(await noBackendsLeft(name)).toBe(true);
  });

  it('watch() on an already dead client reports at once', async () => {
    const name = appName('dead-before-watch');
    const factory = createPgFactory({ connection: { ...pgConnection, application_name: name } });
    const client = await factory.create(context());
    await terminate(name);
    expect(await eventually(() => factory.isBroken?.(client, undefined) === true)).toBe(true);
    let called = false;
    factory.watch?.(client, () => {
      called = true;
    });
    expect(called).toBe(true);
    await factory.destroy?.(client, { ...context(), reason: 'died' });
  });
});
