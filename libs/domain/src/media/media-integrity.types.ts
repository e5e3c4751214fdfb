/**
 * The integrity vocabulary of media: where a stored object lives, what the scrubber
 * can find wrong with it, and how each incident ended. Kept apart from media.types.ts, which is
 * about uploads.
 */

/** The two independent S3 stores; `mirror` exists only when one is configured. */
export const MEDIA_STORES = ['primary', 'mirror'] as const;
export type MediaStoreName = (typeof MEDIA_STORES)[number];

/** `head`: existence, size and the SHA-256 in metadata; `full`: the bytes re-read and hashed. */
export const SCRUB_PASSES = ['head', 'full'] as const;
export type ScrubPass = (typeof SCRUB_PASSES)[number];

/** `missing`: no object; `size`: another length; `changed`: same length, other bytes (or metadata). */
export const INCIDENT_KINDS = ['missing', 'changed', 'size'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** Where a good copy came from; `regenerated`: a preview made again from the verified original. */
export const REPAIR_SOURCES = ['spool', 'primary', 'mirror', 'regenerated'] as const;
export type RepairSource = (typeof REPAIR_SOURCES)[number];

/** `open`: not repaired yet (the store to write was down); `unrepairable`: no good copy anywhere. */
export const INCIDENT_OUTCOMES = ['open', 'repaired', 'unrepairable'] as const;
export type IncidentOutcome = (typeof INCIDENT_OUTCOMES)[number];

export const INCIDENT_DETAIL_MAX_LENGTH = 500;

/** One object in one store as last seen good. */
export type ObjectCopy = {
  store: MediaStoreName;
  objectKey: string;
  mediaId: string;
  sha256: string;
  sizeBytes: number;
  /** When this store first (or, after a repair, last) received the object. */
  storedAt: Date;
  /** Last HEAD that showed the expected size and SHA-256 metadata. */
  verifiedAt: Date;
  /** Last full re-read whose SHA-256 matched; null until the rolling pass reaches it. */
  rehashedAt: Date | null;
};

/** An object a stored media must have (its original, or a preview), as the database knows it. */
export type ExpectedObject = {
  mediaId: string;
  objectKey: string;
  sha256: string;
  sizeBytes: number;
  contentType: string;
  /** `original` can come back from the spool; a `variant` can be made again from the original. */
  role: 'original' | 'variant';
};

export type MediaIncident = {
  id: number;
  mediaId: string;
  objectKey: string;
  store: MediaStoreName;
  kind: IncidentKind;
  pass: ScrubPass;
  lastVerifiedGoodAt: Date | null;
  detectedAt: Date;
  repairedAt: Date | null;
  repairedFrom: RepairSource | null;
  outcome: IncidentOutcome;
  detail: string | null;
};

export type NewIncident = Omit<MediaIncident, 'id' | 'repairedAt' | 'repairedFrom' | 'outcome'>;
