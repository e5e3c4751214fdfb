import { randomUUID } from 'node:crypto';
import fp from 'fastify-plugin';
import { createPeriodicTask } from '@chucar/platform';

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
    async function sweepOnce(): Promise<void> {
      const acquired = await app.redis.set(`chucar:lock:expiry-sweep:${databaseName}`, owner, 'PX', Math.max(1000, intervalMs - 1000), 'NX').catch(() => null);
      if (acquired !== 'OK') return;
      const expired = await app.backgroundServices().marketplace.expireOverdueRequests();
      if (expired > 0) app.log.info({ expired }, 'expired overdue quote requests');
    }

    const sweep = createPeriodicTask({ name: 'expiry_sweep', intervalMs, run: sweepOnce, logger: app.log, registry: app.metricsRegistry });
    app.addHook('onReady', () => sweep.start());
    app.addHook('onClose', () => sweep.stop());
  },
  { name: 'expiry-sweep', dependencies: ['domain-services', 'redis'] },
);
