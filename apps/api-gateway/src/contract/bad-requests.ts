/**
 * Whole malformed requests for one operation: path, query, headers and body. Reads may be anything;
 * a write always carries a defect the gateway must refuse before it changes anything (an invalid
 * path id, an invalid body, no or a forged token, a body it cannot parse), so the database must be
 * unchanged afterwards and every answer to a write must be a 4xx.
 */
import fc from 'fast-check';
import { brokenJson, deeplyNestedJson, hostileHeaderValue, hostileJson, hostileString, jsonText, RawNumber, type JsonValue } from './bad-values.ts';
import { isWrite, type Operation, type Parameter } from './openapi-operations.ts';
import { anyValue, invalidObject, invalidValue, oddButValidValue, validObject, validValue, type Known } from './schema-values.ts';

export interface Caller {
  authorization: string;
  consistencyToken: string;
}

export interface Fixtures extends Known {
  /** One signed-in account per role. */
  callers: Caller[];
}

export type Defect = 'path' | 'body' | 'token' | 'content-type';

export interface BadRequest {
  method: Operation['method'];
  url: string;
  headers: Record<string, string>;
  payload?: string;
  /** What must stop a write before it changes anything; null for reads. */
  defect: Defect | null;
}

function short(text: string): string {
  return text.length <= 200 ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, 200))}… (${text.length} chars)`;
}
/** One line per request, long values cut, so a failure report stays readable. */
export function describeRequest(request: BadRequest): string {
  const headers = Object.entries(request.headers).map(([name, value]) => `${name}: ${short(value)}`).join(', ');
  return `${request.method} ${short(request.url)} {${headers}} payload ${request.payload === undefined ? 'none' : short(request.payload)} defect ${request.defect}`;
}

/** Percent-encodes like encodeURIComponent; a lone surrogate goes out as the three bytes a naive client would send. */
function encodeComponent(text: string): string {
  let encoded = '';
  for (const character of text) {
    const code = character.charCodeAt(0);
    if (character.length === 1 && code >= 0xd800 && code <= 0xdfff) {
      encoded += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
    } else {
      encoded += encodeURIComponent(character);
    }
  }
  return encoded;
}

function asText(value: JsonValue): string {
  if (value instanceof RawNumber) return value.text;
  if (typeof value === 'string') return value;
  return jsonText(value);
}

/** Escapes no decoder accepts, sent as they are. */
const malformedEscape = fc.constantFrom('%', '%zz', '%E0%A4%A', '%ED%A0%80', '%FF', '%C0%AF', 'a%');

function pathSegment(parameter: Parameter, fixtures: Fixtures, mustBeInvalid: boolean): fc.Arbitrary<string> {
  const invalid = fc.oneof(
    invalidValue(parameter.schema, fixtures).map((value) => encodeComponent(asText(value))),
    malformedEscape,
    fc.integer({ min: 101, max: 2_000 }).map((length) => '1'.repeat(length)),
  );
  if (mustBeInvalid) return invalid;
  return fc.oneof(invalid, validValue(parameter.schema, fixtures).map(asText), oddButValidValue(parameter.schema, fixtures).map((value) => encodeComponent(asText(value))));
}

/** Declared parameters (each maybe absent, maybe repeated) plus unknown ones. */
function queryString(operation: Operation, fixtures: Fixtures): fc.Arbitrary<string> {
  const declared = operation.queryParameters.map((parameter) => fc.option(anyValue(parameter.schema, fixtures).map((value) => ({ name: parameter.name, value })), { freq: 2 }));
  const unknownPair = fc.record({ name: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'unknown', 'limit[]', ''), hostileString), value: hostileJson });
  const unknown = fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(unknownPair, { minLength: 1, maxLength: 2 }) });
  const encoded = (text: string) => fc.oneof({ weight: 9, arbitrary: fc.constant(encodeComponent(text)) }, { weight: 1, arbitrary: malformedEscape });
  return fc.tuple(fc.tuple(...declared), unknown).chain(([known, extra]) => {
    const pairs = [...known.flatMap((pair) => (pair ? [pair] : [])), ...extra].flatMap(({ name, value }) =>
      (Array.isArray(value) ? value : [value]).map((item) => ({ name, value: asText(item) })),
    );
    return pairs.length === 0 ? fc.constant('') : fc.tuple(...pairs.map(({ name, value }) => fc.tuple(encoded(name), encoded(value)).map(([key, text]) => `${key}=${text}`))).map((parts) => parts.join('&'));
  });
}

const forgedAuthorization = fc.oneof(
  fc.constantFrom('Bearer', 'Bearer ', 'bearer x', 'Basic dXNlcjpwYXNz', 'Bearer a.b.c', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIiwicm9sZSI6ImFkbWluIn0.', 'Bearer null'),
  hostileHeaderValue,
  hostileHeaderValue.map((value) => `Bearer ${value}`),
);

function authorization(operation: Operation, fixtures: Fixtures, mustBeRefused: boolean): fc.Arbitrary<string | null> {
  const refused = fc.oneof(fc.constant(null), forgedAuthorization);
  if (mustBeRefused) return refused;
  const signedIn = fc.constantFrom(...fixtures.callers.map((caller) => caller.authorization));
  return operation.secured ? fc.oneof({ weight: 4, arbitrary: signedIn }, { weight: 1, arbitrary: refused }) : fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: signedIn }, { weight: 1, arbitrary: refused });
}

function absentOr(arbitrary: fc.Arbitrary<string>, absentWeight: number): fc.Arbitrary<string | null> {
  return fc.oneof({ weight: absentWeight, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
}

/** The headers every route reads or could trip on: consistency token, request id, accept, and a few a proxy adds. */
function otherHeaders(fixtures: Fixtures): fc.Arbitrary<Record<string, string>> {
  return fc
    .record({
      'x-consistency-token': absentOr(fc.oneof(fc.constantFrom(...fixtures.callers.map((caller) => caller.consistencyToken)), hostileHeaderValue), 2),
      'x-request-id': absentOr(fc.oneof(fc.constant('contract-test.request-1'), hostileHeaderValue), 2),
      accept: absentOr(fc.oneof(fc.constantFrom('application/xml', 'text/html', '*/*', 'application/problem+json', 'image/png;q=0'), hostileHeaderValue), 3),
      origin: absentOr(hostileHeaderValue, 6),
      'x-forwarded-for': absentOr(hostileHeaderValue, 6),
      'accept-language': absentOr(hostileHeaderValue, 6),
    })
    .map((headers) => Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== null)));
}

interface Body {
  contentType: string | null;
  payload: string | undefined;
}

const jsonContentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/json;charset=UTF-8');

/** A body the route's schema refuses, correctly labelled as JSON. */
function invalidBody(operation: Operation, fixtures: Fixtures): fc.Arbitrary<Body> {
  const schema = operation.body ?? {};
  return fc.record({ contentType: jsonContentType, payload: fc.oneof({ weight: 9, arbitrary: invalidObject(schema, fixtures).map(jsonText) }, { weight: 1, arbitrary: deeplyNestedJson }) });
}

/** A body the gateway cannot parse: not JSON though labelled so, labelled as something else, or not labelled at all. */
function unparsableBody(operation: Operation, fixtures: Fixtures): fc.Arbitrary<Body> {
  const anything = fc.oneof(operation.body ? validObject(operation.body, fixtures).map(jsonText) : hostileJson.map(jsonText), hostileString).filter((text) => text.length > 0);
  const otherType = fc.oneof(
    fc.constantFrom('text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz', 'application/xml', 'application/vnd.api+json', 'text/json'),
    hostileHeaderValue.filter((value) => !value.toLowerCase().includes('json')),
  );
  return fc.oneof(
    fc.record({ contentType: jsonContentType, payload: brokenJson }),
    fc.record({ contentType: otherType, payload: anything }),
    fc.record({ contentType: fc.constant(null), payload: anything }),
  );
}

/** Whatever a client might send, valid or not. */
function anyBody(operation: Operation, fixtures: Fixtures): fc.Arbitrary<Body> {
  const json = operation.body
    ? fc.oneof(validObject(operation.body, fixtures), invalidObject(operation.body, fixtures), hostileJson)
    : hostileJson;
  return fc.oneof(
    { weight: operation.body ? 1 : 3, arbitrary: fc.constant<Body>({ contentType: null, payload: undefined }) },
    { weight: 3, arbitrary: fc.record({ contentType: jsonContentType, payload: json.map(jsonText) }) },
    { weight: 1, arbitrary: invalidBody(operation, fixtures) },
    { weight: 1, arbitrary: unparsableBody(operation, fixtures) },
  );
}

function defectsOf(operation: Operation): Defect[] {
  return [
    ...(operation.pathParameters.length > 0 ? (['path'] as const) : []),
    ...(operation.body ? (['body'] as const) : []),
    ...(operation.secured ? (['token'] as const) : []),
    'content-type',
  ];
}

export function badRequestFor(operation: Operation, fixtures: Fixtures): fc.Arbitrary<BadRequest> {
  const defects: (Defect | null)[] = isWrite(operation) ? defectsOf(operation) : [null];
  return fc.constantFrom(...defects).chain((defect) =>
    fc
      .record({
        segments: fc.tuple(...operation.pathParameters.map((parameter) => pathSegment(parameter, fixtures, defect === 'path'))),
        query: queryString(operation, fixtures),
        authorization: authorization(operation, fixtures, defect === 'token'),
        headers: otherHeaders(fixtures),
        body: defect === 'body' ? invalidBody(operation, fixtures) : defect === 'content-type' ? unparsableBody(operation, fixtures) : anyBody(operation, fixtures),
      })
      .map(({ segments, query, authorization: token, headers, body }): BadRequest => {
        const path = operation.pathParameters.reduce((url, parameter, index) => url.replace(`{${parameter.name}}`, segments[index] ?? ''), operation.path);
        const request: BadRequest = {
          method: operation.method,
          url: query ? `${path}?${query}` : path,
          headers: { ...headers, ...(token === null ? {} : { authorization: token }), ...(body.contentType === null ? {} : { 'content-type': body.contentType }) },
          ...(body.payload === undefined ? {} : { payload: body.payload }),
          defect,
        };
        // fast-check prints a counterexample with this, instead of a 200,000-character string.
        return Object.assign(request, { [fc.toStringMethod]: () => describeRequest(request) });
      }),
  );
}

/** A request for any of `operations`, each equally likely. */
export function badRequest(operations: Operation[], fixtures: Fixtures): fc.Arbitrary<BadRequest> {
  return fc.oneof(...operations.map((operation) => badRequestFor(operation, fixtures)));
}
