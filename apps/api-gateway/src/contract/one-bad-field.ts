/**
 * Requests valid in every part but one field, which carries a value the contract refuses: the
 * systematic half of the bad-input test, beside the random half in bad-requests.ts.
 */
import { jsonText, RawNumber } from './bad-values.ts';
import type { JsonSchema, Operation } from './openapi-operations.ts';
import { exampleObject, exampleValue, type Known } from './schema-values.ts';

export interface Field {
  operation: Operation;
  where: 'path' | 'query' | 'body';
  name: string;
  schema: JsonSchema;
}

/** Every path and query parameter and top-level body property of every operation. */
export function fieldsOf(operations: Operation[]): Field[] {
  return operations.flatMap((operation) => [
    ...operation.pathParameters.map(({ name, schema }) => ({ operation, where: 'path' as const, name, schema })),
    ...operation.queryParameters.map(({ name, schema }) => ({ operation, where: 'query' as const, name, schema })),
    ...Object.entries(operation.body?.properties ?? {}).map(([name, schema]) => ({ operation, where: 'body' as const, name, schema })),
  ]);
}

/**
 * Text the field must refuse. Integers: the forms ajv's coercion turns into ±Infinity, and numbers
 * outside the range or not whole. Date-times: well-formed-looking instants that do not exist, or
 * that a Date cannot hold (the leap second).
 */
export function refusedForms(schema: JsonSchema): string[] {
  if (schema.type === 'integer') return ['1e309', '-1e309', 'Infinity', '-Infinity', '1e400', String(BigInt(schema.maximum ?? Number.MAX_SAFE_INTEGER) + 1n), String(BigInt(schema.minimum ?? Number.MIN_SAFE_INTEGER) - 1n), '-1', '1.5'];
  if (schema.format === 'date-time') return ['2016-12-31T23:59:60Z', '2026-13-01T00:00:00Z', '2023-02-29T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:00:00', '2026-01-01'];
  return [];
}

export interface InjectRequest {
  method: Operation['method'];
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

/** The field carries `text`; in a body, as a JSON string, or as a bare JSON number when `asJsonNumber`. */
export function requestWithOneBadField(field: Field, text: string, asJsonNumber: boolean, known: Known): InjectRequest {
  const { operation, where, name } = field;
  const path = operation.pathParameters.reduce(
    (url, parameter) => url.replace(`{${parameter.name}}`, where === 'path' && parameter.name === name ? encodeURIComponent(text) : jsonText(exampleValue(parameter.schema, known))),
    operation.path,
  );
  const url = where === 'query' ? `${path}?${name}=${encodeURIComponent(text)}` : path;
  if (!operation.body) return { method: operation.method, url, headers: {} };
  const body = { ...exampleObject(operation.body, known), ...(where === 'body' ? { [name]: asJsonNumber ? new RawNumber(text) : text } : {}) };
  return { method: operation.method, url, headers: { 'content-type': 'application/json' }, payload: jsonText(body) };
}
