/** Process entry of the reporter's HTTP API: config → replica check → buildApp → listen, closing with grace. */
import { loadConfigOrExit, serveUntilSignalled } from '@chucar/platform';
import { buildApp } from './app.ts';
import { loadReporterConfig } from './config.ts';
import { ReportRefusal } from './guard/refusal.ts';

const config = loadConfigOrExit('replica-reporter', () => loadReporterConfig());
const app = await buildApp(config);
try {
  // The same check runs before every report; at start a failure stops the process.
  await app.reportRunner.checkReplica();
} catch (error) {
  const reason = error instanceof ReportRefusal ? error.message : `the replica could not be checked: ${String(error)}`;
  app.log.fatal({ err: error }, reason);
  console.error(`replica-reporter: ${reason}`);
  await app.close();
  process.exit(1);
}
await serveUntilSignalled(app, { host: config.REPORTER_HOST, port: config.REPORTER_PORT });
