/**
 * Values for one field, read from its JSON Schema: valid ones, odd but valid ones (what ajv's
 * coercion accepts), and ones the contract must refuse. A write is only ever sent carrying a
 * refused value, so "refused" here is deliberately narrow: only what is certainly invalid.
 */
import fc from 'fast-check';
import { hostileJson, hostileString, RawNumber, type JsonValue } from './bad-values.ts';
import type { JsonSchema } from './openapi-operations.ts';

/** What the API really handed out, so generated values sometimes reach real data. */
export interface Known {
  /** Ids of rows that exist. */
  ids: number[];
  /** Opaque tokens it issued (page cursors), and forged variants of them. */
  tokens: string[];
}

const number = (value: number | bigint | string) => new RawNumber(String(value));
const notAnObject = fc.constantFrom<JsonValue>('x', number(1), true, null, [], [{}, {}]);

function integerBounds(schema: JsonSchema) {
  return { minimum: schema.minimum ?? Number.MIN_SAFE_INTEGER, maximum: schema.maximum ?? Number.MAX_SAFE_INTEGER };
}

export function validValue(schema: JsonSchema, known: Known): fc.Arbitrary<JsonValue> {
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((alternative) => validValue(alternative, known)));
  if (schema.enum) return fc.constantFrom(...(schema.enum as JsonValue[]));
  switch (schema.type) {
    case 'integer': {
      const { minimum, maximum } = integerBounds(schema);
      const inRange = known.ids.filter((id) => id >= minimum && id <= maximum);
      return fc.oneof(fc.constantFrom(minimum, maximum, ...inRange), fc.integer({ min: Math.max(minimum, -(2 ** 31)), max: Math.min(maximum, 2 ** 31 - 1) })).map(number);
    }
    case 'string':
      if (schema.format === 'date-time') return fc.oneof(fc.date({ min: new Date('2000-01-01Z'), max: new Date('2100-01-01Z'), noInvalidDate: true }).map((date) => date.toISOString()), fc.constant(new Date(Date.now() + 3 * 86_400_000).toISOString()));
      if (schema.format === 'email') return fc.emailAddress().filter((email) => email.length <= (schema.maxLength ?? 254));
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 30) }).filter((text) => text.length >= (schema.minLength ?? 0));
    case 'array': {
      const items = schema.items ? validValue(schema.items, known) : hostileJson;
      const size = { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 4) };
      return schema.uniqueItems ? fc.uniqueArray(items, { ...size, selector: (item) => JSON.stringify(item) }) : fc.array(items, size);
    }
    case 'object':
      return validObject(schema, known);
    case 'null':
      return fc.constant(null);
    default:
      return hostileJson;
  }
}

/** Every required property valid, and some of the optional ones. */
export function validObject(schema: JsonSchema, known: Known): fc.Arbitrary<Record<string, JsonValue>> {
  const properties = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  return fc.record(
    Object.fromEntries(properties.map(([name, property]) => [name, validValue(property, known)])),
    { requiredKeys: properties.map(([name]) => name).filter((name) => required.has(name)) },
  );
}

/** Valid once ajv has coerced it: integers as text in odd notations, scalars wrapped in a one-item array. */
export function oddButValidValue(schema: JsonSchema, known: Known): fc.Arbitrary<JsonValue> {
  const valid = validValue(schema, known);
  if (schema.type === 'array' || schema.type === 'object') return valid;
  if (schema.type === 'integer') {
    return valid.chain((value) => {
      const text = value instanceof RawNumber ? value.text : String(value);
      return fc.constantFrom<JsonValue>(text, ` ${text} `, `${text}.0`, `${text}e0`, `+${text}`, [number(text)], [text]);
    });
  }
  return valid.map((value) => [value]);
}

/** Values the contract refuses for `schema`: out of range, non-finite, wrong type, too long, unknown, malformed. */
export function invalidValue(schema: JsonSchema, known: Known): fc.Arbitrary<JsonValue> {
  const wrongShape = fc.constantFrom<JsonValue>({}, { a: number(1) }, [number(1), number(2)], ['a', 'b']);
  if (schema.anyOf) return fc.oneof(wrongShape, ...schema.anyOf.filter((alternative) => alternative.type === 'string' && alternative.maxLength !== undefined).map((alternative) => tooLong(alternative)));
  if (schema.enum) {
    const allowed = new Set(schema.enum);
    return fc.oneof(wrongShape, hostileString.filter((text) => !allowed.has(text)), fc.constant(null));
  }
  switch (schema.type) {
    case 'integer':
      return fc.oneof(wrongShape, invalidInteger(schema));
    case 'string':
      return fc.oneof(wrongShape, invalidString(schema));
    case 'array': {
      const items = schema.items;
      const variants: fc.Arbitrary<JsonValue>[] = [fc.constantFrom<JsonValue>({}, { 0: 'a' })];
      if (items) variants.push(invalidValue(items, known).map((item) => [item]));
      if (items && schema.uniqueItems) variants.push(validValue(items, known).map((item) => [item, item]));
      if (items && schema.maxItems !== undefined) variants.push(fc.constant(Array.from({ length: schema.maxItems + 1 }, (_, index) => exampleItem(items, index))));
      return fc.oneof(...variants);
    }
    case 'object':
      return invalidObject(schema, known);
    default:
      return wrongShape;
  }
}

