/** Process entry of the media service's HTTP API: config → buildApp → listen, closing with grace. */
import { loadConfigOrExit, serveUntilSignalled } from '@chucar/platform';
import { buildApp } from './api/app.ts';
import { loadMediaConfig } from './config.ts';

const config = loadConfigOrExit('media-service', () => loadMediaConfig());
await serveUntilSignalled(await buildApp(config), { host: config.MEDIA_HOST, port: config.MEDIA_PORT });
