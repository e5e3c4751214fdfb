import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { problems } from '@chucar/contracts';
import { Account, AccountStatus, Dealer, IdParams, PageQuery, pageOf } from './schemas.ts';

const bearer = [{ bearerAuth: [] }];

/** The caller's own account, and dealer review for admins. */
export const accountRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/me', {
    onRequest: app.requireRole(),
    schema: { operationId: 'getMyAccount', tags: ['accounts'], summary: 'The signed-in account', security: bearer, response: { 200: Account, ...problems(401) } },
  }, async (request) => request.services().accounts.getAccount(request.actor, request.actor.accountId));

  app.get('/dealers', {
    onRequest: app.requireRole('admin', 'analyst'),
    schema: {
      operationId: 'listDealers',
      tags: ['dealers'],
      summary: 'Dealers, optionally by status (e.g. pending_review)',
      security: bearer,
      querystring: Type.Object({ status: Type.Optional(AccountStatus), ...PageQuery }, { additionalProperties: false }),
      response: { 200: pageOf(Dealer), ...problems(400, 401, 403, 422) },
    },
  }, async (request) => {
    const { cursor, limit, ...filter } = request.query;
    return request.services().accounts.listDealers(request.actor, filter, { cursor, limit });
  });

  app.get('/dealers/:id', {
    onRequest: app.requireRole('admin', 'analyst'),
    schema: { operationId: 'getDealer', tags: ['dealers'], summary: 'One dealer', security: bearer, params: IdParams, response: { 200: Dealer, ...problems(400, 401, 403, 404) } },
  }, async (request) => request.services().accounts.getDealer(request.actor, request.params.id));

  app.post('/dealers/:id/approve', {
    config: { idempotent: true },
    onRequest: app.requireRole('admin'),
    schema: { operationId: 'approveDealer', tags: ['dealers'], summary: 'Approve a dealer under review', security: bearer, params: IdParams, response: { 200: Dealer, ...problems(400, 401, 403, 404, 409) } },
  }, async (request) => request.services().accounts.approveDealer(request.actor, request.params.id));

  app.post('/dealers/:id/suspend', {
    config: { idempotent: true },
    onRequest: app.requireRole('admin'),
    schema: { operationId: 'suspendDealer', tags: ['dealers'], summary: 'Suspend a dealer (their sessions end at the next refresh)', security: bearer, params: IdParams, response: { 200: Dealer, ...problems(400, 401, 403, 404, 409) } },
  }, async (request) => request.services().accounts.suspendDealer(request.actor, request.params.id));
};
