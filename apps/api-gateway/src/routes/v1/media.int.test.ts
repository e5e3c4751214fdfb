/**
 * Media through the gateway, against the real media service (a child process on the test database),
 * the real primary, Redis and S3 server. The gateway authenticates, bounds bodies and forwards; the
 * media service decides. Storage is the worker's job, not under test here: rows are moved to
 * `stored` through the domain's repository, as the worker would.
 */
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcceptedMedia, MediaView } from '@chucar/contracts';
import { DEFAULT_MEDIA_MAX_UPLOAD_BYTES, createRepositories, type Repositories } from '@chucar/domain';
import { signServiceToken } from '@chucar/platform';
import { unusedLoopbackPort } from '@chucar/platform/testing';
import type { GatewayApp } from '../../app.ts';
import { MEDIA_SERVICE_AUDIENCE } from './media-forwarding.ts';
import { contractViolations, documentedParameters, documentedResponse, fetchOpenApiDocument } from '../../testing/contract.ts';
import { startMediaService, testMediaServiceSecret, type RunningMediaService } from '../../testing/media-service.ts';
import { activeDealer, buildTestApp, createQuoteRequest, expectProblem, quoteRequestBody, signInStaff, signUpCustomer, someTrim, type Session } from '../../testing/test-app.ts';

type Accepted = { id: string; status: string; sizeBytes: number; sha256: string; contentType: string; kind: string; createdAt: string };
type View = { id: string; ownerId: number; status: string; original: { url: string; expiresAt: string } | null; variants: { name: string; url: string }[] };

let colour = 0;
/**
 * A small JPEG no other test sent: a flat colour of its own, far from the previous ones, since two
 * neighbouring colours can encode to the same bytes (the same media, deduplicated).
 */
