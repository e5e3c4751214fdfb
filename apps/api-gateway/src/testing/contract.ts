/**
 * Contract checks for the gateway's tests against the real services it forwards to: an answer
 * checked against the shared schema, and a route's schema as each side's OpenAPI document states it.
 */
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';

/** How a service's answer departs from the shared schema, one line per problem; empty when it conforms. */
export function contractViolations(schema: TSchema, value: unknown): string[] {
  return Value.Errors(schema, value).map((error) => `${error.instancePath || '/'} ${error.message}`);
}

type OpenApiOperation = {
  parameters?: { in: string; name: string; schema?: unknown }[];
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};
type OpenApiDocument = { paths?: Record<string, Record<string, OpenApiOperation>> };

/** A service's OpenAPI document as it serves it (with `headers`, to a service that asks for a token). */
export async function fetchOpenApiDocument(baseUrl: string, headers: Record<string, string> = {}): Promise<OpenApiDocument> {
  const response = await fetch(`${baseUrl}/docs/json`, { headers, signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`${baseUrl}/docs/json answered ${response.status}`);
  return (await response.json()) as OpenApiDocument;
}

function operation(document: OpenApiDocument, path: string, method: string): OpenApiOperation {
  const found = document.paths?.[path]?.[method];
  if (!found) throw new Error(`the document has no ${method.toUpperCase()} ${path}`);
  return found;
}

/**
 * The JSON schema a document gives one answer of one operation. Its top-level description is left
 * out: it describes the answer (a route may say what a 200 means beside a 202), not its shape.
 */
export function documentedResponse(document: OpenApiDocument, path: string, method: string, status: number): unknown {
  const schema = operation(document, path, method).responses?.[String(status)]?.content?.['application/json']?.schema;
  if (typeof schema !== 'object' || schema === null) throw new Error(`the document states no JSON answer ${status} for ${method.toUpperCase()} ${path}`);
  const { description: _description, ...shape } = schema as Record<string, unknown>;
  return shape;
}

/** The schemas a document gives an operation's path and query parameters, by `in:name`. */
export function documentedParameters(document: OpenApiDocument, path: string, method: string): Record<string, unknown> {
  return Object.fromEntries((operation(document, path, method).parameters ?? []).map((parameter) => [`${parameter.in}:${parameter.name}`, parameter.schema]));
}