function invalidInteger(schema: JsonSchema): fc.Arbitrary<JsonValue> {
  const { minimum, maximum } = integerBounds(schema);
  const outside = [BigInt(minimum) - 1n, BigInt(maximum) + 1n, -(2n ** 64n), 2n ** 64n];
  return fc.constantFrom<JsonValue>(
    ...outside.flatMap((value) => [number(value), String(value)]),
    number('1e309'), number('-1e309'), number('1e400'), number('1.5'), number('-0.5'),
    '1e309', '-1e309', '1e400', 'Infinity', '-Infinity', 'NaN', '1.5', 'abc', '', '1 2', '٣', '１',
    ['1e309'], ['Infinity'],
    // Blank text coerces to 0.
    ...(minimum > 0 ? [' ', '\t'] : []),
  );
}

function invalidString(schema: JsonSchema): fc.Arbitrary<JsonValue> {
  const variants: fc.Arbitrary<JsonValue>[] = [];
  if (schema.maxLength !== undefined) variants.push(tooLong(schema));
  if ((schema.minLength ?? 0) > 0) variants.push(fc.constant(''));
  if (schema.format === 'email') variants.push(hostileString.filter((text) => !text.includes('@')));
  if (schema.format === 'date-time') {
    variants.push(
      fc.constantFrom('2016-12-31T23:59:60Z', '2024-13-01T00:00:00Z', '2023-02-29T00:00:00Z', '2024-01-01', '2024-01-01T00:00:00', '2024-01-01T24:00:00Z', '2024-1-1T00:00:00Z', 'yesterday', '1e309', '0', ''),
      hostileString.filter((text) => !/^\d{4}-/.test(text)),
    );
  }
  return variants.length > 0 ? fc.oneof(...variants) : fc.constantFrom<JsonValue>({}, [number(1), number(2)]);
}

function tooLong(schema: JsonSchema): fc.Arbitrary<JsonValue> {
  const length = (schema.maxLength ?? 0) + 1;
  return fc.constantFrom('x'.repeat(length), '🚗'.repeat(length), '가'.repeat(length), `${'a'.repeat(length)}@example.com`);
}

function exampleItem(items: JsonSchema, index: number): JsonValue {
  if (items.enum) return (items.enum as JsonValue[])[index % items.enum.length] ?? null;
  return items.type === 'integer' ? number(index + 1) : `item-${index}`;
}

/** An object body the schema refuses: not an object, an unknown property, a required one missing, or one property invalid. */
export function invalidObject(schema: JsonSchema, known: Known): fc.Arbitrary<JsonValue> {
  const properties = Object.entries(schema.properties ?? {});
  const variants: fc.Arbitrary<JsonValue>[] = [notAnObject];
  if (schema.additionalProperties === false) {
    variants.push(fc.tuple(validObject(schema, known), fc.constantFrom('unknownField', '__proto__', 'constructor', 'ID', ''), hostileJson).map(([body, key, value]) => ({ ...body, [key]: value })).filter((body) => Object.keys(body).some((key) => !Object.hasOwn(schema.properties ?? {}, key))));
  }
  const required = schema.required ?? [];
  if (required.length > 0) {
    variants.push(fc.tuple(validObject(schema, known), fc.constantFrom(...required)).map(([body, missing]) => Object.fromEntries(Object.entries(body).filter(([key]) => key !== missing))));
  }
  if (properties.length > 0) {
    variants.push(
      fc.tuple(validObject(schema, known), fc.constantFrom(...properties)).chain(([body, [name, property]]) => invalidValue(property, known).map((value) => ({ ...body, [name]: value }))),
    );
  }
  return fc.oneof(...variants);
}

/** Anything at all for this field: valid, odd, invalid or hostile; for free text, also the tokens the API issued, forged. */
export function anyValue(schema: JsonSchema, known: Known): fc.Arbitrary<JsonValue> {
  const freeText = schema.type === 'string' && !schema.enum && !schema.format && known.tokens.length > 0;
  const tokens = freeText ? [{ weight: 2, arbitrary: fc.constantFrom(...known.tokens) }] : [];
  // Mostly valid: a request fails at its first bad field, so deeper code is only reached when the others pass.
  return fc.oneof(
    { weight: 5, arbitrary: validValue(schema, known) },
    { weight: 2, arbitrary: oddButValidValue(schema, known) },
    { weight: 2, arbitrary: invalidValue(schema, known) },
    { weight: 1, arbitrary: hostileJson },
    ...tokens,
  );
}

/** One fixed valid value, for requests that must be valid except where a test puts its one bad value. */
export function exampleValue(schema: JsonSchema, known: Known): JsonValue {
  if (schema.anyOf?.[0]) return exampleValue(schema.anyOf[0], known);
  if (schema.enum) return (schema.enum as JsonValue[])[0] ?? null;
  switch (schema.type) {
    case 'integer': {
      const { minimum, maximum } = integerBounds(schema);
      return number(known.ids.find((id) => id >= minimum && id <= maximum) ?? minimum);
    }
    case 'string':
      if (schema.format === 'date-time') return new Date(Date.now() + 3 * 86_400_000).toISOString();
      if (schema.format === 'email') return 'someone@example.com';
      return 'x'.repeat(Math.max(schema.minLength ?? 0, 1));
    case 'array':
      return schema.items && (schema.minItems ?? 0) > 0 ? [exampleValue(schema.items, known)] : [];
    case 'object':
      return exampleObject(schema, known);
    default:
      return null;
  }
}

/** The required properties only, each with its example. */
export function exampleObject(schema: JsonSchema, known: Known): Record<string, JsonValue> {
  return Object.fromEntries((schema.required ?? []).map((name) => [name, exampleValue(schema.properties?.[name] ?? {}, known)]));
}
