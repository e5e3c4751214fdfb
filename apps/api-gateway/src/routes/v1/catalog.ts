import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listRegions } from '@chucar/domain';
import { problems } from '@chucar/contracts';
import { BodyType, CarModel, FuelType, IdInput, IdParams, Maker, RegionCode, Trim, TrimDetail } from './schemas.ts';

/** The public catalog and the region list: no login needed, so the web client can show them to visitors. */
export const catalogRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/regions', {
    schema: { operationId: 'listRegions', tags: ['catalog'], summary: 'Regions a request can be made in', security: [], response: { 200: Type.Array(Type.Object({ code: RegionCode, nameKo: Type.String() })) } },
  }, async () => listRegions());

  app.get('/catalog/makers', {
    schema: { operationId: 'listMakers', tags: ['catalog'], summary: 'Car makers', security: [], response: { 200: Type.Array(Maker) } },
  }, async (request) => request.services().catalog.listMakers());

  app.get('/catalog/models', {
    schema: { operationId: 'listModels', tags: ['catalog'], summary: 'Models, optionally of one maker', security: [], querystring: Type.Object({ makerId: Type.Optional(IdInput) }, { additionalProperties: false }), response: { 200: Type.Array(CarModel), ...problems(400) } },
  }, async (request) => request.services().catalog.listModels(request.query.makerId));

  app.get('/catalog/trims', {
    schema: {
      operationId: 'listTrims',
      tags: ['catalog'],
      summary: 'Trims with list prices',
      security: [],
      querystring: Type.Object({ makerId: Type.Optional(IdInput), modelId: Type.Optional(IdInput), fuelType: Type.Optional(FuelType), bodyType: Type.Optional(BodyType) }, { additionalProperties: false }),
      response: { 200: Type.Array(Trim), ...problems(400) },
    },
  }, async (request) => request.services().catalog.listTrims(request.query));

  app.get('/catalog/trims/:id', {
    schema: { operationId: 'getTrim', tags: ['catalog'], summary: 'A trim with its maker, model and options', security: [], params: IdParams, response: { 200: TrimDetail, ...problems(400, 404) } },
  }, async (request) => request.services().catalog.getTrim(request.params.id));
};
