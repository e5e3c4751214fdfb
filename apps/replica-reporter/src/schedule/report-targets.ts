import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** Where the daily reports go: a folder, a bucket, or both. */
export interface ReportTarget {
  readonly name: string;
  exists(key: string): Promise<boolean>;
  write(key: string, body: Buffer, contentType: string): Promise<void>;
}

/** Files under `dir`, written to a temporary name and renamed, so a reader never sees half a file. */
export function folderTarget(dir: string): ReportTarget {
  return {
    name: `folder ${dir}`,
    async exists(key) {
      return stat(path.join(dir, key)).then(() => true, (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? false : Promise.reject(error)));
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
    async exists(key) {
      try {
        await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
        throw error;
      }
    },
    async write(key, body, contentType) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
  };
}
