/** Process entry of the reporter's HTTP API. */
import closeWithGrace from 'close-with-grace';
import { loadConfigOrExit } from '@chucar/platform';
import { buildApp } from './app.ts';
import { loadReporterConfig } from './config.ts';

const config = loadConfigOrExit('replica-reporter', () => loadReporterConfig());

const app = await buildApp(config);
closeWithGrace({ delay: 10_000 }, async () => app.close());
await app.listen({ host: config.REPORTER_HOST, port: config.REPORTER_PORT });
