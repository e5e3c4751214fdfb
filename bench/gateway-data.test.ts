import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstQuoteRequestId } from './gateway-data.ts';

describe('firstQuoteRequestId', () => {
  /** A gateway stand-in: the page it answers depends on the bearer token. */
  const pages: Record<string, { status: number; items: { id: number }[] }> = {
    'Bearer some': { status: 200, items: [{ id: 41 }, { id: 40 }] },
    'Bearer none': { status: 200, items: [] },
    'Bearer expired': { status: 401, items: [] },
  };
  const seen: string[] = [];
  const gateway = http.createServer((request, response) => {
    seen.push(request.url ?? '');
    const page = pages[request.headers.authorization ?? ''] ?? { status: 404, items: [] };
    response.writeHead(page.status, { 'content-type': 'application/json' }).end(JSON.stringify({ items: page.items }));
  });
  let url: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => gateway.close(() => resolve())));

  it('reads the first id of the first page of quote requests', async () => {
    expect(await firstQuoteRequestId(url, { authorization: 'Bearer some' })).toBe(41);
    expect(seen.at(-1)).toBe('/v1/quote-requests?limit=1');
  });

  it('says so when the account has no quote requests, or the gateway refuses the read', async () => {
    await expect(firstQuoteRequestId(url, { authorization: 'Bearer none' })).rejects.toThrow('the signed-in account has no quote requests to read');
    await expect(firstQuoteRequestId(url, { authorization: 'Bearer expired' })).rejects.toThrow('GET /v1/quote-requests answered 401');
  });
});
