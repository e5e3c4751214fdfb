/**
 * The web client's build: `vite build apps/web` writes dist/apps/web (index.html + content-hashed
 * assets/), which the gateways serve at / (apps/api-gateway/src/plugins/web-client.ts).
 * `vite apps/web` is a dev server that proxies the API to a gateway (GATEWAY_URL, default :3000).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const gateway = process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: here,
  plugins: [react()],
  build: {
    outDir: path.resolve(here, '../../dist/apps/web'),
    emptyOutDir: true,
    // The gateway's page policy has no 'unsafe-inline': keep every script and style in files.
    assetsInlineLimit: 0,
    target: 'es2022',
  },
  server: { proxy: { '/v1': gateway, '/health': gateway } },
});
