/**
 * The stores an operation covers, by name: the worker's own (storage/media-stores.ts: `primary`
 * always, `mirror` when MEDIA_MIRROR_BUCKET names one), with the timeout every call gets. No
 * operation builds an S3 client of its own.
 */
import type { MediaStores } from './media-stores.ts';
import type { NamedStore } from './named-stores.ts';

export function namedStoresOf(stores: Pick<MediaStores, 'all'>, timeoutMs: number): NamedStore[] {
  return stores.all.map((store) => ({ name: store.name, client: store.client, bucket: store.bucket, timeoutMs }));
}
