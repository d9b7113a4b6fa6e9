import { once } from 'node:events';
import { createServer } from 'node:http';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import { createMetrics } from '../metrics.ts';
import { createAlertHub } from './alert-hub.ts';
import { createFollower } from './follower.ts';

describe('follower', () => {
  const ctx = useTempStore();

  it('fails `done` at once when the node cannot be reached, and stop() still resolves', async () => {
    // A port nothing listens on: taken from a server that is then closed.
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    await new Promise((r) => server.close(r));
    const logger = pino({ level: 'silent' });
    const alerts = createAlertHub({
      store: ctx.store,
      logger,
      metrics: createMetrics(),
      allowPrivateWebhooks: true,
    });
    const follower = createFollower({
      store: ctx.store,
      alerts,
      logger,
      rpcUrl: `http://127.0.0.1:${port}`,
    });
    await expect(follower.done).rejects.toMatchObject({ code: 'RPC_UNREACHABLE' });
    await follower.stop();
    await alerts.close();
  });
});
