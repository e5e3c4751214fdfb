import { S3Client } from '@aws-sdk/client-s3';
import type { MediaConfig } from '../config.ts';

export type S3Settings = Pick<MediaConfig, 'S3_REGION' | 'S3_FORCE_PATH_STYLE' | 'S3_ENDPOINT' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_TIMEOUT_MS'>;

/** Where the SDK's own warnings go (a failed streaming request, which it cannot retry). */
export interface S3WarningLogger {
  warn(details: object, message: string): void;
}

/**
 * One S3 client for the primary store; an empty S3_ENDPOINT means real AWS with the default
 * credential chain. With `log`, the SDK's warnings and errors go there instead of the console; its
 * per-request info lines are dropped (they would log every command's input).
 */
export function createS3Client(config: S3Settings, log?: S3WarningLogger): S3Client {
  const quiet = () => undefined;
  return new S3Client({
    ...(log ? { logger: { trace: quiet, debug: quiet, info: quiet, warn: (...content: unknown[]) => log.warn({ sdk: content }, 'S3 client warning'), error: (...content: unknown[]) => log.warn({ sdk: content }, 'S3 client error') } } : {}),
    region: config.S3_REGION,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
    ...(config.S3_ACCESS_KEY_ID ? { credentials: { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY } } : {}),
    requestHandler: { requestTimeout: config.S3_TIMEOUT_MS, connectionTimeout: Math.min(config.S3_TIMEOUT_MS, 5000) },
    maxAttempts: 2,
    // Checksums are chosen per request (SHA-256, which the worker already knows) instead of the
    // SDK's default CRC32 with aws-chunked trailers, which some S3-compatible stores reject.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
