/**
 * The object stores an operation covers, each by name ("primary", "mirror"): the orphan sweep and
 * the storage monitor take a list, so a second store is one more entry, not a second code path.
 * Every call has its own timeout.
 */
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

export interface NamedStore {
  name: string;
  client: S3Client;
  bucket: string;
  timeoutMs: number;
}

export interface ListedObject {
  key: string;
  sizeBytes: number;
  lastModified: Date;
  etag: string | null;
}

export interface HeadedObject {
  sizeBytes: number;
  etag: string | null;
  metadata: Record<string, string>;
}

const signal = (store: NamedStore) => ({ abortSignal: AbortSignal.timeout(store.timeoutMs) });

/**
 * Every object under `prefix`, a page (up to 1000) at a time. ListObjects (v1) with the last key as
 * the marker: s3rver, the local stack's S3, fails every truncated ListObjectsV2 on Node 24 (its
 * continuation token uses DES, which OpenSSL 3 no longer offers), and S3 and MinIO answer both.
 */
export async function* listObjectPages(store: NamedStore, prefix: string): AsyncGenerator<ListedObject[]> {
  let marker: string | undefined;
  for (;;) {
    const page = await store.client.send(new ListObjectsCommand({ Bucket: store.bucket, Prefix: prefix, Marker: marker }), signal(store));
    const objects: ListedObject[] = [];
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined) continue;
      objects.push({ key: object.Key, sizeBytes: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0), etag: object.ETag ?? null });
    }
    yield objects;
    const last = page.NextMarker ?? objects.at(-1)?.key;
    if (!page.IsTruncated || last === undefined) return;
    marker = last;
  }
}

export async function headObject(store: NamedStore, key: string): Promise<HeadedObject | null> {
  try {
    const found = await store.client.send(new HeadObjectCommand({ Bucket: store.bucket, Key: key }), signal(store));
    return { sizeBytes: found.ContentLength ?? 0, etag: found.ETag ?? null, metadata: found.Metadata ?? {} };
  } catch (error) {
    const shape = error as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
    if (shape?.name === 'NotFound' || shape?.name === 'NoSuchKey' || shape?.$metadata?.httpStatusCode === 404) return null;
    throw error;
  }
}

/** A server-side copy within the store, metadata kept. */
export async function copyObject(store: NamedStore, from: string, to: string): Promise<void> {
  const source = `${store.bucket}/${from.split('/').map(encodeURIComponent).join('/')}`;
  await store.client.send(new CopyObjectCommand({ Bucket: store.bucket, Key: to, CopySource: source, MetadataDirective: 'COPY' }), signal(store));
}

export async function deleteObject(store: NamedStore, key: string): Promise<void> {
  await store.client.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: key }), signal(store));
}

export async function probeStore(store: NamedStore, abortSignal?: AbortSignal): Promise<void> {
  await store.client.send(new HeadBucketCommand({ Bucket: store.bucket }), { abortSignal: abortSignal ?? AbortSignal.timeout(store.timeoutMs) });
}
