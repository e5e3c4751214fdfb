/** Process entry of the media service's HTTP API. */
import closeWithGrace from 'close-with-grace';
import { ConfigError } from '@chucar/platform';
import { buildApp } from './app.ts';
import { loadMediaConfig, type MediaConfig } from './config.ts';

let config: MediaConfig;
try {
  config = loadMediaConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`media-service: ${error.message}`);
  process.exit(1);
}

const app = await buildApp(config);
closeWithGrace({ delay: 10_000 }, async () => app.close());
await app.listen({ host: config.MEDIA_HOST, port: config.MEDIA_PORT });
