import { S3Client } from '@aws-sdk/client-s3';

/** Where an S3-compatible store is and how to reach it; each app maps its own env names onto this. */
export interface S3ClientSettings {
  region: string;
  forcePathStyle: boolean;
  /** Empty: real AWS in `region`. */
  endpoint: string;
  /** Empty: the AWS default credential chain. */
  accessKeyId: string;
  secretAccessKey: string;
  /** A request that has not answered in this long fails (the connection gets at most 5 s of it). */
  timeoutMs: number;
}

/** Where the SDK's own warnings go (a failed streaming request, which it cannot retry). */
export interface S3WarningLogger {
  warn(details: object, message: string): void;
}

/**
 * The one way the apps build an S3 client. With `log`, the SDK's warnings and errors go there
 * instead of the console; its per-request info lines are dropped (they would log every command's input).
 */
export function createS3Client(settings: S3ClientSettings, log?: S3WarningLogger): S3Client {
  const quiet = () => undefined;
  return new S3Client({
    ...(log ? { logger: { trace: quiet, debug: quiet, info: quiet, warn: (...content: unknown[]) => log.warn({ sdk: content }, 'S3 client warning'), error: (...content: unknown[]) => log.warn({ sdk: content }, 'S3 client error') } } : {}),
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.accessKeyId ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } } : {}),
    requestHandler: { requestTimeout: settings.timeoutMs, connectionTimeout: Math.min(settings.timeoutMs, 5000) },
    maxAttempts: 2,
    // Checksums are chosen per request instead of the SDK's default CRC32 with aws-chunked
    // trailers, which some S3-compatible stores (s3rver among them) reject.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
