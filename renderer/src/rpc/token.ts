/**
 * How the page learns where the backend is and its per-boot bearer token (DESIGN §2, main/rpc/README.md):
 * the Electron preload exposes `window.ogas = {rpcUrl, token}`; in a browser (demo, development) the
 * launcher opens `http://127.0.0.1:<port>/#token=<hex>`. The fragment never reaches the server; we
 * remove it from the address bar at once so it is not left on screen, and keep the token in
 * sessionStorage so a reload of the same tab still works. The token is the only thing this UI ever
 * stores: nothing voter-related goes to any storage (DESIGN §9).
 */

export interface Connection {
  /** Origin of the backend, e.g. http://127.0.0.1:8123 (no trailing slash). */
  readonly baseUrl: string;
  readonly token: string;
}

export type ConnectionResult =
  { readonly ok: true; readonly connection: Connection } | { readonly ok: false; readonly message: string };

/** What this module needs of `window`; a plain object in tests. */
export interface TokenSources {
  readonly location: { readonly href: string; readonly hash: string; readonly origin: string };
  readonly history: { replaceState(data: unknown, unused: string, url?: string | URL | null): void };
  readonly sessionStorage: Pick<Storage, 'getItem' | 'setItem'>;
  readonly ogas?: unknown;
}

const STORAGE_KEY = 'ogas.rpc.token';
/** 32 random bytes as hex (main/rpc/README.md); allow longer for future tokens, never shorter. */
const TOKEN_RE = /^[0-9a-f]{64,256}$/;

function fromPreload(value: unknown): Connection | null {
  if (typeof value !== 'object' || value === null) return null;
  const { rpcUrl, token } = value as { rpcUrl?: unknown; token?: unknown };
  if (typeof token !== 'string' || !TOKEN_RE.test(token)) return null;
  if (typeof rpcUrl !== 'string') return null;
  let url: URL;
  try {
    url = new URL(rpcUrl);
  } catch {
    return null;
  }
  // The backend listens on loopback only (DESIGN §2); anything else is a misconfiguration.
  if (url.protocol !== 'http:' || (url.hostname !== '127.0.0.1' && url.hostname !== '[::1]')) return null;
  return { baseUrl: url.origin, token };
}

/** Reads the token from the fragment (`#token=<hex>`, other fragment parameters kept). */
function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = params.get('token');
  return token !== null && TOKEN_RE.test(token) ? token : null;
}

function stripTokenFromUrl(sources: TokenSources): void {
  const url = new URL(sources.location.href);
  const params = new URLSearchParams(url.hash.slice(1));
  params.delete('token');
  const rest = params.toString();
  url.hash = rest === '' ? '' : `#${rest}`;
  sources.history.replaceState(null, '', url.toString());
}

export function takeConnection(sources: TokenSources): ConnectionResult {
  if (sources.ogas !== undefined) {
    const connection = fromPreload(sources.ogas);
    return connection
      ? { ok: true, connection }
      : { ok: false, message: 'The kiosk shell gave this page an unusable connection. Restart the kiosk.' };
  }
  const baseUrl = sources.location.origin;
  const fromHash = tokenFromHash(sources.location.hash);
  if (fromHash !== null) {
    stripTokenFromUrl(sources);
    try {
      sources.sessionStorage.setItem(STORAGE_KEY, fromHash);
    } catch {
      // Storage may be disabled; the token still works until the page is reloaded.
    }
    return { ok: true, connection: { baseUrl, token: fromHash } };
  }
  let stored: string | null;
  try {
    stored = sources.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    stored = null;
  }
  if (stored !== null && TOKEN_RE.test(stored)) return { ok: true, connection: { baseUrl, token: stored } };
  return {
    ok: false,
    message:
      'This page has no access token. Open the address that "ogas kiosk" printed (it ends with #token=…).',
  };
}
