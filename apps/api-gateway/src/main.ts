/** Process entry: config → buildApp → listen; on SIGTERM stop accepting, finish in-flight requests, close pools. */
import closeWithGrace from 'close-with-grace';
import { ConfigError } from '@chucar/platform';
import { buildApp } from './app.ts';
import { loadGatewayConfig, type GatewayConfig } from './config.ts';

let config: GatewayConfig;
try {
  config = loadGatewayConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`api-gateway: ${error.message}`);
  process.exit(1);
}

const app = await buildApp(config);
closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'closing after an error');
  else app.log.info({ signal }, 'closing: no new connections, finishing in-flight requests');
  await app.close();
});
await app.listen({ host: config.GATEWAY_HOST, port: config.GATEWAY_PORT });
