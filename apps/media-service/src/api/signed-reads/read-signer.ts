/**
 * The media API's URL signer: the primary's, or with a mirror configured, one that falls back to
 * the mirror when the primary errors or lacks the object. URLs are signed for the public endpoints
 * (a URL naming an internal host is useless to a phone).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client, type S3ClientSettings } from '@chucar/platform/s3';
import type { MediaConfig } from '../../config.ts';
import { createObjectStore } from '../../storage/object-store.ts';
import { mirrorS3Settings, primaryS3Settings } from '../../storage/s3-settings.ts';
import { createFallbackSigner, createUrlSigner, type UrlSigner } from './signed-urls.ts';

export interface ReadSigner {
  signer: UrlSigner;
  /** Closes the clients it made (not the one it was given). */
  destroy(): void;
}

export function createReadSigner(config: MediaConfig, primaryClient: S3Client, log?: { warn(details: object, message: string): void }): ReadSigner {
  const made: S3Client[] = [];
  const client = (settings: S3ClientSettings) => {
    const created = createS3Client(settings);
    made.push(created);
    return created;
  };
  const primarySigning = config.S3_PUBLIC_ENDPOINT ? client({ ...primaryS3Settings(config), endpoint: config.S3_PUBLIC_ENDPOINT }) : primaryClient;
  const primary = createUrlSigner(primarySigning, config.S3_BUCKET, config.MEDIA_SIGNED_URL_TTL_S);
  const destroy = () => made.forEach((each) => each.destroy());
  const mirrorSettings = mirrorS3Settings(config, config.MEDIA_MIRROR_PUBLIC_ENDPOINT || config.MEDIA_MIRROR_ENDPOINT);
  if (!mirrorSettings) return { signer: primary, destroy };

  const mirrorSigning = client(mirrorSettings);
  const mirror = createUrlSigner(mirrorSigning, config.MEDIA_MIRROR_BUCKET, config.MEDIA_SIGNED_URL_TTL_S);
  // Bounded by the short timeout, a retry included: this check sits in a reader's request.
  const checkTimeoutMs = config.MEDIA_READ_FALLBACK_TIMEOUT_MS;
  const checkClient = client({ ...primaryS3Settings(config), timeoutMs: checkTimeoutMs });
  const checks = createObjectStore(checkClient, { bucket: config.S3_BUCKET, timeoutMs: checkTimeoutMs });
  const signer = createFallbackSigner(
    primary,
    mirror,
    { primaryHolds: async (key) => (await checks.inspectObject(key)) !== null },
    { onFallback: (key, reason) => log?.warn({ key, reason }, 'signed read falls back to the mirror') },
  );
  return { signer, destroy };
}
