import type { Actor } from '../actor.ts';
import { requireActiveDealer, requireRole } from '../access.ts';
import type { Clock } from '../clock.ts';
import { ConflictError, IssueCollector, NotFoundError } from '../errors.ts';
import type { QuoteRequest } from '../quote-requests/quote-requests.types.ts';
import type { ReadRunner, Repositories, WriteRunner } from '../repositories.ts';
import type { RegisterOutcome } from './media.repository.ts';
import { canDelete, canSeeOriginal, canSeeVariants } from './media.rules.ts';
import type { MediaViewContext } from './media.rules.ts';
import { SHA256_HEX_LENGTH, isMediaContentType } from './media.types.ts';
import type { Media, MediaVariant } from './media.types.ts';

export type MediaServiceDeps = { reads: ReadRunner; writes: WriteRunner; clock: Clock };

/** What a caller may see of one media; the media service turns it into signed URLs. */
export type MediaForViewer = {
  media: Media;
  /** The caller may read the original (a URL is worth signing once the media is stored). */
  originalVisible: boolean;
  /** The previews stored so far, smallest first; everyone who sees the media sees these. */
  variants: MediaVariant[];
};

/** What intake measured and sniffed, once the bytes are fsynced on the spool under `id`. */
export type UploadedMedia = {
  id: string;
  sha256: string;
  sizeBytes: number;
  contentType: string;
  width?: number | null;
  height?: number | null;
};

/**
 * `created`: keep the spool file and enqueue `store`. `existing`: the owner already had these
 * bytes; drop the new spool file and answer with `media`. `revived`: the owner had deleted them
 * (or the scrubber had found them lost); the row is back, stored if its objects still are, else
 * spooled under its old id so that the new spool copy is stored afresh.
 */
export type RegisteredUpload = { media: Media; outcome: RegisterOutcome };

export type MediaService = {
  /** 404 when the media is unknown, deleted, or outside the caller's view. */
  getMediaForViewer(actor: Actor, mediaId: string): Promise<MediaForViewer>;
  /** Soft delete by the owner; 409 `media_attached` while a quote request shows it. */
  deleteMedia(actor: Actor, mediaId: string): Promise<Media>;
  /** Records an accepted upload for its owner, deduplicated by content. */
  registerUpload(actor: Actor, upload: UploadedMedia): Promise<RegisteredUpload>;
};

/**
 * The media service makes ids with randomUUID(); object keys are built from them, so nothing else is
 * accepted. A pattern source, so that JSON schemas use the same one as `isMediaId`.
 */
export const MEDIA_ID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
const mediaIdRegExp = new RegExp(MEDIA_ID_PATTERN);
const SHA256_PATTERN = new RegExp(`^[0-9a-f]{${SHA256_HEX_LENGTH}}$`);

export function isMediaId(value: string): boolean {
  return mediaIdRegExp.test(value);
}

export function createMediaService({ reads, writes, clock }: MediaServiceDeps): MediaService {
  /** Dealers see media through the requests it is attached to; nobody else needs them loaded. */
  async function viewContext(repos: Repositories, actor: Actor, media: Media, now: Date): Promise<MediaViewContext> {
    if (actor.role !== 'dealer') return { now, attachedRequests: [] };
    const profile = await requireActiveDealer(actor, repos.accounts);
    const attachedRequests: QuoteRequest[] = [];
    const quotedRequestIds = new Set<number>();
    for (const requestId of await repos.media.listAttachedRequestIds(media.id)) {
      const request = await repos.quoteRequests.findById(requestId);
      if (!request) continue;
      attachedRequests.push(request);
      if (await repos.quotes.findByRequestAndDealer(requestId, profile.id)) quotedRequestIds.add(requestId);
    }
    return { now, attachedRequests, dealer: { profile, quotedRequestIds } };
  }

  return {
    getMediaForViewer: (actor, mediaId) =>
      reads.run(async (repos) => {
        const media = await repos.media.findById(mediaId);
        if (!media) throw new NotFoundError('media', mediaId);
        const context = await viewContext(repos, actor, media, clock.now());
        // Media outside the caller's view is reported missing, so ids reveal nothing.
        if (!canSeeVariants(actor, media, context)) throw new NotFoundError('media', mediaId);
        return { media, originalVisible: canSeeOriginal(actor, media), variants: await repos.media.listVariants(media.id) };
      }),

    async deleteMedia(actor, mediaId) {
      requireRole(actor, 'customer');
      return writes.transaction(async (repos) => {
        // Locked first, so a request being created with this media attached commits before we look.
        const media = await repos.media.findByIdForUpdate(mediaId);
        if (!media || media.ownerId !== actor.accountId || media.status === 'deleted') throw new NotFoundError('media', mediaId);
        if (!canDelete(actor, media, await repos.media.isAttached(mediaId))) {
          throw new ConflictError('the media is attached to a quote request', 'media_attached');
        }
        const now = clock.now();
        await repos.media.markDeleted(mediaId, now);
        return { ...media, status: 'deleted', deletedAt: now, updatedAt: now };
      });
    },

    async registerUpload(actor, upload) {
      requireRole(actor, 'customer');
      const contentType = validateUpload(upload);
      return writes.transaction(async (repos) => {
        const now = clock.now();
        const { media, created } = await repos.media.insert({ ...upload, contentType, ownerId: actor.accountId }, now);
        if (created) return { media, outcome: 'created' };
        // A deleted media comes back; so does a lost one, whose original this upload brings back.
        if (media.status !== 'deleted' && media.status !== 'lost') return { media, outcome: 'existing' };
        await repos.media.revive(media.id, now);
        const revived = await repos.media.findById(media.id);
        if (!revived) throw new NotFoundError('media', media.id);
        return { media: revived, outcome: 'revived' };
      });
    },
  };
}

function validateUpload(upload: UploadedMedia) {
  const issues = new IssueCollector();
  issues.check(isMediaId(upload.id), 'id', 'must be a lower-case UUID');
  issues.check(SHA256_PATTERN.test(upload.sha256), 'sha256', `must be ${SHA256_HEX_LENGTH} lower-case hex digits`);
  issues.check(Number.isSafeInteger(upload.sizeBytes) && upload.sizeBytes > 0, 'sizeBytes', 'must be a whole number above 0');
  for (const field of ['width', 'height'] as const) {
    const value = upload[field];
    issues.check(value == null || (Number.isSafeInteger(value) && value > 0), field, 'must be a whole number above 0');
  }
  const contentType = isMediaContentType(upload.contentType) ? upload.contentType : undefined;
  issues.check(contentType !== undefined, 'contentType', 'is not a media type we accept');
  issues.throwIfAny();
  if (!contentType) throw new Error('unreachable: validated above');
  return contentType;
}
