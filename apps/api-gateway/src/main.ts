/** Process entry: config → buildApp → listen; on SIGTERM fail readiness for SHUTDOWN_DRAIN_MS while serving, then stop accepting, finish in-flight requests, close pools. */
import { loadConfigOrExit, serveUntilSignalled } from '@chucar/platform';
import { buildApp } from './app.ts';
import { loadGatewayConfig } from './config.ts';

const config = loadConfigOrExit('api-gateway', () => loadGatewayConfig());
await serveUntilSignalled(await buildApp(config), { host: config.GATEWAY_HOST, port: config.GATEWAY_PORT }, { drainMs: config.SHUTDOWN_DRAIN_MS });