async function uniqueJpeg(width = 64, height = 48): Promise<Buffer> {
  colour += 1;
  return sharp({ create: { width, height, channels: 3, background: { r: (colour * 67) % 256, g: (colour * 31) % 256, b: 200 } } }).jpeg().toBuffer();
}
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('media through the gateway (real media service)', () => {
  let media: RunningMediaService;
  let app: GatewayApp;
  let repos: Repositories;
  let trimId: number;

  beforeAll(async () => {
    media = await startMediaService();
    app = await buildTestApp({ MEDIA_SERVICE_URL: media.url, MEDIA_SERVICE_SECRET: testMediaServiceSecret });
    repos = createRepositories(app.databases.writer.db);
    trimId = (await someTrim(app)).id;
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await media?.stop();
  });

  const upload = (session: Session, bytes: Buffer, contentType = 'image/jpeg') =>
    app.inject({ method: 'POST', url: '/v1/media', headers: { ...session.headers, 'content-type': contentType, 'x-request-id': `media-test-${randomUUID()}` }, payload: bytes });

  async function uploaded(session: Session, bytes?: Buffer): Promise<Accepted> {
    const response = await upload(session, bytes ?? (await uniqueJpeg()));
    expect(response.statusCode, response.body).toBe(202);
    return response.json<Accepted>();
  }

  /** What the worker does once the original is in S3, and once a preview is. */
  async function storeWithPreview(id: string): Promise<void> {
    const now = new Date();
    expect(await repos.media.markStored(id, now)).toBe(true);
    await repos.media.recordVariant({ mediaId: id, name: 'w320', objectKey: `variants/${id}/w320.webp`, contentType: 'image/webp', sizeBytes: 1234, sha256: 'a'.repeat(64), width: 320, height: 240 }, now);
  }

  const view = (session: Session, id: string) => app.inject({ method: 'GET', url: `/v1/media/${id}`, headers: session.headers });

  describe('uploads', () => {
    it('answers 202 with the sniffed type, size and SHA-256 and a Location, and the same bytes again with the same media', async () => {
      const customer = await signUpCustomer(app, 'media-uploader');
      const bytes = await uniqueJpeg();
      const first = await upload(customer, bytes, 'application/octet-stream');
      expect(first.statusCode, first.body).toBe(202);
      const accepted = first.json<Accepted>();
      expect(accepted).toMatchObject({ status: 'spooled', sizeBytes: bytes.length, sha256: sha256(bytes), contentType: 'image/jpeg', kind: 'image' });
      expect(first.headers['location']).toBe(`/v1/media/${accepted.id}`);
      expect(await repos.media.findById(accepted.id)).toMatchObject({ ownerId: customer.account.id, status: 'spooled', sha256: sha256(bytes) });

      const again = await upload(customer, bytes);
      expect(again.statusCode).toBe(200);
      expect(again.json<Accepted>().id).toBe(accepted.id);
    });

    it('streams a body larger than the JSON body limit (1 MiB) through, as multipart too', async () => {
      const customer = await signUpCustomer(app, 'media-large');
      const large = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).jpeg({ quality: 95 }).toBuffer();
      expect(large.length).toBeGreaterThan(1_048_576);
      expect((await uploaded(customer, large)).sha256).toBe(sha256(large));

      const small = await uniqueJpeg();
      const boundary = 'chucar-boundary-1';
      const form = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="car.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
        small,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const multipart = await upload(customer, form, `multipart/form-data; boundary=${boundary}`);
      expect(multipart.statusCode, multipart.body).toBe(202);
      expect(multipart.json<Accepted>().sha256).toBe(sha256(small));
    });

    it('passes the media service\'s refusals through as they are: a text file is 415 problem+json', async () => {
      const customer = await signUpCustomer(app, 'media-text');
      const refused = await upload(customer, Buffer.from('just some text, not a photo'), 'image/jpeg');
      const problem = expectProblem(refused, 415);
      expect(problem.requestId).toBe(refused.headers['x-request-id']);
    });

    it('is what the media service accepts only from the gateway: a direct call, even with the user\'s own token, is 401', async () => {
      const customer = await signUpCustomer(app, 'media-direct');
      const { id } = await uploaded(customer);
      for (const headers of [{}, { authorization: customer.headers.authorization }]) {
        const direct = await fetch(`${media.url}/v1/media/${id}`, { headers, signal: AbortSignal.timeout(5000) });
        expect(direct.status).toBe(401);
        expect(direct.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    });

    it('is for customers with a valid access token only, checked before anything is forwarded', async () => {
      expectProblem(await app.inject({ method: 'POST', url: '/v1/media', headers: { 'content-type': 'image/jpeg' }, payload: await uniqueJpeg() }), 401, 'unauthenticated');
      const dealer = await activeDealer(app, ['seoul'], 'media-dealer-upload');
      expectProblem(await upload(dealer, await uniqueJpeg()), 403, 'forbidden');
    });

    it('forwards a tus discovery OPTIONS to the media service, and still answers a browser preflight itself', async () => {
      const customer = await signUpCustomer(app, 'media-tus-options');
      for (const url of ['/v1/uploads', '/v1/uploads/0123456789abcdef']) {
        const discovery = await app.inject({ method: 'OPTIONS', url, headers: { ...customer.headers, 'tus-resumable': '1.0.0' } });
        expect(discovery.statusCode, discovery.body).toBe(204);
        expect(discovery.headers['tus-version']).toBe('1.0.0');
        expect(String(discovery.headers['tus-extension'])).toMatch(/creation/);
        expect(String(discovery.headers['tus-extension'])).toMatch(/termination/);
        expect(discovery.headers['tus-max-size']).toBe(String(DEFAULT_MEDIA_MAX_UPLOAD_BYTES));
      }
      expectProblem(await app.inject({ method: 'OPTIONS', url: '/v1/uploads', headers: { 'tus-resumable': '1.0.0' } }), 401, 'unauthenticated');

      const preflight = await app.inject({ method: 'OPTIONS', url: '/v1/uploads', headers: { origin: 'http://localhost:8080', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'upload-offset,tus-resumable' } });
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers['access-control-allow-methods']).toContain('PATCH');
      expect(preflight.headers['tus-version']).toBeUndefined();
      // Anywhere else, an OPTIONS that is not a preflight stays a client error.
      expectProblem(await app.inject({ method: 'OPTIONS', url: '/v1/catalog/makers' }), 400, 'invalid_preflight');
    });

    it('takes resumable uploads (tus) through the same paths, resuming from the offset', async () => {
      const customer = await signUpCustomer(app, 'media-tus');
      const bytes = await uniqueJpeg(320, 240);
      const tus = { ...customer.headers, 'tus-resumable': '1.0.0' };
      const created = await app.inject({ method: 'POST', url: '/v1/uploads', headers: { ...tus, 'upload-length': String(bytes.length) } });
      expect(created.statusCode, created.body).toBe(201);
      const location = String(created.headers['location']);
      expect(location).toMatch(/^\/v1\/uploads\/[^/]+$/);

      const half = Math.floor(bytes.length / 2);
      const patch = (offset: number, chunk: Buffer) =>
        app.inject({ method: 'PATCH', url: location, headers: { ...tus, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, payload: chunk });
      expect((await patch(0, bytes.subarray(0, half))).statusCode).toBe(204);
      const head = await app.inject({ method: 'HEAD', url: location, headers: tus });
      expect(head.headers['upload-offset']).toBe(String(half));
      const finished = await patch(half, bytes.subarray(half));
      expect(finished.statusCode, finished.body).toBe(202);
      const { id } = finished.json<Accepted>();
      expect(finished.headers['x-media-location']).toBe(`/v1/media/${id}`);
      expect(await repos.media.findById(id)).toMatchObject({ ownerId: customer.account.id, sha256: sha256(bytes), status: 'spooled' });
      expect((await view(customer, id)).statusCode).toBe(200);
    });
  });

  describe('who sees what', () => {
    it('shows the owner and admins the original and the previews, with the freshness headers of every read', async () => {
      const owner = await signUpCustomer(app, 'media-owner');
      const { id } = await uploaded(owner);
      const before = await view(owner, id);
      expect(before.statusCode, before.body).toBe(200);
      expect(before.json<View>()).toMatchObject({ id, ownerId: owner.account.id, status: 'spooled', original: null, variants: [] });

      await storeWithPreview(id);
      for (const viewer of [owner, await signInStaff(app, 'admin')]) {
        const answer = await view(viewer, id);
        expect(answer.statusCode).toBe(200);
        expect(answer.headers['x-read-source']).toBe('primary');
        expect(answer.headers['x-read-lag-bound-ms']).toBe('0');
        const shown = answer.json<View>();
        expect(shown.status).toBe('stored');
        expect(shown.original?.url).toContain(`originals/${id}`);
        expect(shown.variants.map((variant) => variant.name)).toEqual(['w320']);
      }
    });

    it('shows a dealer the previews only, and only while they may see a request it is attached to; to others it does not exist', async () => {
      const owner = await signUpCustomer(app, 'media-attacher');
      const { id } = await uploaded(owner);
      await storeWithPreview(id);
      const seoulDealer = await activeDealer(app, ['seoul'], 'media-dealer-seoul');
      const busanDealer = await activeDealer(app, ['busan'], 'media-dealer-busan');
      expectProblem(await view(seoulDealer, id), 404, 'not_found');

      await createQuoteRequest(app, owner, quoteRequestBody(trimId, { region: 'seoul', attachmentIds: [id] }));
      const dealerView = await view(seoulDealer, id);
      expect(dealerView.statusCode, dealerView.body).toBe(200);
      expect(dealerView.json<View>()).toMatchObject({ original: null, variants: [{ name: 'w320' }] });
      const analystView = await view(await signInStaff(app, 'analyst'), id);
      expect(analystView.json<View>()).toMatchObject({ original: null, variants: [{ name: 'w320' }] });

      expectProblem(await view(busanDealer, id), 404, 'not_found');
      expectProblem(await view(await signUpCustomer(app, 'media-stranger'), id), 404, 'not_found');
      expectProblem(await view(owner, randomUUID()), 404, 'not_found');
      expectProblem(await app.inject({ method: 'GET', url: '/v1/media/not-a-uuid', headers: owner.headers }), 400, 'invalid_request');
    });
  });

  describe('the shared contract', () => {
    it('gets the media service’s answers in its shape, and both documents state it alike', async () => {
      const owner = await signUpCustomer(app, 'media-contract');
      const first = await upload(owner, await uniqueJpeg());
      expect(first.statusCode, first.body).toBe(202);
      const accepted = first.json<Accepted>();
      expect(contractViolations(AcceptedMedia, accepted)).toEqual([]);
      expect(contractViolations(MediaView, (await view(owner, accepted.id)).json())).toEqual([]);
      await storeWithPreview(accepted.id);
      expect(contractViolations(MediaView, (await view(owner, accepted.id)).json())).toEqual([]);

      const gatewayDocument = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
      // The media service serves its document, as everything but health and metrics, to the gateway only.
      const serviceToken = signServiceToken(testMediaServiceSecret, { accountId: owner.account.id, role: 'customer', audience: MEDIA_SERVICE_AUDIENCE });
      const serviceDocument = await fetchOpenApiDocument(media.url, { authorization: `Bearer ${serviceToken}` });
      for (const status of [200, 202]) {
        expect(documentedResponse(serviceDocument, '/v1/media', 'post', status)).toEqual(documentedResponse(gatewayDocument, '/v1/media', 'post', status));
      }
      expect(documentedResponse(serviceDocument, '/v1/media/{id}', 'get', 200)).toEqual(documentedResponse(gatewayDocument, '/v1/media/{id}', 'get', 200));
      for (const method of ['get', 'delete']) {
        expect(documentedParameters(serviceDocument, '/v1/media/{id}', method)).toEqual(documentedParameters(gatewayDocument, '/v1/media/{id}', method));
      }
    });
  });

  describe('delete', () => {
    it('lets the owner delete media no request shows (then it is gone), refuses attached media with 409, and others', async () => {
      const owner = await signUpCustomer(app, 'media-deleter');
      const loose = await uploaded(owner);
      const attached = await uploaded(owner);
      await createQuoteRequest(app, owner, quoteRequestBody(trimId, { attachmentIds: [attached.id] }));
      const remove = (session: Session, id: string) => app.inject({ method: 'DELETE', url: `/v1/media/${id}`, headers: session.headers });

      expectProblem(await remove(owner, attached.id), 409, 'media_attached');
      expectProblem(await remove(await signUpCustomer(app, 'media-other'), loose.id), 404, 'not_found');
      expectProblem(await remove(await activeDealer(app, ['seoul'], 'media-dealer-delete'), loose.id), 403, 'forbidden');
      expect((await repos.media.findById(loose.id))?.status).toBe('spooled');

      expect((await remove(owner, loose.id)).statusCode).toBe(204);
      expect((await repos.media.findById(loose.id))?.status).toBe('deleted');
      expectProblem(await view(owner, loose.id), 404, 'not_found');
      expect((await view(owner, attached.id)).statusCode).toBe(200);
    });
  });

  describe('attachments', () => {
    it('refuses unknown, foreign and deleted media with 422 on attachmentIds, and creates nothing', async () => {
      const owner = await signUpCustomer(app, 'media-attach-owner');
      const own = await uploaded(owner);
      const foreign = await uploaded(await signUpCustomer(app, 'media-attach-foreign'));
      const deleted = await uploaded(owner);
      expect((await app.inject({ method: 'DELETE', url: `/v1/media/${deleted.id}`, headers: owner.headers })).statusCode).toBe(204);

      for (const refused of [randomUUID(), foreign.id, deleted.id, 'made-up-id']) {
        const answer = await app.inject({ method: 'POST', url: '/v1/quote-requests', headers: owner.headers, payload: quoteRequestBody(trimId, { attachmentIds: [own.id, refused] }) });
        const problem = expectProblem(answer, 422, 'validation_failed');
        expect(problem.errors, refused).toEqual([{ field: 'attachmentIds', message: expect.stringContaining(refused) }]);
      }
      const mine = await app.inject({ method: 'GET', url: '/v1/quote-requests', headers: owner.headers });
      expect(mine.json<{ items: unknown[] }>().items).toEqual([]);
      const accepted = await createQuoteRequest(app, owner, quoteRequestBody(trimId, { attachmentIds: [own.id] }));
      expect(accepted.request).toMatchObject({ attachmentIds: [own.id] });
    });
  });
  describe('body limit and stalls (MEDIA_MAX_UPLOAD_BYTES 2 KiB, MEDIA_SERVICE_TIMEOUT_MS 500)', () => {
    let limited: GatewayApp;
    let port: number;
    beforeAll(async () => {
      limited = await buildTestApp({ MEDIA_SERVICE_URL: media.url, MEDIA_SERVICE_SECRET: testMediaServiceSecret, MEDIA_MAX_UPLOAD_BYTES: '2048', MEDIA_SERVICE_TIMEOUT_MS: '500' });
      await limited.listen({ host: '127.0.0.1', port: 0 });
      const address = limited.server.address();
      port = typeof address === 'object' && address ? address.port : 0;
    });
    afterAll(() => limited?.close());
    const noisyJpeg = () => sharp({ create: { width: 120, height: 90, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).jpeg({ quality: 95 }).toBuffer();

    it('refuses a declared length over the limit with 413 problem+json, forwarding nothing', async () => {
      const customer = await signUpCustomer(limited, 'media-limit');
      const bytes = await noisyJpeg();
      expect(bytes.length).toBeGreaterThan(4096);
      const answer = await limited.inject({ method: 'POST', url: '/v1/media', headers: { ...customer.headers, 'content-type': 'image/jpeg' }, payload: bytes });
      expectProblem(answer, 413, 'body_too_large');
      expect(answer.headers['connection']).toBe('close');
      expect(await limited.databases.writer.db.selectFrom('media').select('id').where('owner_id', '=', customer.account.id).execute()).toEqual([]);
    });

    /** A chunked POST /v1/media over a real socket: `chunks` written, then the body ended unless `stall`. */
    function chunkedUpload(authorization: string, chunks: Buffer[], stall = false) {
      return new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const headers = { authorization, 'content-type': 'image/jpeg', 'transfer-encoding': 'chunked' };
        const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/media', headers }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), body }));
        });
        request.on('error', reject);
        for (const chunk of chunks) request.write(chunk);
        if (!stall) request.end();
      });
    }

    it('answers 408 when the client stops sending in the middle of its upload', async () => {
      const customer = await signUpCustomer(limited, 'media-stall');
      const started = performance.now();
      const answer = await chunkedUpload(customer.headers.authorization, [(await noisyJpeg()).subarray(0, 1000)], true);
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(answer.status, answer.body).toBe(408);
      expect(JSON.parse(answer.body)).toMatchObject({ status: 408, code: 'request_timeout' });
    });

    it('refuses a chunked body, which declares no length, once it passes the limit', async () => {
      const customer = await signUpCustomer(limited, 'media-limit-chunked');
      const bytes = await noisyJpeg();
      const chunks = Array.from({ length: Math.ceil(bytes.length / 1024) }, (_, index) => bytes.subarray(index * 1024, (index + 1) * 1024));
      const answer = await chunkedUpload(customer.headers.authorization, chunks);
      expect(answer.status, answer.body).toBe(413);
      expect(answer.type).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(answer.body)).toMatchObject({ status: 413, code: 'body_too_large' });
    });
  });
});

