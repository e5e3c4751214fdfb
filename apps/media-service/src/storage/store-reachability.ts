/**
 * Whether an operator command can reach every store it is configured for, asked once before it
 * starts. Without it, a store that does not answer shows up late and vaguely: as a pass that
 * "checked" nothing because it had nothing to check, or a listing error halfway through a sweep.
 * One HeadBucket per store, all at once, each within the worker's probe timeout.
 */
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import type { MediaConfig } from '../config.ts';
import type { MediaStore } from './media-stores.ts';

export class StoreUnreachableError extends Error {
  override readonly name = 'StoreUnreachableError';
  /** The stores that did not answer, by name. */
  readonly stores: readonly string[];
  constructor(message: string, stores: readonly string[]) {
    super(message);
    this.stores = stores;
  }
}

/**
 * How long a store gets to answer a bucket probe: the worker's storage monitor and the commands
 * use the same bound, so a command never calls down a store the worker calls up.
 */
export function storeProbeTimeoutMs(config: Pick<MediaConfig, 'S3_TIMEOUT_MS'>): number {
  return Math.min(config.S3_TIMEOUT_MS, 10_000);
}

/** Resolves when every store answers; otherwise throws one line naming each store that did not, and why. */
export async function assertStoresReachable(stores: readonly Pick<MediaStore, 'name' | 'bucket' | 'where' | 'client'>[], timeoutMs: number): Promise<void> {
  const failures = await Promise.all(
    stores.map(async (store) => {
      try {
        await store.client.send(new HeadBucketCommand({ Bucket: store.bucket }), { abortSignal: AbortSignal.timeout(timeoutMs) });
        return null;
      } catch (error) {
        return { name: store.name, line: `the ${store.name} store (bucket ${store.bucket} at ${store.where}) ${whyUnreachable(error, timeoutMs)}` };
      }
    }),
  );
  const unreachable = failures.filter((failure) => failure !== null);
  if (unreachable.length > 0) {
    throw new StoreUnreachableError(
      unreachable.map((failure) => failure.line).join('; '),
      unreachable.map((failure) => failure.name),
    );
  }
}

function whyUnreachable(error: unknown, timeoutMs: number): string {
  const shape = error as { name?: unknown; message?: unknown; code?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  const name = typeof shape?.name === 'string' ? shape.name : '';
  const status = shape?.$metadata?.httpStatusCode;
  if (name === 'AbortError' || name === 'TimeoutError') return `did not answer within ${timeoutMs} ms`;
  // HEAD answers carry no body, so the SDK can only name the status.
  if (status === 404 || name === 'NotFound' || name === 'NoSuchBucket') return 'answers, but has no such bucket';
  if (status === 403 || name === 'Forbidden' || name === 'AccessDenied') return 'answers, but refuses these credentials (403)';
  const message = typeof shape?.message === 'string' && shape.message !== '' ? shape.message : String(error);
  const detail = typeof status === 'number' ? `HTTP ${status}${name ? ` ${name}` : ''}` : message;
  return `did not answer: ${detail.split('\n')[0]!.slice(0, 200)}`;
}
