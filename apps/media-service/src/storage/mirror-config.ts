/**
 * The mirror: a second, independent S3-compatible store (its own endpoint, bucket and
 * credentials). Empty MEDIA_MIRROR_BUCKET means no mirror; the primary path never depends on it.
 */
import { env, localDevelopmentSecrets } from '@chucar/platform';

export const mirrorEnv = {
  MEDIA_MIRROR_BUCKET: env.string({ description: 'Mirror bucket on a second, independent S3 store; empty: no mirror (the local stack runs one: MEDIA_MIRROR_BUCKET=chucar-media-mirror MEDIA_MIRROR_ENDPOINT=http://127.0.0.1:9001)', default: '' }),
  MEDIA_MIRROR_ENDPOINT: env.string({ description: 'Mirror S3 endpoint URL; empty means real AWS S3 in MEDIA_MIRROR_REGION', default: '' }),
  MEDIA_MIRROR_PUBLIC_ENDPOINT: env.string({ description: 'Mirror endpoint as clients reach it, for signed URLs that fall back to the mirror (empty: MEDIA_MIRROR_ENDPOINT)', default: '' }),
  MEDIA_MIRROR_REGION: env.string({ description: 'Mirror S3 region', default: 'us-east-1' }),
  MEDIA_MIRROR_ACCESS_KEY_ID: env.string({ description: 'Mirror access key id (empty: the AWS default chain)', default: localDevelopmentSecrets.s3AccessKeyId }),
  MEDIA_MIRROR_SECRET_ACCESS_KEY: env.string({ description: 'Mirror secret access key', default: localDevelopmentSecrets.s3SecretAccessKey, secret: true }),
  MEDIA_MIRROR_FORCE_PATH_STYLE: env.bool({ description: 'Path-style bucket URLs on the mirror', default: true }),
  MEDIA_READ_FALLBACK_TIMEOUT_MS: env.int({ description: 'A signed read checks the primary with a HEAD this short; an error, a timeout or a missing object signs the mirror instead', default: 750, min: 50, max: 10_000 }),
};
