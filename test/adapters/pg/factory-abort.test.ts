import { describe, expect, it } from 'vitest';
import { createPgFactory } from '../../../src/adapters/pg/factory.js';
import { startFaultProxy } from '../../../src/testing/fault-proxy.js';
import { requireService } from '../../helpers/services.js';
import { appName, noBackendsLeft, pgConnection } from './helpers.js';

const up = await requireService('postgres');

describe.skipIf(!up)('pg factory: aborts through the fault proxy', () => {
  it('create against a black-holed server rejects as soon as the signal aborts', async () => {
    await using proxy = await startFaultProxy({ targetPort: pgConnection.port });
    proxy.blackhole();
    const factory = createPgFactory({ connection: { ...pgConnection, port: proxy.port } });
    const controller = new AbortController();
    const creating = factory.create({ signal: controller.signal });
    const reason = new Error('create timed out');
    // Abort once the proxy holds the connection (no timer: wait for the proxy to see it).
    for (let i = 0; i < 1000 && proxy.stats().accepted === 0; i++) await new Promise((r) => setImmediate(r));
    controller.abort(reason);
    await expect(creating).rejects.toBe(reason);
    expect(
      await (async () => {
        for (let i = 0; i < 1000 && proxy.stats().open > 0; i++) await new Promise((r) => setImmediate(r));
        return proxy.stats().open;
      })(),
    ).toBe(0);
  });

  it('validate and destroy of a black-holed client end when their signal aborts', async () => {
    const name = appName('blackhole-validate');
    await using proxy = await startFaultProxy({ targetPort: pgConnection.port });
    const factory = createPgFactory({ connection: { ...pgConnection, port: proxy.port, application_name: name } });
    const client = await factory.create({ signal: new AbortController().signal });
    proxy.blackhole();
    const controller = new AbortController();
    const validating = factory.validate?.(client, { signal: controller.signal });
    controller.abort(new Error('validate timed out'));
    expect(await validating).toBe(false);
    expect(factory.isBroken?.(client, undefined)).toBe(true);
    await factory.destroy?.(client, { signal: AbortSignal.abort(), reason: 'validation-failed' });
    proxy.blackhole(false);
    proxy.cut();
    expect(await noBackendsLeft(name)).toBe(true);
  });
});
