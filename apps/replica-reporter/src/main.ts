/** Process entry of the reporter's HTTP API. */
import closeWithGrace from 'close-with-grace';
import { ConfigError } from '@chucar/platform';
import { buildApp } from './app.ts';
import { loadReporterConfig, type ReporterConfig } from './config.ts';

let config: ReporterConfig;
try {
  config = loadReporterConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`replica-reporter: ${error.message}`);
  process.exit(1);
}

const app = await buildApp(config);
closeWithGrace({ delay: 10_000 }, async () => app.close());
await app.listen({ host: config.REPORTER_HOST, port: config.REPORTER_PORT });
