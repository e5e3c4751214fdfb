/** Process entry of the media service's HTTP API. */
import closeWithGrace from 'close-with-grace';
import { loadConfigOrExit } from '@chucar/platform';
import { buildApp } from './app.ts';
import { loadMediaConfig } from './config.ts';

const config = loadConfigOrExit('media-service', () => loadMediaConfig());

const app = await buildApp(config);
closeWithGrace({ delay: 10_000 }, async () => app.close());
await app.listen({ host: config.MEDIA_HOST, port: config.MEDIA_PORT });
