/** The gateway's routes as its OpenAPI document describes them: what the bad-input generator aims at. */

/** The part of JSON Schema the route schemas use. */
export interface JsonSchema {
  type?: string;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
}

export interface Parameter {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As OpenAPI writes it: `/v1/quotes/{id}`. */
  path: string;
  pathParameters: Parameter[];
  queryParameters: Parameter[];
  /** The JSON body's schema, or null when the route declares none. */
  body: JsonSchema | null;
  /** Needs a bearer token. */
  secured: boolean;
}

interface OpenApiParameter {
  in: string;
  name: string;
  required?: boolean;
  schema: JsonSchema;
}
interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  security?: object[];
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const isMethod = (name: string): name is Operation['method'] => (methods as readonly string[]).includes(name);

export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).flatMap(([name, operation]) => {
      const method = name.toUpperCase();
      if (!isMethod(method)) return [];
      const parameters = (where: string) =>
        (operation.parameters ?? []).filter((parameter) => parameter.in === where).map(({ name: parameterName, required, schema }) => ({ name: parameterName, required: required ?? false, schema }));
      return [{
        method,
        path,
        pathParameters: parameters('path'),
        queryParameters: parameters('query'),
        body: operation.requestBody?.content?.['application/json']?.schema ?? null,
        secured: (operation.security ?? []).length > 0,
      }];
    }),
  );
}

/** Whether a request can change anything: such requests are only ever sent with a defect that must stop them. */
export function isWrite(operation: Operation): boolean {
  return operation.method !== 'GET';
}
