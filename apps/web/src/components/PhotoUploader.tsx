import { useEffect, useRef, useState } from 'react';
import { asProblem, useApi } from '../api/api-context.tsx';
import type { ApiProblem } from '../api/problem.ts';
import { uploadPhoto, type UploadHandle } from '../api/uploads.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { MediaThumb } from './MediaThumb.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

interface PendingPhoto {
  key: number;
  name: string;
  progress: number;
  mediaId: string | null;
  problem: ApiProblem | null;
  handle: UploadHandle;
}

export interface PhotoState {
  mediaIds: string[];
  uploading: boolean;
}

/** Picks photos and uploads each one resumably with its own progress bar, then shows its thumbnail. */
export function PhotoUploader({ onChange }: { onChange(state: PhotoState): void }) {
  const api = useApi();
  const { t } = useI18n();
  const [photos, setPhotos] = useState<PendingPhoto[]>([]);
  const nextKey = useRef(1);
  const handles = useRef(new Set<UploadHandle>());

  useEffect(() => {
    onChange({ mediaIds: photos.flatMap((photo) => (photo.mediaId ? [photo.mediaId] : [])), uploading: photos.some((photo) => !photo.mediaId && !photo.problem) });
  }, [photos, onChange]);
  useEffect(() => () => handles.current.forEach((handle) => handle.abort()), []);

  const update = (key: number, change: Partial<PendingPhoto>) => setPhotos((list) => list.map((photo) => (photo.key === key ? { ...photo, ...change } : photo)));

  const add = (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      const key = nextKey.current++;
      const handle = uploadPhoto(api, file, (fraction) => update(key, { progress: fraction }));
      handles.current.add(handle);
      handle.done.then(
        (mediaId) => update(key, { mediaId, progress: 1 }),
        (error: unknown) => update(key, { problem: asProblem(error) }),
      ).finally(() => handles.current.delete(handle));
      setPhotos((list) => [...list, { key, name: file.name, progress: 0, mediaId: null, problem: null, handle }]);
    }
  };

  const remove = (photo: PendingPhoto) => {
    photo.handle.abort();
    setPhotos((list) => list.filter((other) => other.key !== photo.key));
  };

  return (
    <div className="photos">
      <label className="file-button">
        {t('addPhotos')}
        <input type="file" accept="image/*" multiple data-testid="photo-input" onChange={(event) => {
          add(event.currentTarget.files);
          event.currentTarget.value = '';
        }} />
      </label>
      <ul className="photo-list">
        {photos.map((photo) => (
          <li key={photo.key} data-testid="photo-item">
            {photo.mediaId ? <MediaThumb mediaId={photo.mediaId} alt={photo.name} /> : <div className="thumb placeholder">{photo.name}</div>}
            <div className="photo-status">
              <span className="file-name">{photo.name}</span>
              {!photo.problem && (
                <>
                  <progress max={1} value={photo.progress} aria-label={photo.name} data-testid="upload-progress" />
                  <small>{photo.mediaId ? t('uploadDone') : t('uploading', { percent: Math.round(photo.progress * 100) })}</small>
                </>
              )}
              <ProblemAlert problem={photo.problem} />
              <button type="button" className="link" onClick={() => remove(photo)}>
                {t('removePhoto')}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
