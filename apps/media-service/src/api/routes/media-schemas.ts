/** Response and parameter schemas of the media routes: they validate, serialise and type the handlers. */
import { Type, type Static } from 'typebox';
import { MEDIA_CONTENT_TYPES, MEDIA_KINDS, MEDIA_STATUSES, VARIANTS_STATUSES, type Media, type MediaForViewer } from '@chucar/domain';
import type { UrlSigner } from '../signed-reads/signed-urls.ts';

const literals = <const T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
/** Services return Date objects, which the serializer writes as ISO 8601. */
const DateTime = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });

export const MediaIdParams = Type.Object(
  { id: Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', description: 'a media id (lower-case UUID)' }) },
  { additionalProperties: false },
);

/** What an accepted upload answers (POST /v1/media and the last PATCH of a resumable upload). */
export const AcceptedMedia = Type.Object({
  id: Type.String(),
  status: literals(MEDIA_STATUSES),
  sizeBytes: Type.Integer(),
  sha256: Type.String(),
  contentType: literals(MEDIA_CONTENT_TYPES),
  kind: literals(MEDIA_KINDS),
  createdAt: DateTime,
});
export type AcceptedMedia = Static<typeof AcceptedMedia>;

const SignedUrl = Type.Object({ url: Type.String(), expiresAt: DateTime });

export const MediaView = Type.Object({
  id: Type.String(),
  ownerId: Type.Integer(),
  status: literals(MEDIA_STATUSES),
  kind: literals(MEDIA_KINDS),
  contentType: literals(MEDIA_CONTENT_TYPES),
  sizeBytes: Type.Integer(),
  sha256: Type.String(),
  width: Type.Union([Type.Integer(), Type.Null()]),
  height: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: DateTime,
  storedAt: Type.Union([DateTime, Type.Null()]),
  variantsStatus: literals(VARIANTS_STATUSES),
  original: Type.Union([SignedUrl, Type.Null()], { description: 'owner and admins only, once stored' }),
  variants: Type.Array(Type.Object({ name: Type.String(), width: Type.Integer(), height: Type.Integer(), url: Type.String(), expiresAt: DateTime })),
});
export type MediaView = Static<typeof MediaView>;

export function acceptedMedia(media: Media): AcceptedMedia {
  const { id, status, sizeBytes, sha256, contentType, kind, createdAt } = media;
  return { id, status, sizeBytes, sha256, contentType, kind, createdAt };
}

/** The original is in S3 only once stored; before that there is nothing to sign. */
export async function mediaView({ media, originalVisible, variants }: MediaForViewer, signer: UrlSigner): Promise<MediaView> {
  const now = new Date();
  return {
    id: media.id,
    ownerId: media.ownerId,
    status: media.status,
    kind: media.kind,
    contentType: media.contentType,
    sizeBytes: media.sizeBytes,
    sha256: media.sha256,
    width: media.width,
    height: media.height,
    createdAt: media.createdAt,
    storedAt: media.storedAt,
    variantsStatus: media.variantsStatus,
    original: originalVisible && media.status === 'stored' ? await signer.signGet(media.originalKey, now) : null,
    variants: await Promise.all(
      variants.map(async (variant) => ({ name: variant.name, width: variant.width, height: variant.height, ...(await signer.signGet(variant.objectKey, now)) })),
    ),
  };
}
