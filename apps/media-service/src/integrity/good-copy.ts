/**
 * Finding the accepted bytes of an object again: the retained spool copy (originals only), else
 * the other store. Each candidate is hashed against the database's SHA-256, so a damaged source
 * is never copied over; the bytes come back checked, so putting them does not hash them again. `uncertain` says a source could not be asked (a store down): not finding
 * the bytes then proves nothing, and nothing is declared lost.
 */
import type { ExpectedObject, MediaStoreName } from '@chucar/domain';
import { ContentMismatchError, readCheckedFile, type CheckedBytes } from '../storage/object-store.ts';
import { isStorageUnavailable } from '../storage/storage-errors.ts';
import type { IntegrityDeps } from './integrity-types.ts';

export type GoodCopy = { found: true; bytes: CheckedBytes; source: 'spool' | MediaStoreName } | { found: false; uncertain: boolean; tried: string[] };

/** A store found unavailable here is added to `unavailable`, so the rest of the pass does not wait on it again. */
export async function findGoodCopy(deps: Pick<IntegrityDeps, 'stores' | 'spool' | 'log'>, object: ExpectedObject, missingFrom: MediaStoreName, unavailable: Set<MediaStoreName>): Promise<GoodCopy> {
  const tried: string[] = [];
  let uncertain = false;
  if (object.role === 'original') {
    try {
      const copy = await readCheckedFile(deps.spool.objectPath(object.mediaId), object.sha256);
      if (copy.checked.length === object.sizeBytes) return { found: true, bytes: copy, source: 'spool' };
      tried.push('spool: copy differs');
    } catch (error) {
      if (error instanceof ContentMismatchError) tried.push('spool: copy differs');
      else if ((error as NodeJS.ErrnoException).code === 'ENOENT') tried.push('spool: no copy (past retention)');
      else throw error;
    }
  }
  const otherName: MediaStoreName = missingFrom === 'primary' ? 'mirror' : 'primary';
  const other = deps.stores[otherName];
  if (!other) {
    tried.push(`${otherName}: not configured`);
  } else if (unavailable.has(otherName)) {
    uncertain = true;
    tried.push(`${otherName}: unavailable`);
  } else {
    try {
      const bytes = await other.getVerified(object.objectKey, { sizeBytes: object.sizeBytes, sha256: object.sha256 });
      return { found: true, bytes, source: otherName };
    } catch (error) {
      if (isStorageUnavailable(error)) {
        uncertain = true;
        unavailable.add(otherName);
      }
      tried.push(`${otherName}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 200));
    }
  }
  return { found: false, uncertain, tried };
}
