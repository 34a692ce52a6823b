/**
 * Vite build of the kiosk UI (DESIGN §1, §2). `npm run build:renderer` writes renderer/dist, which the
 * backend serves under a strict CSP (`script-src 'self'`, `style-src 'self'`, `img-src 'self' data:`):
 * so the build has no inline script, no injected <style>, no inlined font, and no request to any other
 * origin. During development, `OGAS_KIOSK_URL=http://127.0.0.1:<port> npx vite --config
 * renderer/vite.config.ts` serves the page with hot reload and forwards /api to a running backend.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const backend = process.env['OGAS_KIOSK_URL'];

export default defineConfig({
  root,
  // Relative asset URLs: the same dist works from the backend's HTTP server and from a file.
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The polyfill would be an inline script; every browser the kiosk runs (Chromium) has modulepreload.
    modulePreload: { polyfill: false },
    // Never inline assets as data: URLs (fonts under default-src 'self' would be refused).
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    host: '127.0.0.1',
    strictPort: false,
    ...(backend ? { proxy: { '/api': { target: backend, changeOrigin: false } } } : {}),
  },
  preview: { host: '127.0.0.1' },
});
