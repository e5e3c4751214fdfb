import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem, createPeriodicTask, sendProblem } from '@chucar/platform';
import { actorOf, requireCustomer } from '../auth.ts';
import { TUS_PATH, createTusServer, type TusCall } from './tus-server.ts';

/** tus answers its protocol errors in plain text; these become problem codes. */
const tusErrorCodes: Record<number, string> = {
  400: 'invalid_upload_request',
  403: 'upload_forbidden',
  404: 'upload_not_found',
  409: 'upload_offset_mismatch',
  410: 'upload_expired',
  412: 'tus_version_required',
  413: 'upload_too_large',
  415: 'unsupported_media_type',
  460: 'upload_checksum_mismatch',
};

/**
 * Resumable uploads at /v1/uploads (the gateway forwards the same paths). The route authorises
 * the call, checks the spool has room, hands tus a Web Request and sends its Response through
 * fastify, so errors leave as problem+json like every other answer of the service.
 */
export const tusRoutes: FastifyPluginAsync<{ expiryHours: number }> = async (app, { expiryHours }) => {
  const calls = new WeakMap<Request, TusCall>();
  const callOf = (request: Request): TusCall => {
    const call = calls.get(request);
    if (!call) throw new Error('a tus hook ran for a request the route did not make');
    return call;
  };
  const expiryMs = expiryHours * 3_600_000;
  const tus = createTusServer({ intake: app.intake, expiryMs, callOf });

  // PATCH bodies reach tus as the raw stream.
  app.addContentTypeParser('application/offset+octet-stream', (_request, payload, done) => done(null, payload));

  async function handleTus(request: FastifyRequest, reply: FastifyReply) {
    const startedAt = performance.now();
    try {
      const actor = request.method === 'OPTIONS' ? actorOf(request) : requireCustomer(request);
      if (request.method === 'POST' || request.method === 'PATCH') {
        await app.intake.ensureRoom(Number(request.headers['upload-length'] ?? request.headers['content-length'] ?? 0));
      }
      const webRequest = toWebRequest(request);
      const call: TusCall = { actor, requestId: request.id, startedAt };
      calls.set(webRequest, call);
      const response = await tus.handleWeb(webRequest);
      response.headers.forEach((value, name) => {
        if (name !== 'content-length') reply.header(name, value);
      });
      if (call.failure !== undefined) throw call.failure;
      if (response.status >= 400) {
        const detail = (await response.text()).trim() || 'the upload request was refused';
        throw new HttpProblem(response.status, tusErrorCodes[response.status] ?? 'upload_failed', detail);
      }
      const body = await response.text();
      return reply.code(response.status).send(body === '' ? undefined : body);
    } catch (error) {
      if (request.method === 'POST' || request.method === 'PATCH') app.intake.rejected('tus', error);
      if (!request.raw.readableEnded) reply.header('connection', 'close');
      if (error instanceof HttpProblem) {
        reply.headers(error.headers);
        return sendProblem(request, reply, error.status, error.code, error.message, error.errors);
      }
      throw error;
    }
  }
  app.all(TUS_PATH, handleTus);
  app.all(`${TUS_PATH}/*`, handleTus);

  // Unfinished uploads are removed once expired (the tus expiration extension); finished ones too,
  // since their bytes live on in objects/ by a hard link.
  const sweep = createPeriodicTask({
    name: 'media_tus_expiry_sweep',
    intervalMs: Math.min(expiryMs / 4, 3_600_000),
    run: async () => {
      const removed = await tus.cleanUpExpiredUploads();
      if (removed > 0) app.log.info({ removed }, 'expired resumable uploads removed');
    },
    logger: app.log,
    registry: app.metricsRegistry,
  });
  await sweep.start();
  app.addHook('onClose', () => sweep.stop());
};

/** The fastify request as the Web Request tus works on; the body stays a stream. */
function toWebRequest(request: FastifyRequest): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const body = request.body instanceof Readable ? Readable.toWeb(request.body) : undefined;
  return new Request(new URL(request.url, 'http://media-service'), { method: request.method, headers, body, duplex: 'half' });
}
