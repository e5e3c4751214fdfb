/** What the media service answers, and the gateway forwards and documents unchanged. */
import { Type, type Static } from 'typebox';
import { MEDIA_CONTENT_TYPES, MEDIA_ID_PATTERN, MEDIA_KINDS, MEDIA_STATUSES, VARIANT_NAMES, VARIANTS_STATUSES } from '@chucar/domain';
import { DateTime, literals } from './literals.ts';

export const MediaId = Type.String({ pattern: MEDIA_ID_PATTERN, description: 'A media id (a lower-case UUID)' });
export const MediaIdParams = Type.Object({ id: MediaId }, { additionalProperties: false });

export const MediaStatus = literals(MEDIA_STATUSES);
export const MediaKind = literals(MEDIA_KINDS);
export const MediaContentType = literals(MEDIA_CONTENT_TYPES);
export const VariantsStatus = literals(VARIANTS_STATUSES);
export const VariantName = literals(VARIANT_NAMES);

/** What an accepted upload answers: `POST /v1/media`, and the last PATCH of a resumable upload. */
export const AcceptedMedia = Type.Object(
  {
    id: Type.String({ description: 'The media id; attach it to a quote request with `attachmentIds`' }),
    status: MediaStatus,
    sizeBytes: Type.Integer(),
    sha256: Type.String({ description: 'Hex SHA-256 of the bytes received' }),
    contentType: MediaContentType,
    kind: MediaKind,
    createdAt: DateTime,
  },
  { description: 'An upload safely on the media service’s disk (`spooled`); storage and previews follow in the background.' },
);
export type AcceptedMedia = Static<typeof AcceptedMedia>;

export const SignedUrl = Type.Object({ url: Type.String({ description: 'A signed GET URL; the bucket itself is private' }), expiresAt: DateTime });
export type SignedUrl = Static<typeof SignedUrl>;

/** `GET /v1/media/:id`: one media as its viewer may see it, with short-lived signed URLs. */
export const MediaView = Type.Object({
  id: Type.String(),
  ownerId: Type.Integer(),
  status: MediaStatus,
  kind: MediaKind,
  contentType: MediaContentType,
  sizeBytes: Type.Integer(),
  sha256: Type.String(),
  width: Type.Union([Type.Integer(), Type.Null()]),
  height: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: DateTime,
  storedAt: Type.Union([DateTime, Type.Null()]),
  variantsStatus: VariantsStatus,
  original: Type.Union([SignedUrl, Type.Null()], { description: 'The original file: for its owner and admins only, once stored' }),
  variants: Type.Array(
    Type.Object({ name: VariantName, width: Type.Integer(), height: Type.Integer(), url: Type.String(), expiresAt: DateTime }),
    { description: 'WebP previews 320 and 1280 px wide, upright and without any metadata (no GPS), once made' },
  ),
});
export type MediaView = Static<typeof MediaView>;
