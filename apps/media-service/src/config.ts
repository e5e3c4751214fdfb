import { env, primaryDatabaseEnv, readEnv, redisEnv, runtimeEnv, s3Env, type EnvValues } from '@chucar/platform';

export const mediaEnv = {
  ...runtimeEnv,
  MEDIA_HOST: env.string({ description: 'Address the media API listens on (0.0.0.0 in containers)', default: '127.0.0.1' }),
  MEDIA_PORT: env.port({ description: 'Media service API port', default: 3001 }),
  MEDIA_SPOOL_DIR: env.string({ description: 'Durable spool for accepted uploads (a persistent volume)', default: '.stack/media-spool' }),
  ...primaryDatabaseEnv,
  ...redisEnv,
  ...s3Env,
};

export type MediaConfig = EnvValues<typeof mediaEnv>;

export function loadMediaConfig(source: Record<string, string | undefined> = process.env): MediaConfig {
  return readEnv(mediaEnv, source);
}
