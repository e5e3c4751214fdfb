import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';

/**
 * Listens, and on SIGTERM/SIGINT (or a crash) closes with grace: no new connections, in-flight
 * requests finish, then the app's onClose hooks release pools and clients.
 */
export async function serveUntilSignalled(app: FastifyInstance, address: { host: string; port: number }, graceMs = 10_000): Promise<void> {
  closeWithGrace({ delay: graceMs }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an error');
    else app.log.info({ signal }, 'closing: no new connections, finishing in-flight requests');
    await app.close();
  });
  await app.listen(address);
}
