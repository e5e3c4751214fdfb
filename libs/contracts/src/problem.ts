import { Type, type Static, type TSchema } from 'typebox';

export const FieldProblem = Type.Object({ field: Type.String(), message: Type.String() });
export type FieldProblem = Static<typeof FieldProblem>;

/**
 * RFC 9457 problem details, as every app answers an error: `code` is the stable name a client
 * branches on, `errors` lists field problems, `requestId` ties the answer to the logs.
 */
export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    code: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(FieldProblem)),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);
export type ProblemDetails = Static<typeof Problem>;

/**
 * The error answers a route can give, so its OpenAPI lists them: references to `Problem`, which
 * the app adds once with `app.addSchema(Problem)`.
 */
export function problems(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((status) => [status, Type.Ref('Problem')]));
}
