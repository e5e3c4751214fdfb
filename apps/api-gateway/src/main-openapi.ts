/**
 * Process entry: prints the gateway's OpenAPI document (JSON) on stdout, for the tools that generate
 * and check clients from it. Built under the defaults of the configuration, not this shell's
 * environment, so every machine prints the same document; nothing is contacted (the servers' ports
 * are unreachable, so a stray connection attempt fails at once instead of touching a real stack).
 */
import { buildApp } from './app.ts';
import { loadGatewayConfig } from './config.ts';

const config = loadGatewayConfig({
  NODE_ENV: 'test',
  WEB_DIST_DIR: '',
  DB_PRIMARY_PORT: '1',
  DB_REPLICA_PORT: '1',
  REDIS_PORT: '1',
  EXPIRY_SWEEP_INTERVAL_MS: '3600000',
  // The report routes exist only when a reporter is configured.
  REPORTER_URL: 'http://127.0.0.1:1',
});
const app = await buildApp(config, { logger: false });
try {
  await app.ready();
  process.stdout.write(`${JSON.stringify(app.swagger())}\n`);
} finally {
  await app.close();
}
