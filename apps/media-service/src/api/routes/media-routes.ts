import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import multipart from '@fastify/multipart';
import { AcceptedMedia, MediaIdParams, MediaView } from '@chucar/contracts';
import { actorOf, requireCustomer } from '../auth.ts';
import type { UrlSigner } from '../signed-reads/signed-urls.ts';
import { acceptedMedia, mediaView } from './media-answers.ts';
import { multipartLimits, spoolRequestBody } from './upload-body.ts';

export const mediaLocation = (id: string) => `/v1/media/${id}`;

/**
 * POST /v1/media takes one file into the spool (202, or 200 with the owner's existing media for
 * the same bytes); GET shows a media with signed URLs; DELETE soft-deletes. Who sees and deletes
 * what is the domain's decision.
 */
export const mediaRoutes: FastifyPluginAsyncTypebox<{ signer: UrlSigner }> = async (app, { signer }) => {
  // Bodies reach the handler as streams: the intake reads them once, to the spool, whatever they claim to be.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  await app.register(multipart, { limits: multipartLimits(app.intake.maxBytes) });

  app.post(
    '/v1/media',
    { schema: { summary: 'Upload one photo or document', response: { 200: AcceptedMedia, 202: AcceptedMedia } } },
    async (request, reply) => {
      const startedAt = performance.now();
      const actor = requireCustomer(request);
      try {
        await app.intake.ensureRoom(Number(request.headers['content-length'] ?? 0));
        const file = await spoolRequestBody(request, app.intake);
        const { media, outcome } = await app.intake.accept('post', actor, file, request.id, startedAt);
        return reply.code(outcome === 'created' ? 202 : 200).header('location', mediaLocation(media.id)).send(acceptedMedia(media));
      } catch (error) {
        app.intake.rejected('post', error);
        // The rest of a refused body is not worth reading: the connection closes after the answer.
        if (!request.raw.readableEnded) reply.header('connection', 'close');
        throw error;
      }
    },
  );

  app.get('/v1/media/:id', { schema: { summary: 'One media with signed URLs', params: MediaIdParams, response: { 200: MediaView } } }, async (request) => {
    const viewer = await app.media.getMediaForViewer(actorOf(request), request.params.id);
    return mediaView(viewer, signer);
  });

  app.delete('/v1/media/:id', { schema: { summary: 'Delete a media not attached to a quote request', params: MediaIdParams } }, async (request, reply) => {
    await app.media.deleteMedia(actorOf(request), request.params.id);
    return reply.code(204).send();
  });
};
