/**
 * The named stores of a configuration: `primary` always, `mirror` when MEDIA_MIRROR_BUCKET names
 * one (issue #12's second, independent store). Each gets its own S3 client, closed with `destroy`.
 */
import type { MediaConfig } from '../config.ts';
import { createS3Client, type S3WarningLogger } from '../storage/s3-client.ts';
import type { NamedStore } from './named-stores.ts';

/** The mirror's settings, read when the configuration has them (the mirror's env spec adds them). */
type MirrorSettings = Partial<{
  MEDIA_MIRROR_BUCKET: string;
  MEDIA_MIRROR_ENDPOINT: string;
  MEDIA_MIRROR_REGION: string;
  MEDIA_MIRROR_ACCESS_KEY_ID: string;
  MEDIA_MIRROR_SECRET_ACCESS_KEY: string;
  MEDIA_MIRROR_FORCE_PATH_STYLE: boolean;
}>;

export interface StoreList {
  stores: NamedStore[];
  destroy(): void;
}

export function createNamedStores(config: MediaConfig & MirrorSettings, log?: S3WarningLogger): StoreList {
  const primary = createS3Client(config, log);
  const stores: NamedStore[] = [{ name: 'primary', client: primary, bucket: config.S3_BUCKET, timeoutMs: config.S3_TIMEOUT_MS }];
  if (config.MEDIA_MIRROR_BUCKET) {
    const mirror = createS3Client(
      {
        S3_ENDPOINT: config.MEDIA_MIRROR_ENDPOINT ?? '',
        S3_REGION: config.MEDIA_MIRROR_REGION ?? config.S3_REGION,
        S3_ACCESS_KEY_ID: config.MEDIA_MIRROR_ACCESS_KEY_ID ?? '',
        S3_SECRET_ACCESS_KEY: config.MEDIA_MIRROR_SECRET_ACCESS_KEY ?? '',
        S3_FORCE_PATH_STYLE: config.MEDIA_MIRROR_FORCE_PATH_STYLE ?? true,
        S3_TIMEOUT_MS: config.S3_TIMEOUT_MS,
      },
      log,
    );
    stores.push({ name: 'mirror', client: mirror, bucket: config.MEDIA_MIRROR_BUCKET, timeoutMs: config.S3_TIMEOUT_MS });
  }
  return {
    stores,
    destroy() {
      for (const store of stores) store.client.destroy();
    },
  };
}
