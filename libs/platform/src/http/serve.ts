import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';

export interface ServeOptions {
  /** How long in-flight requests get to finish once closing started; then the process exits anyway. */
  graceMs?: number;
  /**
   * Behind a load balancer: on SIGTERM, first answer readiness with 503 for this long while still
   * serving, so the balancer's health checks take the instance out of rotation before it closes.
   * Set it above the balancer's check interval × fall count. 0 (the default) closes at once.
   */
  drainMs?: number;
}

/**
 * Listens, and on SIGTERM/SIGINT (or a crash) closes with grace: readiness fails first for `drainMs`
 * (the instance keeps serving meanwhile), then no new connections, in-flight requests finish, and
 * the app's onClose hooks release pools and clients. A crash closes without draining.
 */
export async function serveUntilSignalled(app: FastifyInstance, address: { host: string; port: number }, options: number | ServeOptions = {}): Promise<void> {
  // A number is the grace period, as callers passed it before draining existed.
  const { graceMs = 10_000, drainMs = 0 } = typeof options === 'number' ? { graceMs: options } : options;
  closeWithGrace({ delay: graceMs + drainMs }, async ({ signal, err }) => {
    if (err) {
      app.log.error({ err }, 'closing after an error');
    } else if (drainMs > 0) {
      app.log.info({ signal, drainMs }, 'draining: readiness now fails, still serving until the load balancer stops sending');
      app.startDraining();
      await new Promise((resolve) => setTimeout(resolve, drainMs));
      app.log.info('closing: no new connections, finishing in-flight requests');
    } else {
      app.log.info({ signal }, 'closing: no new connections, finishing in-flight requests');
    }
    await app.close();
  });
  await app.listen(address);
}