describe('media routes without a working media service', () => {
  let app: GatewayApp;
  let silent: net.Server;
  let silentApp: GatewayApp;
  const silentSockets = new Set<net.Socket>();
  beforeAll(async () => {
    app = await buildTestApp({ MEDIA_SERVICE_URL: `http://127.0.0.1:${await unusedLoopbackPort()}`, MEDIA_SERVICE_SECRET: testMediaServiceSecret });
    // Accepts connections and never answers: a hung media service.
    silent = net.createServer((socket) => void silentSockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    silentApp = await buildTestApp({ MEDIA_SERVICE_URL: `http://127.0.0.1:${port}`, MEDIA_SERVICE_SECRET: testMediaServiceSecret, MEDIA_SERVICE_TIMEOUT_MS: '300' });
  });
  afterAll(async () => {
    await app?.close();
    await silentApp?.close();
    for (const socket of silentSockets) socket.destroy();
    await new Promise((resolve) => silent?.close(resolve));
  });

  it('answer 504 problem+json after MEDIA_SERVICE_TIMEOUT_MS when the media service hangs, never hang themselves', async () => {
    const customer = await signUpCustomer(silentApp, 'media-hung');
    const started = performance.now();
    const answer = await silentApp.inject({ method: 'GET', url: `/v1/media/${randomUUID()}`, headers: customer.headers });
    expect(performance.now() - started).toBeLessThan(3_000);
    expectProblem(answer, 504, 'media_service_timeout');
    expect(answer.headers['retry-after']).toBe('5');
  });

  it('answer 503 problem+json with Retry-After at once, for uploads and reads alike', async () => {
    const customer = await signUpCustomer(app, 'media-outage');
    for (const request of [
      { method: 'POST' as const, url: '/v1/media', headers: { ...customer.headers, 'content-type': 'image/jpeg' }, payload: await uniqueJpeg() },
      { method: 'GET' as const, url: `/v1/media/${randomUUID()}`, headers: customer.headers },
      { method: 'POST' as const, url: '/v1/uploads', headers: { ...customer.headers, 'tus-resumable': '1.0.0', 'upload-length': '100' } },
    ]) {
      const started = performance.now();
      const answer = await app.inject(request);
      expect(performance.now() - started).toBeLessThan(2_000);
      expectProblem(answer, 503, 'media_service_unavailable');
      expect(answer.headers['retry-after']).toBe('5');
    }
  });
});
