import { useEffect, useState } from 'react';
import { unwrap } from '../api/client.ts';
import { useApi } from '../api/api-context.tsx';
import { ApiProblem } from '../api/problem.ts';
import type { MediaView } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';

const POLL_MS = 1000;
const MAX_POLLS = 120;

/** The preview of an upload once the worker has stored it and made its 320 px copy; polled until then. */
export function MediaThumb({ mediaId, alt }: { mediaId: string; alt: string }) {
  const api = useApi();
  const { t } = useI18n();
  const [media, setMedia] = useState<MediaView | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let polls = 0;
    const poll = async () => {
      polls += 1;
      try {
        const view = await unwrap(api.client.GET('/v1/media/{id}', { params: { path: { id: mediaId } } }));
        if (stopped) return;
        setMedia(view);
        const settled = view.status === 'failed' || view.status === 'deleted' || view.status === 'lost' || view.variantsStatus === 'ready' || view.variantsStatus === 'failed' || (view.kind === 'document' && view.status === 'stored');
        if (settled || polls >= MAX_POLLS) return;
      } catch (error) {
        if (stopped) return;
        // Gone or not ours (4xx) will not change by asking again; an outage (5xx, network) may.
        const final = error instanceof ApiProblem && error.status >= 400 && error.status < 500 && error.status !== 429;
        if (final || polls >= MAX_POLLS) return setFailed(true);
      }
      timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, mediaId]);

  const preview = media?.variants.find((variant) => variant.name === 'w320') ?? media?.variants[0];
  const url = preview?.url ?? (media?.variantsStatus === 'failed' ? media.original?.url : undefined);
  if (url) return <img className="thumb" src={url} alt={alt} data-testid="media-thumb" data-media-id={mediaId} loading="lazy" />;
  const broken = failed || media?.status === 'failed' || media?.status === 'lost';
  return (
    <div className="thumb placeholder" data-testid="media-pending" data-media-id={mediaId}>
      {broken ? t('uploadFailed') : t('processing')}
    </div>
  );
}
