import type { Kysely } from 'kysely';
import { ValidationError, kstRangeInstants, type Database as Schema, type RegionCode, type ReportParams } from '@chucar/domain';

/** A report's range as UTC instants and its filters as ids, resolved once on the replica. */
export type ReportScope = { start: Date; end: Date; region?: RegionCode; makerId?: number; modelId?: number };

/** Maker and model codes become ids here, so the big queries filter on indexed ids; unknown codes are 422. */
export async function resolveScope(db: Kysely<Schema>, params: ReportParams): Promise<ReportScope> {
  const scope: ReportScope = { ...kstRangeInstants(params.from, params.to) };
  const { region, maker, model } = params.filters;
  if (region) scope.region = region;
  if (maker) {
    const found = await db.selectFrom('makers').select('id').where('code', '=', maker).executeTakeFirst();
    if (!found) throw ValidationError.single('maker', `no maker has the code ${JSON.stringify(maker)}`);
    scope.makerId = found.id;
  }
  if (model) {
    let query = db.selectFrom('models').select(['id', 'maker_id']).where('code', '=', model);
    if (scope.makerId !== undefined) query = query.where('maker_id', '=', scope.makerId);
    const found = await query.limit(2).execute();
    if (found.length === 0) throw ValidationError.single('model', `no model${maker ? ` of ${maker}` : ''} has the code ${JSON.stringify(model)}`);
    if (found.length > 1) throw ValidationError.single('model', `several makers have a model ${JSON.stringify(model)}: add the maker filter`);
    scope.modelId = found[0]!.id;
  }
  return scope;
}
