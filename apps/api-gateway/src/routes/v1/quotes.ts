import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { problems } from '@chucar/contracts';
import { IdInput, IdParams, PageQuery, Quote, QuoteRevision, QuoteStatus, pageOf } from './schemas.ts';
import { SubmitQuote } from './quote-requests.ts';

const bearer = [{ bearerAuth: [] }];

export const quoteRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/quotes', {
    onRequest: app.requireRole('dealer'),
    schema: {
      operationId: 'listMyQuotes',
      tags: ['quotes'],
      summary: 'This dealer’s own quotes, newest first',
      security: bearer,
      querystring: Type.Object({ status: Type.Optional(QuoteStatus), requestId: Type.Optional(IdInput), ...PageQuery }, { additionalProperties: false }),
      response: { 200: pageOf(Quote), ...problems(400, 401, 403, 422) },
    },
  }, async (request) => {
    const { cursor, limit, ...filter } = request.query;
    return request.services().marketplace.listMyQuotes(request.actor, filter, { cursor, limit });
  });

  app.get('/quotes/:id', {
    onRequest: app.requireRole(),
    schema: { operationId: 'getQuote', tags: ['quotes'], summary: 'One quote', security: bearer, params: IdParams, response: { 200: Quote, ...problems(400, 401, 403, 404) } },
  }, async (request) => request.services().marketplace.getQuote(request.actor, request.params.id));

  app.patch('/quotes/:id', {
    config: { idempotent: true },
    onRequest: app.requireRole('dealer'),
    schema: { operationId: 'reviseQuote', tags: ['quotes'], summary: 'Revise the quote while the request is open', security: bearer, params: IdParams, body: SubmitQuote, response: { 200: Quote, ...problems(400, 401, 403, 404, 409, 422) } },
  }, async (request) => request.services().marketplace.reviseQuote(request.actor, request.params.id, { ...request.body, validUntil: new Date(request.body.validUntil) }));

  app.post('/quotes/:id/withdraw', {
    config: { idempotent: true },
    onRequest: app.requireRole('dealer'),
    schema: { operationId: 'withdrawQuote', tags: ['quotes'], summary: 'Withdraw the quote while the request is open', security: bearer, params: IdParams, response: { 200: Quote, ...problems(400, 401, 403, 404, 409) } },
  }, async (request) => request.services().marketplace.withdrawQuote(request.actor, request.params.id));

  app.get('/quotes/:id/revisions', {
    onRequest: app.requireRole(),
    schema: { operationId: 'listQuoteRevisions', tags: ['quotes'], summary: 'Every revision of a quote, oldest first', security: bearer, params: IdParams, response: { 200: Type.Array(QuoteRevision), ...problems(400, 401, 403, 404) } },
  }, async (request) => request.services().marketplace.listQuoteRevisions(request.actor, request.params.id));
};
