/**
 * The service kit over a real loopback socket (no database or Redis): every error the HTTP layer
 * produces itself is problem+json with a request id, and readiness follows one contract.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { createHttpService } from './http-service.ts';
import { HttpProblem } from './problem-details.ts';
import { NoWritableNodeError } from '../db/cluster-errors.ts';

const logging = { NODE_ENV: 'test', LOG_LEVEL: 'silent', LOG_FORMAT: 'json' } as const;

/** Sends raw bytes and returns the raw answer: the parser's errors never reach fastify's inject. */
function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('error', (error) => (answer ? resolve(answer) : reject(error)));
    socket.on('close', () => resolve(answer));
    socket.write(bytes);
  });
}

function parseRaw(answer: string): { status: number; headers: Record<string, string>; body: Record<string, unknown> } {
  const [head, body] = answer.split('\r\n\r\n', 2) as [string, string];
  const [statusLine, ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine!.split(' ')[1]), headers, body: JSON.parse(body) as Record<string, unknown> };
}

function expectProblemOnWire(answer: string, status: number, code: string): void {
  const { status: actual, headers, body } = parseRaw(answer);
  expect(actual, answer.slice(0, 300)).toBe(status);
  expect(headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(body).toMatchObject({ status, code, type: expect.stringMatching(/^https:\/\//), title: expect.any(String), requestId: expect.any(String) });
  expect(headers['x-request-id']).toBe(body['requestId']);
}

describe('createHttpService', () => {
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    app = await createHttpService({ service: 'kit-test', logging, logger: false, maxUrlLength: 2048 });
    app.get('/items/:id', { schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } } } } }, async (request) => request.params);
    app.get('/teapot', async () => {
      throw new HttpProblem(422, 'not_a_teapot', 'this server is not a teapot', { 'x-hint': 'coffee' }, [{ field: 'kind', message: 'must be coffee' }]);
    });
    // Shaped like the domain's errors: a kind of failure and a stable code (the kit imports no domain).
    class KindError extends Error {
      readonly errorKind: string;
      readonly code: string;
      readonly issues: { field: string; message: string }[] | undefined;
      constructor(errorKind: string, code: string, issues?: { field: string; message: string }[]) {
        super(`${errorKind} happened`);
        this.errorKind = errorKind;
        this.code = code;
        this.issues = issues;
      }
    }
    app.get('/kind/:kind', async (request) => {
      const { kind } = request.params as { kind: string };
      throw new KindError(kind, `${kind}_code`, kind === 'invalid' ? [{ field: 'price', message: 'too low' }] : undefined);
    });
    app.get('/boom', async () => {
      throw new Error('secret internals');
    });
    // What the database layer raises when the cluster cannot serve a statement, and an InnoDB or certification deadlock.
    const databaseErrors: Record<string, () => Error> = {
      'no-writer': () => new NoWritableNodeError(),
      'not-primary-component': () => Object.assign(new Error('WSREP has not yet prepared node for application use'), { errno: 1047, code: 'ER_UNKNOWN_COM_ERROR' }),
      'commit-outside-primary-component': () =>
        Object.assign(new Error('Error while appending streaming replication fragment(provider status: Not connected to Primary Component)'), { errno: 1180, code: 'ER_ERROR_DURING_COMMIT' }),
      'connection-lost': () => Object.assign(new Error('Connection lost'), { code: 'PROTOCOL_CONNECTION_LOST' }),
      deadlock: () => Object.assign(new Error('Deadlock found when trying to get lock'), { errno: 1213, code: 'ER_LOCK_DEADLOCK' }),
    };
    app.get('/database/:failure', async (request) => {
      throw databaseErrors[(request.params as { failure: string }).failure]!();
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as net.AddressInfo).port;
  });
  afterAll(() => app.close());

  it('accepts a safe x-request-id, echoes it, and replaces an unsafe one', async () => {
    const kept = await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'client-123' } });
    expect(kept.headers['x-request-id']).toBe('client-123');
    const replaced = await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes, validation errors, typed problems and crashes as problem+json', async () => {
    const missing = await app.inject({ method: 'GET', url: '/nowhere' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'route_not_found', requestId: missing.headers['x-request-id'] });

    const invalid = await app.inject({ method: 'GET', url: '/items/0' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ code: 'invalid_request', errors: [{ field: 'id' }] });

    const typed = await app.inject({ method: 'GET', url: '/teapot' });
    expect(typed.statusCode).toBe(422);
    expect(typed.headers['x-hint']).toBe('coffee');
    expect(typed.json()).toMatchObject({ code: 'not_a_teapot', errors: [{ field: 'kind', message: 'must be coffee' }] });

    const crash = await app.inject({ method: 'GET', url: '/boom' });
    expect(crash.statusCode).toBe(500);
    expect(crash.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(crash.body).not.toContain('secret internals');
  });

  it('answers a database that cannot serve (no cluster writer, a node outside the primary component or a commit cut off from it, a lost connection) with 503 database_unavailable, and a deadlock with 503 transaction_conflict', async () => {
    for (const failure of ['no-writer', 'not-primary-component', 'commit-outside-primary-component', 'connection-lost']) {
      const response = await app.inject({ method: 'GET', url: `/database/${failure}` });
      expect(response.statusCode, failure).toBe(503);
      expect(response.headers['retry-after'], failure).toBe('5');
      expect(response.json(), failure).toMatchObject({ code: 'database_unavailable' });
    }
    const deadlock = await app.inject({ method: 'GET', url: '/database/deadlock' });
    expect(deadlock.statusCode).toBe(503);
    expect(deadlock.headers['retry-after']).toBe('1');
    expect(deadlock.json()).toMatchObject({ code: 'transaction_conflict' });
  });

  it('maps an error that names its kind (the domain’s) to its status, with its code and fields', async () => {
    const expected: Record<string, number> = { invalid: 422, not_found: 404, forbidden: 403, conflict: 409, unauthenticated: 401 };
    for (const [kind, status] of Object.entries(expected)) {
      const response = await app.inject({ method: 'GET', url: `/kind/${kind}` });
      expect(response.statusCode, kind).toBe(status);
      expect(response.json()).toMatchObject({ status, code: `${kind}_code`, detail: `${kind} happened` });
    }
    expect((await app.inject({ method: 'GET', url: '/kind/invalid' })).json().errors).toEqual([{ field: 'price', message: 'too low' }]);
    expect((await app.inject({ method: 'GET', url: '/kind/unauthenticated' })).headers['www-authenticate']).toBe('Bearer realm="chucar"');
    // An unknown kind is not trusted: it stays an internal error.
    expect((await app.inject({ method: 'GET', url: '/kind/teapot' })).statusCode).toBe(500);
  });

  it('answers an over-long URL with 414 problem+json', async () => {
    expectProblemOnWire(await rawRequest(port, `GET /health/live?pad=${'9'.repeat(3000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`), 414, 'uri_too_long');
  });

  it('answers headers beyond Node’s limit with 431 problem+json', async () => {
    expectProblemOnWire(await rawRequest(port, `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`), 431, 'headers_too_large');
  });

  it('answers a request the parser cannot read with 400 problem+json', async () => {
    expectProblemOnWire(await rawRequest(port, 'THIS IS NOT HTTP\r\n\r\n'), 400, 'malformed_request');
  });

  it('answers a URL that does not decode with 400 problem+json', async () => {
    expectProblemOnWire(await rawRequest(port, 'GET /items/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), 400, 'malformed_url');
  });

  it('answers an over-long path parameter with problem+json, not plain JSON', async () => {
    const response = await app.inject({ method: 'GET', url: `/items/${'1'.repeat(200)}` });
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 414, code: 'uri_too_long', requestId: response.headers['x-request-id'] });
  });

  it('serves Prometheus metrics', async () => {
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('http_request_duration_seconds_count');
  });
});

