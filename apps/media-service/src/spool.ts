import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, statfs } from 'node:fs/promises';
import path from 'node:path';

/**
 * The durable spool on local disk: `incoming/` holds uploads being written (one random name each),
 * `objects/<mediaId>` the accepted ones, `tus/` the resumable uploads' file store. An upload is
 * accepted only once its file and the `objects/` directory entry are both on disk (fsync), so a
 * crash right after the 202 loses nothing.
 */
export interface Spool {
  readonly root: string;
  readonly incomingDir: string;
  readonly objectsDir: string;
  readonly tusDir: string;
  /** A fresh path in incoming/ that no other upload uses. */
  newIncomingPath(): string;
  objectPath(mediaId: string): string;
  /** fsync the file, move it to objects/<mediaId>, fsync objects/; returns the new path. */
  commit(incomingPath: string, mediaId: string): Promise<string>;
  /** Removes a file that must leave nothing behind; a missing file is fine. */
  discard(filePath: string): Promise<void>;
  space(): Promise<SpoolSpace>;
  /** Removes files left in incoming/ by uploads that died with their process; returns how many. */
  sweepIncoming(olderThanMs: number, now?: number): Promise<number>;
}

export interface SpoolSpace {
  freeBytes: number;
  totalBytes: number;
}

export async function openSpool(root: string): Promise<Spool> {
  const absoluteRoot = path.resolve(root);
  const incomingDir = path.join(absoluteRoot, 'incoming');
  const objectsDir = path.join(absoluteRoot, 'objects');
  const tusDir = path.join(absoluteRoot, 'tus');
  for (const dir of [incomingDir, objectsDir, tusDir]) await mkdir(dir, { recursive: true, mode: 0o750 });

  return {
    root: absoluteRoot,
    incomingDir,
    objectsDir,
    tusDir,
    newIncomingPath: () => path.join(incomingDir, randomUUID()),
    objectPath: (mediaId) => path.join(objectsDir, mediaId),
    async commit(incomingPath, mediaId) {
      await fsyncPath(incomingPath);
      const target = path.join(objectsDir, mediaId);
      await rename(incomingPath, target);
      // The rename is durable only once the directory that now names the file is.
      await fsyncPath(objectsDir);
      return target;
    },
    discard: (filePath) => rm(filePath, { force: true }),
    async space() {
      const stats = await statfs(absoluteRoot);
      return { freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
    },
    async sweepIncoming(olderThanMs, now = Date.now()) {
      let removed = 0;
      for (const name of await readdir(incomingDir)) {
        const filePath = path.join(incomingDir, name);
        const stats = await stat(filePath).catch(ignoreVanished);
        if (stats?.isFile() && now - stats.mtimeMs > olderThanMs) {
          await rm(filePath, { force: true });
          removed += 1;
        }
      }
      return removed;
    },
  };
}

/** A file another sweep or upload removed meanwhile is simply gone. */
function ignoreVanished(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined;
  throw error;
}

async function fsyncPath(target: string): Promise<void> {
  const handle = await open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Whether the spool's disk has room, by both floors; `expectedBytes` is an upload about to be written. */
export function spoolHasRoom(space: SpoolSpace, floors: { minFreeBytes: number; minFreePercent: number }, expectedBytes = 0): boolean {
  const freeAfter = space.freeBytes - expectedBytes;
  return freeAfter >= floors.minFreeBytes && (space.totalBytes === 0 ? false : (freeAfter / space.totalBytes) * 100 >= floors.minFreePercent);
}
