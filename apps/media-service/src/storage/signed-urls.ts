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
