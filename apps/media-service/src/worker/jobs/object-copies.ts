/**
 * Writing one object to every store: the primary must take it (its errors are the job's), the
 * mirror is written at the same time on a best-effort basis (an outage or a mismatch there is
 * logged and left to the catch-up, never slowing or failing the primary path). Each copy that
 * verified is recorded, which is what the scrubber and the catch-up work from.
 */
import type { VerifiedCopy } from '@chucar/domain';
import { TimeoutError, withTimeout } from '@chucar/platform';
import { readCheckedFile, type ObjectSource, type PutOptions } from '../../storage/object-store.ts';
import { StoredObjectMismatchError } from '../../storage/storage-errors.ts';
import type { JobContext } from './job-context.ts';

export interface ObjectToStore {
  mediaId: string;
  key: string;
  source: ObjectSource;
  put: PutOptions;
  sizeBytes: number;
  /** An earlier attempt may have left it: HEAD first and send only if it is absent or differs. */
  mayExist: boolean;
}

export interface StoredEverywhere {
  /** Whether the primary had to be sent the bytes (false: it already held them, verified). */
  sentToPrimary: boolean;
  copies: VerifiedCopy[];
}

/** Up to this size a spooled file is read and hashed once for every store; larger ones stream to each. */
const readOnceMaxBytes = 16 * 1024 * 1024;

/**
 * The bytes to send, read from the spool at most once and only when a store needs them (a retry
 * that finds every store holding the object reads nothing, even with the spool copy gone).
 */
function sourceReader(object: ObjectToStore): () => Promise<ObjectSource> {
  const { source } = object;
  if (!('path' in source) || object.sizeBytes > readOnceMaxBytes) return () => Promise.resolve(source);
  let loaded: Promise<ObjectSource> | undefined;
  return () => (loaded ??= readCheckedFile(source.path, object.put.sha256));
}

export async function storeInEveryStore(context: JobContext, object: ObjectToStore): Promise<StoredEverywhere> {
  const copyOf = (store: VerifiedCopy['store']): VerifiedCopy => ({ store, objectKey: object.key, mediaId: object.mediaId, sha256: object.put.sha256, sizeBytes: object.sizeBytes });
  const source = sourceReader(object);
  const mirror = context.mirror;
  const mirrorWrite =
    mirror && mirror.gate.open
      ? (async () => {
          try {
            if (!object.mayExist || !(await alreadyThere(mirror.objects.verifyStoredObject.bind(mirror.objects), object))) {
              await mirror.objects.putVerified(object.key, await source(), object.put);
            }
            mirror.gate.recordSuccess();
            return copyOf('mirror');
          } catch (error) {
            mirror.gate.recordFailure(error);
            context.log.warn({ err: error, key: object.key }, 'mirror write failed; the catch-up copies it later');
            return null;
          }
        })()
      : Promise.resolve(null);
  let sentToPrimary = false;
  try {
    if (!object.mayExist || !(await alreadyThere(context.objects.verifyStoredObject.bind(context.objects), object))) {
      await context.objects.putVerified(object.key, await source(), object.put);
      sentToPrimary = true;
    }
  } catch (error) {
    // The job fails on the primary's error; the mirror's write ends on its own (and is logged).
    void mirrorWrite;
    throw error;
  }
  // A slow mirror gets a short grace after the primary is done, then finishes (and records its
  // copy) in the background: the upload is safe once the primary verified it.
  const settled = await withTimeout(mirrorWrite, mirrorGraceMs, 'the mirror write').then(
    (copy) => ({ copy }),
    (error: unknown) => {
      if (error instanceof TimeoutError) return null;
      throw error;
    },
  );
  if (settled === null) {
    void mirrorWrite.then((copy) => (copy ? recordCopies(context, [copy]) : undefined)).catch((error: unknown) => context.log.warn({ err: error, key: object.key }, 'could not record the mirror copy; the catch-up will'));
    return { sentToPrimary, copies: [copyOf('primary')] };
  }
  return { sentToPrimary, copies: settled.copy ? [copyOf('primary'), settled.copy] : [copyOf('primary')] };
}

/** How long the primary path waits for a slower mirror before leaving it to finish in the background. */
const mirrorGraceMs = 2000;

/** Records verified copies; a job without a ledger (some tests) records nothing. */
export async function recordCopies(context: JobContext, copies: readonly VerifiedCopy[]): Promise<void> {
  if (!context.integrity || copies.length === 0) return;
  const at = context.now();
  await context.integrity.write(async (integrity) => {
    for (const copy of copies) await integrity.recordCopy(copy, at, false);
  });
}

async function alreadyThere(verify: (key: string, expected: { sizeBytes: number; sha256: string }) => Promise<'verified' | 'missing'>, object: ObjectToStore): Promise<boolean> {
  try {
    return (await verify(object.key, { sizeBytes: object.sizeBytes, sha256: object.put.sha256 })) === 'verified';
  } catch (error) {
    // A different object under the key (an interrupted earlier attempt): the put overwrites it.
    if (error instanceof StoredObjectMismatchError) return false;
    throw error;
  }
}
