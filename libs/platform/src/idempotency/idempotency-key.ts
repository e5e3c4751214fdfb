import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { HttpProblem } from '../http/problem-details.ts';

/**
 * The rules of the Idempotency-Key header (IETF httpapi draft "The Idempotency-Key HTTP Header
 * Field"), apart from storage: what a key may be, what makes two requests "the same", how long a
 * key lives, and how its stored answer is kept unreadable at rest.
 */
export const idempotencyKeyHeader = 'idempotency-key';
/** Set on an answer replayed from storage rather than produced again. */
export const idempotentReplayedHeader = 'idempotent-replayed';
export const defaultIdempotencyKeyTtlMs = 24 * 60 * 60 * 1000;
export const maxIdempotencyKeyLength = 255;

const visibleAscii = /^[\x21-\x7e]+$/;

/**
 * The key as sent: the draft's structured-field string (`"8e03978e-…"`), or the same characters
 * unquoted as most clients send them. 1 to 255 visible ASCII characters; absent or empty → null.
 */
export function parseIdempotencyKey(raw: string | string[] | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  const invalid = (why: string) =>
    new HttpProblem(400, 'invalid_idempotency_key', `Idempotency-Key ${why}: send 1 to ${maxIdempotencyKeyLength} visible ASCII characters, e.g. a UUID`);
  if (Array.isArray(raw)) throw invalid('is sent more than once');
  const quoted = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"');
  const key = quoted ? raw.slice(1, -1) : raw;
  if (key.length === 0 || key.length > maxIdempotencyKeyLength) throw invalid('has the wrong length');
  if (!visibleAscii.test(key) || key.includes('"') || key.includes('\\')) throw invalid('contains characters other than visible ASCII');
  return key;
}

/** Who a key belongs to: two accounts (or two anonymous clients) never share a key. */
export function idempotencyScope(caller: { accountId: number } | null, clientAddress: string): string {
  return caller ? `account:${caller.accountId}` : `client:${clientAddress}`.slice(0, 100);
}

/** JSON with object keys sorted at every level: the same request body always reads the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

export interface IdempotencySecrets {
  fingerprintKey: Buffer;
  sealKey: Buffer;
}

/** Two keys derived from a secret every instance shares (the gateways' JWT secret). */
export function deriveIdempotencySecrets(secret: string): IdempotencySecrets {
  const derive = (label: string) => createHmac('sha256', secret).update(`chucar idempotency ${label} v1`).digest();
  return { fingerprintKey: derive('fingerprint'), sealKey: derive('seal') };
}

/**
 * What makes a retry "the same request": method, path with query, and the parsed body (so key
 * order and whitespace do not matter). Keyed with a server secret, so a stored fingerprint of a
 * body holding a password cannot be brute-forced from the table.
 */
export function requestFingerprint(secrets: IdempotencySecrets, request: { method: string; url: string; body: unknown }): Buffer {
  return createHmac('sha256', secrets.fingerprintKey).update(`${request.method}\n${request.url}\n${canonicalJson(request.body ?? null)}`).digest();
}

export function sameFingerprint(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The answer kept for replays: status, the headers that matter, the body as sent. */
export interface StoredAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Answers can hold fresh credentials (a sign-up's refresh token, which the database otherwise keeps
 * only hashed), so they are stored sealed: AES-256-GCM, nonce and tag in front.
 */
export function sealAnswer(secrets: IdempotencySecrets, answer: StoredAnswer): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', secrets.sealKey, nonce);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(answer), 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, cipher.getAuthTag(), sealed]);
}

export function openAnswer(secrets: IdempotencySecrets, sealed: Buffer): StoredAnswer {
  const decipher = createDecipheriv('aes-256-gcm', secrets.sealKey, sealed.subarray(0, 12));
  decipher.setAuthTag(sealed.subarray(12, 28));
  const plain = Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
  return JSON.parse(plain) as StoredAnswer;
}
