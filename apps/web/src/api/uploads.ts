/**
 * Resumable photo uploads over tus 1.0 (the gateway's /v1/uploads) with tus-js-client: it sends in
 * chunks over XHR, so the bar shows real upload progress, and after a dropped connection it asks
 * the server's offset (HEAD) and resumes instead of starting again. The completing PATCH answers
 * with the new media's id in X-Media-Id.
 */
import { Upload } from 'tus-js-client';
import type { ApiClient } from './client.ts';
import { ApiProblem, isProblemBody } from './problem.ts';

const CHUNK_BYTES = 1024 * 1024;

export interface UploadHandle {
  /** Resolves with the media id once the last byte is accepted. */
  done: Promise<string>;
  abort(): void;
}

function problemOfTusError(error: Error & { originalResponse?: { getStatus(): number; getBody(): string; getHeader(name: string): string | undefined } | null }): ApiProblem {
  const response = error.originalResponse;
  if (!response) return new ApiProblem(0, { title: 'network error', detail: error.message });
  let body: object = { title: error.message };
  try {
    const parsed: unknown = JSON.parse(response.getBody());
    if (isProblemBody(parsed)) body = parsed;
  } catch {
    // a body that is not problem+json: keep the library's message
  }
  const retryAfter = Number(response.getHeader('retry-after'));
  return new ApiProblem(response.getStatus(), body, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
}

export function uploadPhoto(api: ApiClient, file: File, onProgress: (fraction: number) => void): UploadHandle {
  let mediaId: string | null = null;
  let upload: Upload | null = null;
  let settled = false;
  const done = new Promise<string>((resolve, reject) => {
    upload = new Upload(file, {
      endpoint: `${api.baseUrl || window.location.origin}/v1/uploads`,
      chunkSize: CHUNK_BYTES,
      retryDelays: [0, 1000, 3000, 5000],
      metadata: { filename: file.name, filetype: file.type },
      // Resuming across page loads would need the fingerprint in storage; within a page, tus resumes on its own.
      storeFingerprintForResuming: false,
      removeFingerprintOnSuccess: true,
      async onBeforeRequest(request) {
        const token = await api.freshAccessToken();
        if (token) request.setHeader('Authorization', `Bearer ${token}`);
      },
      onAfterResponse(_request, response) {
        const id = response.getHeader('X-Media-Id');
        if (id) mediaId = id;
      },
      onProgress(sent, total) {
        onProgress(total > 0 ? sent / total : 0);
      },
      onSuccess() {
        settled = true;
        if (mediaId) resolve(mediaId);
        else reject(new ApiProblem(502, { title: 'upload finished without a media id' }));
      },
      onError(error) {
        settled = true;
        reject(problemOfTusError(error as Parameters<typeof problemOfTusError>[0]));
      },
      // A 4xx other than 409/423/429 will not get better by retrying.
      onShouldRetry(error) {
        const status = (error as { originalResponse?: { getStatus(): number } | null }).originalResponse?.getStatus() ?? 0;
        return status === 0 || status === 409 || status === 423 || status === 429 || status >= 500;
      },
    });
    upload.start();
  });
  return {
    done,
    /** Stops an upload in progress and deletes its partial bytes on the server; a settled one is left alone. */
    abort() {
      if (settled || !upload) return;
      settled = true;
      (upload as Upload).abort(true).catch(() => undefined);
    },
  };
}
