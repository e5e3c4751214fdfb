/** Small load generators for the fault tests: clients that loop until told to stop, counting what happened. */
import { Agent, type Dispatcher } from 'undici';

export interface Tally {
  ok: number;
  failed: number;
  /** Attempts that failed and were retried (idempotent clients only). */
  retried: number;
  failures: string[];
}

export function newTally(): Tally {
  return { ok: 0, failed: 0, retried: 0, failures: [] };
}

function noteFailure(tally: Tally, what: string): void {
  tally.failed += 1;
  if (tally.failures.length < 20) tally.failures.push(what);
}

/** Runs `clients` loops of `step` until `stop()` says so; each loop waits for its own step. */
export async function runClients(clients: number, stop: () => boolean, step: (client: number) => Promise<void>): Promise<void> {
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (!stop()) await step(client);
    }),
  );
}

/**
 * Connections that leave from `localAddress` (any 127.0.0.0/8 address is this host's): a user of an
 * address of its own, as the gateways see it behind the balancer, which replaces X-Forwarded-For.
 */
export function connectionsFrom(localAddress: string): Dispatcher {
  return new Agent({ localAddress, connect: { timeout: 5000 } });
}

/** One request, no retry: any network error or non-2xx answer is a failure. */
export async function requestOnce(tally: Tally, url: string, init: RequestInit = {}): Promise<Response | null> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
    const body = await response.text();
    if (response.ok) tally.ok += 1;
    else noteFailure(tally, `${init.method ?? 'GET'} ${url} → ${response.status} ${body.slice(0, 200)}`);
    return response;
  } catch (error) {
    noteFailure(tally, `${init.method ?? 'GET'} ${url} → ${error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? '')}` : String(error)}`);
    return null;
  }
}

export interface AcknowledgedCreate {
  key: string;
  /** The 2xx was a stored answer replayed (an earlier attempt had committed). */
  replayed: boolean;
  /** When the attempt that got the 2xx was sent, and when its answer arrived (epoch ms). */
  sentAtMs: number;
  acknowledgedAtMs: number;
}

/**
 * A client that creates something with an Idempotency-Key and, on any failure (network error,
 * 5xx, 409 in flight), sends the very same request with the same key again until it gets a 2xx.
 * Returns the key, whether the final answer was a replay, and when that attempt was sent and answered.
 */
export async function createWithRetries(
  tally: Tally,
  url: string,
  headers: Record<string, string>,
  key: string,
  body: object,
  options: { deadlineMs?: number; dispatcher?: Dispatcher } = {},
): Promise<AcknowledgedCreate | null> {
  const deadlineMs = options.deadlineMs ?? 30_000;
  const deadline = Date.now() + deadlineMs;
  for (let attempt = 0; Date.now() < deadline; attempt += 1) {
    if (attempt > 0) {
      tally.retried += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const sentAtMs = Date.now();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
        ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
      });
      const text = await response.text();
      if (response.ok) {
        tally.ok += 1;
        return { key, replayed: response.headers.get('idempotent-replayed') === 'true', sentAtMs, acknowledgedAtMs: Date.now() };
      }
      if (response.status < 500 && response.status !== 409) {
        noteFailure(tally, `POST ${url} → ${response.status} ${text.slice(0, 200)}`);
        return null;
      }
    } catch {
      // A connection reset by the killed gateway, or a timeout: send the same request again.
    }
  }
  noteFailure(tally, `POST ${url}: no 2xx before the deadline`);
  return null;
}

