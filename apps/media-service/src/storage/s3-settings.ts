/**
 * The media service's S3_* and MEDIA_MIRROR_* settings in the shape the kit's `createS3Client`
 * takes: the primary store and, when configured, the mirror (its own endpoint, bucket and keys).
 */
import type { S3ClientSettings } from '@chucar/platform/s3';
import type { MediaConfig } from '../config.ts';

export type PrimaryS3Config = Pick<MediaConfig, 'S3_REGION' | 'S3_FORCE_PATH_STYLE' | 'S3_ENDPOINT' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_TIMEOUT_MS'>;

export type MirrorS3Config = Pick<
  MediaConfig,
  'MEDIA_MIRROR_BUCKET' | 'MEDIA_MIRROR_ENDPOINT' | 'MEDIA_MIRROR_REGION' | 'MEDIA_MIRROR_ACCESS_KEY_ID' | 'MEDIA_MIRROR_SECRET_ACCESS_KEY' | 'MEDIA_MIRROR_FORCE_PATH_STYLE' | 'S3_TIMEOUT_MS'
>;

/** The primary store; an empty S3_ENDPOINT means real AWS, an empty key id the default credential chain. */
export function primaryS3Settings(config: PrimaryS3Config): S3ClientSettings {
  return {
    region: config.S3_REGION,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    endpoint: config.S3_ENDPOINT,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    timeoutMs: config.S3_TIMEOUT_MS,
  };
}

/** The mirror, reached at `endpoint` (signed URLs use its public one); null when none is configured. */
export function mirrorS3Settings(config: MirrorS3Config, endpoint = config.MEDIA_MIRROR_ENDPOINT): S3ClientSettings | null {
  if (!config.MEDIA_MIRROR_BUCKET) return null;
  return {
    region: config.MEDIA_MIRROR_REGION,
    forcePathStyle: config.MEDIA_MIRROR_FORCE_PATH_STYLE,
    endpoint,
    accessKeyId: config.MEDIA_MIRROR_ACCESS_KEY_ID,
    secretAccessKey: config.MEDIA_MIRROR_SECRET_ACCESS_KEY,
    timeoutMs: config.S3_TIMEOUT_MS,
  };
}
