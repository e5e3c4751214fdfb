/** Process entry of the reporter's HTTP API: config → buildApp → listen, closing with grace. */
import { loadConfigOrExit, serveUntilSignalled } from '@chucar/platform';
import { buildApp } from './app.ts';
import { loadReporterConfig } from './config.ts';

const config = loadConfigOrExit('replica-reporter', () => loadReporterConfig());
await serveUntilSignalled(await buildApp(config), { host: config.REPORTER_HOST, port: config.REPORTER_PORT });
