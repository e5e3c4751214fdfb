import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface SignedUrl {
  url: string;
  expiresAt: Date;
}

export interface UrlSigner {
  /** A GET URL for one object that works for `ttlSeconds`, without making the bucket public. */
  signGet(key: string, now?: Date): Promise<SignedUrl>;
}

/** Signing is local (an HMAC over the request): it makes no call to S3, so it works while S3 is down. */
export function createUrlSigner(s3: S3Client, bucket: string, ttlSeconds: number): UrlSigner {
  return {
    async signGet(key, now = new Date()) {
      const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: ttlSeconds, signingDate: now });
      return { url, expiresAt: new Date(now.getTime() + ttlSeconds * 1000) };
    },
  };
}

export interface ReadFallback {
  /** Whether the primary holds the object right now: a HEAD within the short timeout. */
  primaryHolds(key: string): Promise<boolean>;
}

/**
 * Signs for the primary while it holds the object, else for the mirror: a primary that errors,
 * does not answer within the short check, or lacks the object (wiped, or not repaired yet) still
 * leaves the media readable. After a failed check the primary is skipped for `skipAfterErrorMs`,
 * so an outage costs one slow check, not one per request.
 */
export function createFallbackSigner(primary: UrlSigner, mirror: UrlSigner, fallback: ReadFallback, options: { skipAfterErrorMs?: number; onFallback?(key: string, reason: string): void } = {}): UrlSigner {
  const skipAfterErrorMs = options.skipAfterErrorMs ?? 5000;
  let primarySkippedUntil = 0;
  return {
    async signGet(key, now = new Date()) {
      if (Date.now() < primarySkippedUntil) return mirror.signGet(key, now);
      let holds: boolean;
      try {
        holds = await fallback.primaryHolds(key);
      } catch (error) {
        primarySkippedUntil = Date.now() + skipAfterErrorMs;
        options.onFallback?.(key, error instanceof Error ? error.message : String(error));
        return mirror.signGet(key, now);
      }
      if (holds) return primary.signGet(key, now);
      options.onFallback?.(key, 'not in the primary store');
      return mirror.signGet(key, now);
    },
  };
}
