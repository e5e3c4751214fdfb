/**
 * Serves the built web client (apps/web, vite output) at `/` from every gateway, so the browser
 * reaches the app and the API through the same load balancer and origin. Hashed assets are cached
 * for good; index.html is revalidated on every load, so a deploy is seen at once; any other GET a
 * browser navigates to (an app route such as /requests/12) gets index.html, and the app routes it.
 * API paths never fall back: an unknown /v1 route stays a problem+json 404.
 */
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface WebClientOptions {
  /** The vite output folder (index.html + assets/); '' serves nothing. */
  distDir: string;
  /** Origins the app may show images from: the S3 endpoint that signs media URLs. */
  imageOrigins: readonly string[];
  /** Production pages ask the browser to upgrade http subresources (as the API's policy does). */
  upgradeInsecureRequests: boolean;
}

export const immutableCacheControl = 'public, max-age=31536000, immutable';
/** Vite puts every content-hashed file here. */
const ASSETS_DIR = 'assets';
const NOT_THE_APP = /^\/(?:v1|health|docs|metrics|assets)(?:[/?]|$)/;

/**
 * The page's own policy, replacing the API's (which allows inline scripts for the docs UI): no
 * inline script or style at all, calls to this origin only, images also from the media store.
 */
export function webContentSecurityPolicy(options: Pick<WebClientOptions, 'imageOrigins' | 'upgradeInsecureRequests'>): string {
  const directives = [
    "default-src 'self'",
    "base-uri 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob: ${options.imageOrigins.join(' ')}`.trim(),
    "font-src 'self' data:",
    "connect-src 'self'",
    ...(options.upgradeInsecureRequests ? ['upgrade-insecure-requests'] : []),
  ];
  return directives.join('; ');
}

function acceptsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

export const webClientPlugin = fp<WebClientOptions>(
  async (app, options) => {
    if (options.distDir === '') return;
    const root = path.resolve(options.distDir);
    if (!fs.existsSync(path.join(root, 'index.html'))) {
      app.log.warn({ distDir: root }, 'web client not served: no index.html there (build it with `npx nx run web:build`, or set WEB_DIST_DIR= to silence this)');
      return;
    }
    const csp = webContentSecurityPolicy(options);

    // Hashed assets: any file there when asked (a rebuild's new assets too), cached for good.
    fs.mkdirSync(path.join(root, ASSETS_DIR), { recursive: true });
    await app.register(fastifyStatic, {
      root: path.join(root, ASSETS_DIR),
      prefix: `/${ASSETS_DIR}/`,
      schemaHide: true,
      index: false,
      maxAge: '365d',
      immutable: true,
    });
    // The other files of the build (index.html, favicon…): one route each, found at start, so that
    // unknown paths reach the fallback below; revalidated on every load.
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: false,
      globIgnore: [`${ASSETS_DIR}/**`],
      decorateReply: false,
      index: false,
      cacheControl: false,
      schemaHide: true,
      setHeaders(reply, filePath) {
        reply.header('cache-control', 'no-cache');
        if (filePath.endsWith('.html')) reply.header('content-security-policy', csp);
      },
    });

    const sendApp = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').header('content-security-policy', csp).sendFile('index.html', root, { cacheControl: false });
    app.get('/', { schema: { hide: true } }, (_request, reply) => sendApp(reply));
    app.get('/*', { schema: { hide: true } }, (request, reply) => {
      if (NOT_THE_APP.test(request.url) || !acceptsHtml(request)) return reply.callNotFound();
      return sendApp(reply);
    });
  },
  { name: 'web-client' },
);
