import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionsFrom, createWithRetries, newTally } from './load.ts';

describe('the fault tests’ load clients', () => {
  const server = http.createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ peer: request.socket.remoteAddress }));
  });
  let url: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('connect from the loopback address they are given, so each is a user of its own address', async () => {
    const from = connectionsFrom('127.0.0.7');
    try {
      const answer = (await fetch(url, { dispatcher: from }).then((response) => response.json())) as { peer: string };
      expect(answer.peer).toBe('127.0.0.7');
      const created = await createWithRetries(newTally(), url, {}, 'key-1', {}, { dispatcher: from });
      expect(created?.key).toBe('key-1');
    } finally {
      await from.close();
    }
  });
});
