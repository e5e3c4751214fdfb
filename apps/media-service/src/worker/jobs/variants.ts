/**
 * `variants`: previews of a stored image, each put and verified like the original, then recorded
 * as media_variants rows in one transaction with the variants status. A preview that cannot be
 * made marks the variants `failed` with the reason; the original stays stored and usable.
 */
import { VARIANT_CONTENT_TYPE, variantObjectKey, type Media, type NewMediaVariant, type VerifiedCopy } from '@chucar/domain';
import { ContentMismatchError, hashedBytes, readCheckedFile } from '../../storage/object-store.ts';
import { StorageUnavailableError } from '../../storage/storage-errors.ts';
import { ImageUnusableError, renderVariants } from '../images/image-variants.ts';
import type { JobContext, JobOutcome, MediaJobOf } from './job-context.ts';
import { recordCopies, storeInEveryStore } from './object-copies.ts';

export async function makeVariants(job: MediaJobOf<'variants'>, context: JobContext): Promise<JobOutcome> {
  const { mediaId } = job.data;
  const { rows, log } = context;
  const media = await rows.read.findById(mediaId);
  if (!media) return 'no-row';
  if (media.variantsStatus !== 'pending') return `already-${media.variantsStatus}`;
  // `store` adds this job again once the original is stored; previews come from verified bytes only.
  if (media.status !== 'stored') return `original-${media.status}`;

  try {
    const original = await readOriginal(context, media);
    const rendered = await renderVariants(original, media.contentType, { maxPixels: context.settings.maxPixels });
    const copies: VerifiedCopy[] = [];
    const variants: NewMediaVariant[] = await Promise.all(
      rendered.variants.map(async ({ name, bytes, width, height }) => {
        const objectKey = variantObjectKey(mediaId, name);
        // Hashed once here; every store is sent these bytes under that SHA-256 without hashing them again.
        const source = hashedBytes(bytes);
        const sha256 = source.sha256;
        const put = { sha256, contentType: VARIANT_CONTENT_TYPE, metadata: { 'media-id': mediaId } };
        // Made afresh each time, so never "already there": every store gets these bytes.
        const stored = await storeInEveryStore(context, { mediaId, key: objectKey, source, put, sizeBytes: bytes.length, mayExist: false });
        copies.push(...stored.copies);
        return { mediaId, name, objectKey, contentType: VARIANT_CONTENT_TYPE, sizeBytes: bytes.length, sha256, width, height };
      }),
    );
    await rows.write(async (repository) => {
      const now = context.now();
      for (const variant of variants) await repository.recordVariant(variant, now);
      if (media.width === null || media.height === null) await repository.setDimensions(mediaId, { width: rendered.width, height: rendered.height }, now);
      await repository.markVariantsReady(mediaId, now);
    });
    await recordCopies(context, copies);
    log.info({ mediaId, variants: variants.map(({ name, width, height, sizeBytes }) => ({ name, width, height, sizeBytes })) }, 'previews stored and verified');
    return 'ready';
  } catch (error) {
    if (error instanceof StorageUnavailableError) throw error;
    const lastAttempt = job.attemptsMade + 1 >= job.maxAttempts;
    if (!(error instanceof ImageUnusableError) && !lastAttempt) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    await rows.write((repository) => repository.markVariantsFailed(mediaId, `previews: ${reason}`, context.now()));
    log.warn({ err: error, mediaId }, 'no previews for this media; the original stays stored');
    return 'failed';
  }
}

/** The spool copy while it is kept (and intact), else the stored original from S3 (the mirror if the primary fails). */
async function readOriginal(context: JobContext, media: Media): Promise<Buffer> {
  try {
    return (await readCheckedFile(context.spool.objectPath(media.id), media.sha256)).checked;
  } catch (error) {
    if (error instanceof ContentMismatchError) context.log.warn({ mediaId: media.id }, 'spool copy differs from the accepted upload; reading the stored original');
    else if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const expected = { sizeBytes: media.sizeBytes, sha256: media.sha256 };
  try {
    return (await context.objects.getVerified(media.originalKey, expected)).checked;
  } catch (error) {
    // The primary lost or changed it (the scrubber will put it back): the mirror's copy will do.
    if (!context.mirror) throw error;
    context.log.warn({ err: error, mediaId: media.id }, 'original unreadable in the primary; reading the mirror');
    return (await context.mirror.objects.getVerified(media.originalKey, expected)).checked;
  }
}
