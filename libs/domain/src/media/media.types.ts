/**
 * The media context's vocabulary: what an accepted upload is, its previews, and the limits the
 * media service enforces at intake. The row is the source of truth; S3 and the queue follow it.
 */

/**
 * `spooled`: accepted and fsynced on the spool, not yet in S3. `lost`: stored once, then neither
 * store nor the spool could give the original back (the scrubber's last word, never silent).
 */
export const MEDIA_STATUSES = ['spooled', 'stored', 'failed', 'deleted', 'lost'] as const;
export type MediaStatus = (typeof MEDIA_STATUSES)[number];

export const MEDIA_KINDS = ['image', 'document'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** Documents never get previews, so they stay `none`; images start `pending`. */
export const VARIANTS_STATUSES = ['none', 'pending', 'ready', 'failed'] as const;
export type VariantsStatus = (typeof VARIANTS_STATUSES)[number];

/** The types the media service accepts, as sniffed from the bytes (never the client's header). */
export const IMAGE_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif', 'image/avif'] as const;
export const DOCUMENT_CONTENT_TYPES = ['application/pdf'] as const;
export const MEDIA_CONTENT_TYPES = [...IMAGE_CONTENT_TYPES, ...DOCUMENT_CONTENT_TYPES] as const;
export type MediaContentType = (typeof MEDIA_CONTENT_TYPES)[number];

/** The previews made of every image, by their longest useful width in pixels. */
export const VARIANT_WIDTHS = { w320: 320, w1280: 1280 } as const;
export type VariantName = keyof typeof VARIANT_WIDTHS;
export const VARIANT_NAMES = Object.keys(VARIANT_WIDTHS) as VariantName[];
export const VARIANT_CONTENT_TYPE = 'image/webp';

/** Intake limits: the defaults of the media service's configuration. */
export const DEFAULT_MEDIA_MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
/** Decompression bombs: a small file that decodes to more pixels than this is refused (422). */
export const MEDIA_MAX_PIXELS = 100_000_000;
export const FAILURE_REASON_MAX_LENGTH = 500;
export const SHA256_HEX_LENGTH = 64;

export type Media = {
  id: string;
  ownerId: number;
  /** Hex SHA-256 of the original bytes. */
  sha256: string;
  sizeBytes: number;
  contentType: MediaContentType;
  kind: MediaKind;
  status: MediaStatus;
  variantsStatus: VariantsStatus;
  failureReason: string | null;
  storeAttempts: number;
  originalKey: string;
  width: number | null;
  height: number | null;
  createdAt: Date;
  updatedAt: Date;
  storedAt: Date | null;
  verifiedAt: Date | null;
  deletedAt: Date | null;
  /** When the scrubber found the original gone from everywhere (status `lost`). */
  lostAt: Date | null;
  /** When a deleted media's objects were removed from the stores, after the retention window. */
  purgedAt: Date | null;
};

export type MediaVariant = {
  mediaId: string;
  name: VariantName;
  objectKey: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  width: number;
  height: number;
  storedAt: Date;
};

/** What intake knows about an upload once it is fsynced on the spool. */
export type NewMedia = {
  id: string;
  ownerId: number;
  sha256: string;
  sizeBytes: number;
  contentType: MediaContentType;
  width?: number | null;
  height?: number | null;
};

/** A variant once written and verified in S3. */
export type NewMediaVariant = Omit<MediaVariant, 'storedAt'>;

/** Object keys come from the media id only: never from a client filename. */
export function originalObjectKey(mediaId: string): string {
  return `originals/${mediaId}`;
}

export function variantObjectKey(mediaId: string, name: VariantName): string {
  return `variants/${mediaId}/${name}.webp`;
}

export function mediaKindOf(contentType: MediaContentType): MediaKind {
  return (DOCUMENT_CONTENT_TYPES as readonly string[]).includes(contentType) ? 'document' : 'image';
}

export function isMediaContentType(value: string): value is MediaContentType {
  return (MEDIA_CONTENT_TYPES as readonly string[]).includes(value);
}
