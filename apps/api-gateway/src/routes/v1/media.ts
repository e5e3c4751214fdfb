import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AcceptedMedia, MediaIdParams, MediaView, problems } from '@chucar/contracts';
import { forwardToMediaService, prepareMediaForwarding, type MediaServiceSettings } from './media-forwarding.ts';

const bearer = [{ bearerAuth: [] }];

/** tus names an upload by one path segment (32 hex digits by default). */
const UploadParams = Type.Object(
  { uploadId: Type.String({ pattern: '^[0-9A-Za-z_-]{1,128}$', description: 'The upload’s id, the last segment of the `Location` its creation answered' }) },
  { additionalProperties: false },
);

/** Documents the raw body: no JSON schema validates it (the gateway streams it on unread). */
const rawFile = { description: 'The file’s bytes', contentMediaType: 'application/octet-stream' };
const UploadBody = {
  content: {
    'image/jpeg': { schema: rawFile },
    'image/heic': { schema: rawFile },
    'application/pdf': { schema: rawFile },
    'application/octet-stream': { schema: rawFile },
    'multipart/form-data': { schema: { type: 'object', properties: { file: rawFile }, description: 'One file part' } },
  },
};

/** A response header is declared by its JSON schema, its description beside the type: @fastify/swagger turns it into an OpenAPI header. */
const locationHeader = { location: Type.String({ description: 'The media’s URL, `/v1/media/{id}`' }) };

const UPLOAD_DESCRIPTION =
  'The body is the file itself, sent with any content type, or `multipart/form-data` with one file part. ' +
  'Its real type is read from its bytes, never from the content type or a file name: JPEG, PNG, WebP, HEIC/HEIF and AVIF ' +
  'photos and PDF documents are accepted (415 otherwise). Larger than the limit (20 MiB by default) is 413; empty, truncated ' +
  'or corrupt images and images with an implausible pixel count are 422. The answer comes once the bytes are durably on the ' +
  'media service’s disk, before they reach storage, so it does not wait for S3. Sending the same bytes again returns the ' +
  'media you already have (same id). On an unreliable network, use the resumable uploads under `/v1/uploads`.';

const TUS_DESCRIPTION =
  'Resumable uploads by the tus 1.0 protocol (https://tus.io/protocols/resumable-upload): core, creation, termination and ' +
  'expiration, for phones on bad networks. Every request carries `Tus-Resumable: 1.0.0` and an access token. ' +
  '`POST /v1/uploads` with `Upload-Length` (and optional `Upload-Metadata`) creates an upload and answers 201 with its ' +
  '`Location`; `PATCH` that location with `Content-Type: application/offset+octet-stream` and `Upload-Offset` sends bytes; ' +
  '`HEAD` tells the offset reached, to resume after a break; `DELETE` abandons the upload. A wrong offset is 409, an ' +
  'expired upload 410, a size over the limit 413. The PATCH that completes an upload turns it into a media exactly as ' +
  '`POST /v1/media` does (same checks, same dedup): it answers 202 (200 for bytes you had uploaded already) with the media ' +
  'in its body, its id in `X-Media-Id` and its URL in `X-Media-Location`. Unfinished uploads expire (see `Upload-Expires`). ' +
  '`OPTIONS` without `Access-Control-Request-Method` answers 204 with `Tus-Version`, `Tus-Extension` and `Tus-Max-Size` ' +
  '(with that header it is a browser’s CORS preflight).';

