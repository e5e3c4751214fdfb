/**
 * The object stores media lives in: the primary bucket and, when configured, the mirror (a second,
 * independent S3 endpoint with its own bucket and credentials). Everything that writes, checks or
 * signs objects takes them from here, so nothing builds an S3 client of its own.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { MediaStoreName } from '@chucar/domain';
import { createS3Client, type S3WarningLogger } from '@chucar/platform/s3';
import type { MediaConfig } from '../config.ts';
import { createObjectStore, type ObjectStore } from './object-store.ts';
import { mirrorS3Settings, primaryS3Settings } from './s3-settings.ts';
import { isStorageUnavailable } from './storage-errors.ts';

export interface MediaStore {
  name: MediaStoreName;
  bucket: string;
  /** Where it is, for people reading a message: the endpoint URL, or AWS S3 and its region. */
  where: string;
  client: S3Client;
  objects: ObjectStore;
}

export interface MediaStores {
  primary: MediaStore;
  /** null when no mirror is configured. */
  mirror: MediaStore | null;
  /** Primary first, then the mirror if any. */
  all: MediaStore[];
  destroy(): void;
}

export function createMediaStores(config: MediaConfig, log?: S3WarningLogger): MediaStores {
  const objectOptions = (bucket: string) => ({ bucket, timeoutMs: config.S3_TIMEOUT_MS });
  const primaryClient = createS3Client(primaryS3Settings(config), log);
  const primary: MediaStore = {
    name: 'primary',
    bucket: config.S3_BUCKET,
    where: config.S3_ENDPOINT || `AWS S3 ${config.S3_REGION}`,
    client: primaryClient,
    objects: createObjectStore(primaryClient, objectOptions(config.S3_BUCKET)),
  };
  const mirrorSettings = mirrorS3Settings(config);
  let mirror: MediaStore | null = null;
  if (mirrorSettings) {
    const client = createS3Client(mirrorSettings, log);
    mirror = {
      name: 'mirror',
      bucket: config.MEDIA_MIRROR_BUCKET,
      where: config.MEDIA_MIRROR_ENDPOINT || `AWS S3 ${config.MEDIA_MIRROR_REGION}`,
      client,
      objects: createObjectStore(client, objectOptions(config.MEDIA_MIRROR_BUCKET)),
    };
  }
  return {
    primary,
    mirror,
    all: mirror ? [primary, mirror] : [primary],
    destroy() {
      primary.client.destroy();
      mirror?.client.destroy();
    },
  };
}

/**
 * Whether to try the mirror now. A mirror outage must never slow the primary path: after an
 * unavailable error, writes skip the mirror for `pauseMs`, then one tries again (the catch-up
 * copies what they skipped).
 */
export interface MirrorGate {
  readonly open: boolean;
  recordFailure(error: unknown): void;
  recordSuccess(): void;
}

export function createMirrorGate(pauseMs = 5000, now: () => number = Date.now): MirrorGate {
  let closedUntil = 0;
  return {
    get open() {
      return now() >= closedUntil;
    },
    recordFailure(error) {
      if (isStorageUnavailable(error)) closedUntil = now() + pauseMs;
    },
    recordSuccess() {
      closedUntil = 0;
    },
  };
}
