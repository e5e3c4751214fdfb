import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CONDITIONS_MAX_LENGTH, MAX_ATTACHMENTS, NOTE_MAX_LENGTH } from '@chucar/domain';
import { problems } from '@chucar/contracts';
import { DateTimeInput, IdInput, IdParams, IntegerInput, PageQuery, PaymentMethod, PurchaseTiming, Quote, QuoteRequest, QuoteRequestStatus, RegionCode, pageOf } from './schemas.ts';

const CreateQuoteRequest = Type.Object(
  {
    trimId: IdInput,
    optionCodes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50, uniqueItems: true })),
    region: RegionCode,
    purchaseTiming: PurchaseTiming,
    paymentMethod: PaymentMethod,
    note: Type.Optional(Type.Union([Type.String({ maxLength: NOTE_MAX_LENGTH }), Type.Null()])),
    attachmentIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: MAX_ATTACHMENTS, uniqueItems: true })),
  },
  { additionalProperties: false },
);

const ListQuery = Type.Object(
  {
    status: Type.Optional(QuoteRequestStatus),
    region: Type.Optional(RegionCode),
    makerId: Type.Optional(IdInput),
    modelId: Type.Optional(IdInput),
    trimId: Type.Optional(IdInput),
    createdFrom: Type.Optional(DateTimeInput),
    createdTo: Type.Optional(DateTimeInput),
    ...PageQuery,
  },
  { additionalProperties: false },
);

const AcceptBody = Type.Object({ quoteId: IdInput }, { additionalProperties: false });
const SubmitQuote = Type.Object(
  { priceKrw: IntegerInput({ minimum: 1, maximum: 10_000_000_000 }), conditions: Type.String({ maxLength: CONDITIONS_MAX_LENGTH }), validUntil: DateTimeInput },
  { additionalProperties: false },
);

const bearer = [{ bearerAuth: [] }];

/**
 * Quote requests and the quotes on them. Who sees what is decided in libs/domain:
 * customers their own, active dealers the open ones in their regions, analysts and admins all.
 */
export const quoteRequestRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/quote-requests', {
    config: { idempotent: true },
    onRequest: app.requireRole('customer'),
    schema: { operationId: 'createQuoteRequest', tags: ['quote requests'], summary: 'Ask dealers for quotes on a trim', security: bearer, body: CreateQuoteRequest, response: { 201: QuoteRequest, ...problems(400, 401, 403, 404, 422, 429) } },
  }, async (request, reply) => {
    const created = await request.services().marketplace.createQuoteRequest(request.actor, request.body);
    return reply.code(201).header('location', `/v1/quote-requests/${created.id}`).send(created);
  });

  app.get('/quote-requests', {
    onRequest: app.requireRole(),
    schema: { operationId: 'listQuoteRequests', tags: ['quote requests'], summary: 'Quote requests the caller may see, newest first', security: bearer, querystring: ListQuery, response: { 200: pageOf(QuoteRequest), ...problems(400, 401, 403, 422) } },
  }, async (request) => {
    const { cursor, limit, createdFrom, createdTo, ...filter } = request.query;
    return request.services().marketplace.listQuoteRequests(
      request.actor,
      { ...filter, ...(createdFrom ? { createdFrom: new Date(createdFrom) } : {}), ...(createdTo ? { createdTo: new Date(createdTo) } : {}) },
      { cursor, limit },
    );
  });

  app.get('/quote-requests/:id', {
    onRequest: app.requireRole(),
    schema: { operationId: 'getQuoteRequest', tags: ['quote requests'], summary: 'One quote request', security: bearer, params: IdParams, response: { 200: QuoteRequest, ...problems(400, 401, 403, 404) } },
  }, async (request) => request.services().marketplace.getQuoteRequest(request.actor, request.params.id));

  app.post('/quote-requests/:id/cancel', {
    config: { idempotent: true },
    onRequest: app.requireRole('customer'),
    schema: { operationId: 'cancelQuoteRequest', tags: ['quote requests'], summary: 'Cancel an open request', security: bearer, params: IdParams, response: { 200: QuoteRequest, ...problems(400, 401, 403, 404, 409) } },
  }, async (request) => request.services().marketplace.cancelQuoteRequest(request.actor, request.params.id));

  app.post('/quote-requests/:id/accept', {
    config: { idempotent: true },
    onRequest: app.requireRole('customer'),
    schema: {
      operationId: 'acceptQuote',
      tags: ['quote requests'],
      summary: 'Accept one quote; the request closes and the other quotes are closed',
      security: bearer,
      params: IdParams,
      body: AcceptBody,
      response: { 200: Type.Object({ request: QuoteRequest, quote: Quote }), ...problems(400, 401, 403, 404, 409, 422) },
    },
  }, async (request) => request.services().marketplace.acceptQuote(request.actor, request.params.id, request.body.quoteId));

  app.get('/quote-requests/:id/quotes', {
    onRequest: app.requireRole(),
    schema: {
      operationId: 'listQuotesOnRequest',
      tags: ['quotes'],
      summary: 'Quotes on a request (a dealer sees only their own)',
      security: bearer,
      params: IdParams,
      querystring: Type.Object(PageQuery, { additionalProperties: false }),
      response: { 200: pageOf(Quote), ...problems(400, 401, 403, 404, 422) },
    },
  }, async (request) => request.services().marketplace.listQuotesForRequest(request.actor, request.params.id, request.query));

  app.post('/quote-requests/:id/quotes', {
    config: { idempotent: true },
    onRequest: app.requireRole('dealer'),
    schema: { operationId: 'submitQuote', tags: ['quotes'], summary: 'Submit this dealer’s quote (one per request)', security: bearer, params: IdParams, body: SubmitQuote, response: { 201: Quote, ...problems(400, 401, 403, 404, 409, 422) } },
  }, async (request, reply) => {
    const quote = await request.services().marketplace.submitQuote(request.actor, request.params.id, { ...request.body, validUntil: new Date(request.body.validUntil) });
    return reply.code(201).header('location', `/v1/quotes/${quote.id}`).send(quote);
  });
};

export { SubmitQuote };
