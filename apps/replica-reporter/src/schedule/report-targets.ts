import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '@chucar/platform/s3';
import type { ReporterConfig } from '../config.ts';

/** Where the daily reports go: a folder, a bucket, or both. */
export interface ReportTarget {
  readonly name: string;
  /** When the file was written, or null when the target does not hold it. */
  writtenAt(key: string): Promise<Date | null>;
  write(key: string, body: Buffer, contentType: string): Promise<void>;
}

/** Files under `dir`, written to a temporary name and renamed, so a reader never sees half a file. */
export function folderTarget(dir: string): ReportTarget {
  return {
    name: `folder ${dir}`,
    async writtenAt(key) {
      return stat(path.join(dir, key)).then(
        (file) => file.mtime,
        (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : Promise.reject(error)),
      );
    },
    async write(key, body) {
      const file = path.join(dir, key);
      await mkdir(path.dirname(file), { recursive: true });
      const partial = `${file}.partial-${process.pid}`;
      await writeFile(partial, body);
      await rename(partial, file);
    },
  };
}

/** Objects in `bucket` (private; analysts fetch them with their own credentials or signed URLs). */
export function bucketTarget(s3: S3Client, bucket: string): ReportTarget {
  return {
    name: `bucket ${bucket}`,
    async writtenAt(key) {
      try {
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        // Every S3 answer carries Last-Modified; without one the object still exists.
        return head.LastModified ?? new Date(0);
      } catch (error) {
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
        throw error;
      }
    },
    async write(key, body, contentType) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
  };
}

/** The folder and/or bucket REPORTER_DAILY_DIR and REPORTER_DAILY_BUCKET name (none when both are empty). */
export function configuredTargets(config: ReporterConfig): { targets: ReportTarget[]; close(): void } {
  const targets: ReportTarget[] = [];
  let s3: S3Client | undefined;
  if (config.REPORTER_DAILY_DIR) targets.push(folderTarget(config.REPORTER_DAILY_DIR));
  if (config.REPORTER_DAILY_BUCKET) {
    s3 = createS3Client({
      region: config.REPORTER_S3_REGION,
      forcePathStyle: config.REPORTER_S3_FORCE_PATH_STYLE,
      endpoint: config.REPORTER_S3_ENDPOINT,
      accessKeyId: config.REPORTER_S3_ACCESS_KEY_ID,
      secretAccessKey: config.REPORTER_S3_SECRET_ACCESS_KEY,
      timeoutMs: 30_000,
    });
    targets.push(bucketTarget(s3, config.REPORTER_DAILY_BUCKET));
  }
  return { targets, close: () => s3?.destroy() };
}
