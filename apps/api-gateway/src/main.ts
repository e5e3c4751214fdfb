/** Process entry: config → buildApp → listen; on SIGTERM stop accepting, finish in-flight requests, close pools. */
import closeWithGrace from 'close-with-grace';
import { loadConfigOrExit } from '@chucar/platform';
import { buildApp } from './app.ts';
import { loadGatewayConfig } from './config.ts';

const config = loadConfigOrExit('api-gateway', () => loadGatewayConfig());

const app = await buildApp(config);
closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'closing after an error');
  else app.log.info({ signal }, 'closing: no new connections, finishing in-flight requests');
  await app.close();
});
await app.listen({ host: config.GATEWAY_HOST, port: config.GATEWAY_PORT });
