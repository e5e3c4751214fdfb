import { randomUUID } from 'node:crypto';
import fp from 'fastify-plugin';

export interface ExpirySweepOptions {
  intervalMs: number;
  /** The database swept: gateways of another database (a second environment, a test run) sweep on their own. */
  databaseName: string;
}

/**
 * Persists `expired` on overdue open requests once per interval. Reads never depend on it (an
 * overdue open request already reads as expired); the sweep keeps stored statuses and the
 * replica's statistics honest. With several gateways, a Redis lock lets one of them run it.
 */
export const expirySweepPlugin = fp<ExpirySweepOptions>(
  async (app, { intervalMs, databaseName }) => {
    const owner = randomUUID();
    let timer: NodeJS.Timeout | null = null;
    let running: Promise<void> | null = null;

    async function sweepOnce(): Promise<void> {
      const acquired = await app.redis.set(`chucar:lock:expiry-sweep:${databaseName}`, owner, 'PX', Math.max(1000, intervalMs - 1000), 'NX').catch(() => null);
      if (acquired !== 'OK') return;
      const expired = await app.backgroundServices().marketplace.expireOverdueRequests();
      if (expired > 0) app.log.info({ expired }, 'expired overdue quote requests');
    }

    app.addHook('onReady', async () => {
      timer = setInterval(() => {
        running ??= sweepOnce()
          .catch((error: unknown) => app.log.warn({ err: error }, 'expiry sweep failed; retrying next interval'))
          .finally(() => {
            running = null;
          });
      }, intervalMs);
      timer.unref();
    });
    app.addHook('onClose', async () => {
      if (timer) clearInterval(timer);
      await running;
    });
  },
  { name: 'expiry-sweep', dependencies: ['domain-services', 'redis'] },
);