/** The gateway's side of media: authenticate, rate-limit (as every route), bound the body, forward the rest. */
export const mediaRoutes: FastifyPluginAsync<MediaServiceSettings> = async (app, settings) => {
  await prepareMediaForwarding(app, settings);
  const forward = (request: FastifyRequest, reply: FastifyReply) => forwardToMediaService(request, reply, settings.secret);
  const unavailable = problems(503);

  app.post('/media', {
    onRequest: app.requireRole('customer'),
    schema: {
      operationId: 'uploadMedia',
      tags: ['media'],
      summary: 'Upload a photo or document',
      description: UPLOAD_DESCRIPTION,
      security: bearer,
      body: UploadBody,
      response: {
        202: { ...AcceptedMedia, description: 'Accepted: the upload is on disk and will be stored', headers: locationHeader },
        200: { ...AcceptedMedia, description: 'You had uploaded these bytes already: your existing media', headers: locationHeader },
        ...problems(400, 401, 403, 413, 415, 422, 429),
        ...unavailable,
      },
    },
  }, forward);

  app.get('/media/:id', {
    onRequest: app.requireRole(),
    schema: {
      operationId: 'getMedia',
      tags: ['media'],
      summary: 'One media, with short-lived signed URLs',
      description:
        'Its owner and admins see the original and the previews; analysts, and dealers who may see a quote request it is ' +
        'attached to, see the previews only. To anyone else it does not exist (404). The URLs expire after a few minutes: ' +
        'fetch this again for fresh ones.',
      security: bearer,
      params: MediaIdParams,
      response: { 200: MediaView, ...problems(400, 401, 403, 404, 429), ...unavailable },
    },
  }, forward);

  app.delete('/media/:id', {
    onRequest: app.requireRole('customer'),
    schema: {
      operationId: 'deleteMedia',
      tags: ['media'],
      summary: 'Delete one of your media',
      description: 'Only while no quote request shows it (409 `media_attached` otherwise). The file is kept for a retention period, then removed.',
      security: bearer,
      params: MediaIdParams,
      response: { 204: Type.Null({ description: 'Deleted' }), ...problems(400, 401, 403, 404, 409, 429), ...unavailable },
    },
  }, forward);

  // tus: every route carries the protocol's description and names the step it is.
  const tusRoute = (operationId: string, summary: string, extra: object = {}) => ({
    onRequest: app.requireRole('customer'),
    schema: { operationId, tags: ['resumable uploads'], summary, description: TUS_DESCRIPTION, security: bearer, ...extra },
  });
  app.post('/uploads', tusRoute('createUpload', 'Create a resumable upload (tus creation)', { response: { 201: Type.Null({ description: 'Created; `Location` names the upload' }), ...problems(400, 401, 403, 412, 413, 415, 429), ...unavailable } }), forward);
  const upload = { params: UploadParams };
  app.head('/uploads/:uploadId', tusRoute('getUploadOffset', 'The offset an upload reached (tus core)', upload), forward);
  app.patch('/uploads/:uploadId', tusRoute('sendUploadBytes', 'Send bytes from the upload’s offset (tus core); the last PATCH answers with the media', {
    ...upload,
    response: {
      204: Type.Null({ description: 'Bytes stored; `Upload-Offset` is the new offset' }),
      202: { ...AcceptedMedia, description: 'The upload is complete and became this media' },
      200: { ...AcceptedMedia, description: 'The upload is complete: you had uploaded these bytes already, here is that media' },
      ...problems(400, 401, 403, 404, 409, 410, 412, 413, 415, 422, 429, 460),
      ...unavailable,
    },
  }), forward);
  const discovery = (operationId: string, summary: string, extra: object = {}) => ({
    onRequest: app.requireRole(),
    schema: { ...tusRoute(operationId, summary).schema, ...extra, response: { 204: Type.Null({ description: 'The server’s tus version, extensions and size limit, in headers' }), ...problems(401, 429), ...unavailable } },
  });
  app.options('/uploads', discovery('getUploadCapabilities', 'The server’s tus capabilities (tus core)'), forward);
  app.options('/uploads/:uploadId', discovery('getUploadCapabilitiesAtUpload', 'The server’s tus capabilities (tus core)', upload), forward);
  app.delete('/uploads/:uploadId', tusRoute('abandonUpload', 'Abandon an upload (tus termination)', { ...upload, response: { 204: Type.Null({ description: 'Abandoned' }), ...problems(400, 401, 403, 404, 410, 412, 429), ...unavailable } }), forward);
};
