import { describe, expect, it } from 'vitest';
import { takeConnection, type TokenSources } from './token';

const TOKEN = 'ab'.repeat(32);

function sources(href: string, stored: string | null = null, ogas?: unknown) {
  const url = new URL(href);
  const storage = new Map<string, string>(stored === null ? [] : [['ogas.rpc.token', stored]]);
  const replaced: string[] = [];
  const s: TokenSources = {
    location: { href, hash: url.hash, origin: url.origin },
    history: { replaceState: (_d, _u, next) => replaced.push(String(next)) },
    sessionStorage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
    ...(ogas === undefined ? {} : { ogas }),
  };
  return { s, storage, replaced };
}

describe('takeConnection (main/rpc/README.md "The token")', () => {
  it('reads the token from the fragment, removes it from the address and keeps it for a reload', () => {
    const { s, storage, replaced } = sources(`http://127.0.0.1:8123/#token=${TOKEN}`);
    expect(takeConnection(s)).toEqual({
      ok: true,
      connection: { baseUrl: 'http://127.0.0.1:8123', token: TOKEN },
    });
    expect(replaced).toEqual(['http://127.0.0.1:8123/']);
    expect(storage.get('ogas.rpc.token')).toBe(TOKEN);
  });

  it('keeps other fragment parameters', () => {
    const { s, replaced } = sources(`http://127.0.0.1:8123/#lang=fr&token=${TOKEN}`);
    expect(takeConnection(s).ok).toBe(true);
    expect(replaced).toEqual(['http://127.0.0.1:8123/#lang=fr']);
  });

  it('uses the stored token after a reload', () => {
    const { s } = sources('http://127.0.0.1:8123/', TOKEN);
    expect(takeConnection(s)).toEqual({
      ok: true,
      connection: { baseUrl: 'http://127.0.0.1:8123', token: TOKEN },
    });
  });

  it('refuses a malformed token and says what to open', () => {
    const { s } = sources('http://127.0.0.1:8123/#token=xyz');
    const result = takeConnection(s);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/#token=/);
  });

  it('prefers the Electron preload and accepts only a loopback http URL', () => {
    const good = sources('file:///app/index.html', null, { rpcUrl: 'http://127.0.0.1:9999', token: TOKEN });
    expect(takeConnection(good.s)).toEqual({
      ok: true,
      connection: { baseUrl: 'http://127.0.0.1:9999', token: TOKEN },
    });
    const remote = sources('file:///app/index.html', null, { rpcUrl: 'http://example.org', token: TOKEN });
    expect(takeConnection(remote.s).ok).toBe(false);
    const noToken = sources('file:///app/index.html', null, { rpcUrl: 'http://127.0.0.1:9999' });
    expect(takeConnection(noToken.s).ok).toBe(false);
  });
});
