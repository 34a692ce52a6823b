/**
 * Serving the built renderer (renderer/dist) to the kiosk window or a browser, under a strict CSP
 * (DESIGN §2): scripts, styles, fonts and connections from this origin only, images also as data: URLs
 * (the receipt's QR code), no framing, no plugins, no forms. Paths are resolved inside the root; a path
 * with no file extension gets index.html (the page does its own routing). When the UI is not built, a
 * small page says how to build it.
 */
import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
};

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>OGAS Kiosk</title></head>
<body><h1>OGAS Kiosk</h1><p>The backend runs, but the UI is not built. Run <code>npm run build:renderer</code>
(it writes renderer/dist) and reload this page.</p></body></html>
`;

function send(res: ServerResponse, status: number, type: string, body: Buffer | string, cache: string): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'content-type': type,
    'cache-control': cache,
  });
  res.end(body);
}

/** Serves `urlPath` (already stripped of query and fragment) from `root`; GET and HEAD only. */
export async function serveStatic(root: string, urlPath: string, res: ServerResponse): Promise<void> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    send(res, 400, 'text/plain; charset=utf-8', 'bad path\n', 'no-store');
    return;
  }
  const base = resolve(root);
  const wanted = resolve(base, `.${normalize(`/${decoded}`)}`);
  if (decoded.includes('\0') || (wanted !== base && !wanted.startsWith(base + sep))) {
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n', 'no-store');
    return;
  }
  const file = extname(wanted) === '' ? join(base, 'index.html') : wanted;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new Error('not a file');
    const body = await readFile(file);
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    // Hashed asset names never change; the page itself is always fetched fresh.
    send(
      res,
      200,
      type,
      body,
      file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-store',
    );
  } catch {
    if (extname(wanted) === '') send(res, 200, 'text/html; charset=utf-8', NOT_BUILT, 'no-store');
    else send(res, 404, 'text/plain; charset=utf-8', 'not found\n', 'no-store');
  }
}
