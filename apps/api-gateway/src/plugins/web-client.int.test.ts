/**
 * The web client served by the real gateway (app.inject), from a dist folder made here the way vite
 * lays it out: index.html revalidated on every load, hashed assets cached for good, the app's own
 * routes answered with index.html when a browser navigates to them, and API paths never.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApp } from '../app.ts';
import { buildTestApp, expectProblem } from '../testing/test-app.ts';
import { immutableCacheControl } from './web-client.ts';

const indexHtml = '<!doctype html><html lang="ko"><head><script type="module" src="/assets/index-AbC123.js"></script></head><body><div id="root"></div></body></html>';
const browser = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('web client at / (real gateway)', () => {
  let distDir: string;
  let app: GatewayApp;

  beforeAll(async () => {
    distDir = fs.mkdtempSync(path.join(os.tmpdir(), 'web-dist-'));
    fs.mkdirSync(path.join(distDir, 'assets'));
    fs.writeFileSync(path.join(distDir, 'index.html'), indexHtml);
    fs.writeFileSync(path.join(distDir, 'assets', 'index-AbC123.js'), 'console.log("app")');
    fs.writeFileSync(path.join(distDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    app = await buildTestApp({ WEB_DIST_DIR: distDir, WEB_IMAGE_ORIGINS: 'https://media.example.kr' });
  });
  afterAll(async () => {
    await app?.close();
    fs.rmSync(distDir, { recursive: true, force: true });
  });

  it('serves index.html at / with no-cache and a policy that allows no inline script, and images from the media store', async () => {
    const response = await app.inject({ method: 'GET', url: '/', headers: browser });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toBe(indexHtml);
    expect(response.headers['cache-control']).toBe('no-cache');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toMatch(/img-src 'self' data: blob: https:\/\/media\.example\.kr/);
    expect(csp).toContain("connect-src 'self'");
    // The gateway's other security headers still apply.
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBeDefined();
  });

  it('revalidates index.html: a conditional GET with its ETag is 304', async () => {
    const first = await app.inject({ method: 'GET', url: '/', headers: browser });
    const again = await app.inject({ method: 'GET', url: '/', headers: { ...browser, 'if-none-match': String(first.headers['etag']) } });
    expect(again.statusCode).toBe(304);
  });

  it('caches hashed assets for a year, immutable', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/index-AbC123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toBe(immutableCacheControl);
    expect(response.body).toBe('console.log("app")');
  });

  it('serves assets of a rebuild made while it runs (index.html names new hashes)', async () => {
    fs.writeFileSync(path.join(distDir, 'assets', 'index-NeW456.js'), 'console.log("next")');
    const response = await app.inject({ method: 'GET', url: '/assets/index-NeW456.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe(immutableCacheControl);
  });

  it('serves other top-level files revalidated, not immutable', async () => {
    const response = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('answers an app route a browser navigates to with index.html (the app routes it)', async () => {
    for (const url of ['/requests/12', '/dealer/requests?region=seoul', '/reports']) {
      const response = await app.inject({ method: 'GET', url, headers: browser });
      expect(response.statusCode, url).toBe(200);
      expect(response.body).toBe(indexHtml);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    }
  });

  it('never falls back for the API, operations and docs paths, nor for a missing asset, nor for a client that does not want HTML', async () => {
    for (const url of ['/v1/nothing-here', '/v1', '/health/nothing', '/docs/nothing', '/metrics/x', '/assets/missing-123.js']) {
      expectProblem(await app.inject({ method: 'GET', url, headers: browser }), 404, 'route_not_found');
    }
    expectProblem(await app.inject({ method: 'GET', url: '/requests/12', headers: { accept: 'application/json' } }), 404, 'route_not_found');
    expectProblem(await app.inject({ method: 'POST', url: '/requests/12', headers: browser, payload: {} }), 404, 'route_not_found');
  });

  it('leaves the API as it was: JSON routes, their policy, and the OpenAPI document without the static routes', async () => {
    const regions = await app.inject({ method: 'GET', url: '/v1/regions', headers: browser });
    expect(regions.statusCode).toBe(200);
    expect(regions.headers['content-type']).toMatch(/^application\/json/);
    expect(regions.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    const document = (await app.inject({ method: 'GET', url: '/docs/json' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(document.paths).filter((key) => !key.startsWith('/v1') && !key.startsWith('/health'))).toEqual([]);
  });

  it('serves nothing when WEB_DIST_DIR is empty', async () => {
    const bare = await buildTestApp({ WEB_DIST_DIR: '' });
    try {
      expectProblem(await bare.inject({ method: 'GET', url: '/', headers: browser }), 404, 'route_not_found');
    } finally {
      await bare.close();
    }
  });
});