describe('readiness contract', () => {
  async function appWith(checks: Parameters<FastifyInstance['addHealthCheck']>[0][]): Promise<FastifyInstance> {
    const app = await createHttpService({ service: 'ready-test', logging, logger: false });
    for (const check of checks) app.addHealthCheck(check);
    return app;
  }

  it('is ready when every dependency is up, with a latency per dependency', async () => {
    const app = await appWith([{ name: 'db', critical: true, probe: async () => {} }]);
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ service: 'ready-test', status: 'ready', checks: { db: { status: 'up', critical: true, latencyMs: expect.any(Number) } } });
    await app.close();
  });

  it('is degraded (200) when a non-critical dependency is down or degraded', async () => {
    const app = await appWith([
      { name: 'db', critical: true, probe: async () => ({ status: 'degraded', detail: 'replica lagging' }) },
      {
        name: 'store',
        critical: false,
        probe: async () => {
          throw new Error('connection refused');
        },
      },
    ]);
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'degraded', checks: { db: { status: 'degraded', detail: 'replica lagging' }, store: { status: 'down', detail: 'connection refused' } } });
    await app.close();
  });

  it('is not ready (503, Retry-After) when a critical dependency is down, and a hung probe times out', async () => {
    const app = await appWith([{ name: 'queue', critical: true, timeoutMs: 200, probe: () => new Promise(() => {}) }]);
    const started = Date.now();
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(ready.statusCode).toBe(503);
    expect(ready.headers['retry-after']).toBe('5');
    expect(ready.json()).toMatchObject({ status: 'not_ready', checks: { queue: { status: 'down', detail: 'queue probe: no answer within 200 ms' } } });
    await app.close();
  });

  it('fails readiness while draining, keeps serving, and reports the state in metrics', async () => {
    const app = await appWith([{ name: 'db', critical: false, probe: async () => {} }]);
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    app.startDraining();
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'not_ready', checks: { db: { status: 'up' }, shutdown: { status: 'down', critical: true, detail: expect.stringContaining('draining since') } } });
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('service_readiness{status="not_ready"} 1');
    expect(metrics).toContain('service_dependency_status{dependency="shutdown",status="down"} 1');
    await app.close();
  });

  it('logs no line for a passing probe or scrape, one for a failing probe and for client traffic', async () => {
    const lines: { msg: string; url?: string; statusCode?: number }[] = [];
    const destination = { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) };
    const app = await createHttpService({ service: 'log-test', logging, logger: pino({ level: 'info' }, destination) });
    let queueUp = true;
    app.addHealthCheck({ name: 'queue', critical: true, probe: async () => {
      if (!queueUp) throw new Error('connection refused');
    } });
    for (const url of ['/health/live', '/health/ready', '/metrics']) expect((await app.inject({ method: 'GET', url })).statusCode).toBe(200);
    expect(lines.filter((line) => line.msg === 'request completed')).toEqual([]);
    queueUp = false;
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(503);
    expect((await app.inject({ method: 'GET', url: '/health/unknown' })).statusCode).toBe(404);
    expect(lines.filter((line) => line.msg === 'request completed').map(({ url, statusCode }) => ({ url, statusCode }))).toEqual([
      { url: '/health/ready', statusCode: 503 },
      { url: '/health/unknown', statusCode: 404 },
    ]);
    await app.close();
  });

  it('refuses a dependency registered twice', async () => {
    const app = await appWith([{ name: 'db', critical: true, probe: async () => {} }]);
    expect(() => app.addHealthCheck({ name: 'db', critical: false, probe: async () => {} })).toThrow('registered twice');
    await app.close();
  });
});

describe('the client address behind the load balancer', () => {
  async function addressSeenBy(trustProxy: boolean | undefined, forwardedFor: string | undefined): Promise<string> {
    const app = await createHttpService({ service: 'proxy-test', logging, logger: false, ...(trustProxy === undefined ? {} : { trustProxy }) });
    app.get('/whoami', async (request) => ({ ip: request.ip }));
    try {
      const answer = await app.inject({ method: 'GET', url: '/whoami', remoteAddress: '10.0.0.5', headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } });
      return (answer.json() as { ip: string }).ip;
    } finally {
      await app.close();
    }
  }

  it('is the entry the balancer added last, not one the client wrote before it', async () => {
    expect(await addressSeenBy(true, '198.51.100.7')).toBe('198.51.100.7');
    expect(await addressSeenBy(true, '203.0.113.66, 198.51.100.7')).toBe('198.51.100.7');
  });

  it('is the socket’s peer when the service does not sit behind a balancer', async () => {
    expect(await addressSeenBy(undefined, '203.0.113.66')).toBe('10.0.0.5');
    expect(await addressSeenBy(false, '203.0.113.66')).toBe('10.0.0.5');
  });
});
