/**
 * Hostile values, schema-blind: the strings, numbers and JSON documents a careless or malicious
 * client sends. Numbers travel as JSON text (`RawNumber`), so forms JavaScript cannot hold
 * (1e309, -0, 9007199254740993) reach the server exactly as written.
 */
import fc from 'fast-check';

export class RawNumber {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}
export type JsonValue = null | boolean | string | RawNumber | JsonValue[] | { [key: string]: JsonValue };

/** JSON text of `value`, numbers exactly as generated. */
export function jsonText(value: JsonValue): string {
  if (value instanceof RawNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}:${jsonText(item)}`).join(',')}}`;
  return JSON.stringify(value);
}

/** Numeric text that ajv's coercion or JSON.parse treats in surprising ways. */
export const numericTexts = [
  '1e309', '-1e309', '1e3', '1E3', '1e+2', '1e-3', '1e16', '9e15', '-0', '0', '-1', '1.5', '0.1', '1.0',
  '9007199254740991', '9007199254740992', '9007199254740993', '18446744073709551616', '1'.repeat(400),
  'Infinity', '-Infinity', 'NaN', '0x10', '0b1', '0o7', ' 1', '1 ', '+1', '1_000', '١٢',
] as const;

/** The same forms as JSON numbers (the ones JSON can write). */
const jsonNumbers = fc.oneof(
  fc.constantFrom(...numericTexts.filter((text) => /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text))).map((text) => new RawNumber(text)),
  fc.double().filter(Number.isFinite).map((value) => new RawNumber(String(value))),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((value) => new RawNumber(String(value))),
);

const unicodeSamples = [
  '\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\ud83d', '\u202eevil\u202c', 'مرحبا بالعالم', 'שלום', '👍🏽', '🚗💨', '👨‍👩‍👧',
  '\ufeff', '\u200b', 'ｆｕｌｌ', 'e\u0301', '𝔘𝔫𝔦', '견적 요청', '\r\n', '\t', '\u0085', '\u2028',
];
const injectionLike = ["' OR 1=1 --", '"; DROP TABLE accounts; --', '${7*7}', '{{7*7}}', '../../etc/passwd', '%00', '%', '%zz', '<script>alert(1)</script>', '\\', '`id`', "O'Brien", '?', '#', '/', '&', '='];
const emptyAndLong = ['', ' ', '   ', 'x'.repeat(10_000), '가'.repeat(5_000), '🚗'.repeat(3_000)];

/** Any UTF-16 code unit, lone surrogates included, biased towards the awkward ones. */
const codeUnit = fc.oneof(
  fc.integer({ min: 0x20, max: 0x7e }),
  fc.integer({ min: 0, max: 0x1f }),
  fc.integer({ min: 0xd800, max: 0xdfff }),
  fc.integer({ min: 0x80, max: 0xffff }),
).map((code) => String.fromCharCode(code));

/** A base64url token that decodes to JSON: what a forged opaque cursor or token looks like. */
const forgedToken = fc
  .array(fc.oneof(fc.constantFrom(...numericTexts).map(Number), fc.integer(), fc.constant(8.64e15 + 1), fc.string({ maxLength: 5 })), { maxLength: 4 })
  .map((items) => Buffer.from(JSON.stringify(items)).toString('base64url'));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...numericTexts, ...unicodeSamples, ...injectionLike, ...emptyAndLong) },
  { weight: 4, arbitrary: fc.string({ unit: codeUnit, maxLength: 40 }) },
  { weight: 1, arbitrary: forgedToken },
  // Rare: in a URL most of these end at the 414 before reaching anything else.
  { weight: 1, arbitrary: fc.nat({ max: 200_000 }).map((length) => 'a'.repeat(length)) },
);

const hostileKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', '', 'toString', 'hasOwnProperty', 'a.b', '$where'), hostileString);

/** Any JSON value: wrong types, deep-ish nesting, odd keys. */
export const hostileJson: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    jsonNumbers,
    hostileString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** JSON documents nested far deeper than any schema: parsers and validators must not recurse into a crash. */
export const deeplyNestedJson = fc.record({ depth: fc.integer({ min: 1_000, max: 100_000 }), kind: fc.constantFrom('array', 'object') }).map(({ depth, kind }) =>
  kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
);

/** Text that is not JSON at all, or JSON cut short. */
export const brokenJson = fc.oneof(
  fc.constantFrom('{', '}', '{"a":', '{"a":1,}', "{'a':1}", '[1,2', 'nul', 'undefined', '{"a":NaN}', '{"a":Infinity}', '\u0000', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}'),
  hostileString.filter((text) => !isJson(text)),
);

/** As fastify's parser reads it: a leading byte-order mark is dropped first. */
function isJson(text: string): boolean {
  try {
    JSON.parse(text.replace(/^\ufeff/, ''));
    return true;
  } catch {
    return false;
  }
}

/** Numbers a tampering client puts into a token: past what a Date holds, unsafe integers, fractions, negatives. */
const forgedNumbers = [0, -1, 1.5, 8.64e15 + 1, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 1e308];

/**
 * Every variant of an opaque base64url-JSON token (a page cursor) with one of its numbers replaced
 * by a forged one: structure-aware tampering that random bytes would almost never hit.
 */
export function forgedVariants(token: string): string[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return [];
  }
  if (decoded === null || typeof decoded !== 'object') return [];
  const entries = Object.entries(decoded);
  const rebuild = (replaced: [string, unknown][]) => (Array.isArray(decoded) ? replaced.map(([, value]) => value) : Object.fromEntries(replaced));
  return entries.flatMap(([key, value], index) =>
    typeof value !== 'number'
      ? []
      : forgedNumbers.map((forged) => Buffer.from(JSON.stringify(rebuild(entries.map((entry, at) => (at === index ? [key, forged] : entry))))).toString('base64url')),
  );
}

/** Only what HTTP/1.1 can carry in a header value (visible ASCII, tab, obs-text), else the client library refuses it. */
const headerCharacter = fc.oneof(fc.integer({ min: 0x21, max: 0x7e }), fc.constant(0x20), fc.constant(0x09), fc.integer({ min: 0x80, max: 0xff })).map((code) => String.fromCharCode(code));
export const hostileHeaderValue = fc.oneof(
  fc.string({ unit: headerCharacter, minLength: 1, maxLength: 60 }).map((value) => value.trim() || 'x'),
  fc.nat({ max: 12_000 }).map((length) => `h${'x'.repeat(length)}`),
  fc.constantFrom('0-1-18446744073709551616', '4294967296-1-1', '9999999999-9999999999-99999999999999999999', '0-1-1,0-1-2,0-1-3', '0-0-0', '-1-1-1', '1e309', 'null', '[]', '{}'),
);
