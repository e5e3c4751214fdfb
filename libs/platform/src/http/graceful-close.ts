import type { FastifyInstance } from 'fastify';

/**
 * While the app closes, answers carry `Connection: close`: a keep-alive client (a load balancer)
 * would otherwise hold its socket open and keep the server from closing until its idle timeout.
 */
export function closeKeepAliveWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}
