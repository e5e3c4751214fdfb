/** SIGTERM path (main.ts calls app.close): in-flight requests finish, new connections are refused. */
import { describe, expect, it } from 'vitest';
import { buildTestApp, testPassword, uniqueEmail } from '../testing/test-app.ts';

describe('graceful close', () => {
  it('finishes a request already in flight, then refuses new connections', async () => {
    const app = await buildTestApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const base = `http://127.0.0.1:${port}`;

    // Sign-up spends tens of milliseconds hashing the password: long enough to close meanwhile.
    const inFlight = fetch(`${base}/v1/auth/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: uniqueEmail('graceful'), password: testPassword, displayName: 'graceful' }),
      signal: AbortSignal.timeout(10_000),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closing = app.close();

    const response = await inFlight;
    expect(response.status).toBe(201);
    await closing;
    await expect(fetch(`${base}/health/live`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  });
});
