import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBackendHello, startBackend } from './backend-process';
import {
  backendArgs,
  isAllowedNavigation,
  kioskWindowOptions,
  parseShellArgs,
  permissionAllowed,
  withCsp,
} from './shell-policy';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const TOKEN = 'ab'.repeat(32);
const tmp = mkdtempSync(join(tmpdir(), 'ogas-shell-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('shell policy', () => {
  it('keeps the renderer sandboxed, isolated and without Node', () => {
    const o = kioskWindowOptions('/x/preload.cjs', true);
    expect(o.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      devTools: false,
      preload: '/x/preload.cjs',
    });
    expect(o.kiosk).toBe(true);
    expect(kioskWindowOptions('/x', false).webPreferences.devTools).toBe(true);
  });

  it.each([
    ['http://127.0.0.1:8123/voter', true],
    ['http://127.0.0.1:8123/#token=x', true],
    ['http://127.0.0.1:8124/', false],
    ['http://localhost:8123/', false],
    ['https://example.org/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('navigation to %s allowed: %s', (url, allowed) => {
    expect(isAllowedNavigation(url, 'http://127.0.0.1:8123')).toBe(allowed);
  });

  it('refuses every permission and enforces the CSP on every response', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'usb', 'serial', 'hid', 'clipboard-read']) {
      expect(permissionAllowed(p)).toBe(false);
    }
    const h = withCsp({ 'content-type': 'text/html', 'Content-Security-Policy': ['default-src *'] });
    expect(h['Content-Security-Policy']![0]).toContain("script-src 'self'");
    expect(Object.keys(h).filter((k) => k.toLowerCase() === 'content-security-policy')).toHaveLength(1);
  });

  it.each([
    [[], { mode: { kind: 'demo', dataDir: null }, kiosk: false }],
    [['--demo', '--data', '/d'], { mode: { kind: 'demo', dataDir: '/d' }, kiosk: false }],
    [
      ['--config', '/etc/ogas/kiosk.json'],
      { mode: { kind: 'config', path: '/etc/ogas/kiosk.json' }, kiosk: true },
    ],
    [['--no-sandbox-ignored', '--demo', '--kiosk'], { mode: { kind: 'demo', dataDir: null }, kiosk: true }],
  ])('parses shell arguments %j', (argv, expected) => {
    expect(parseShellArgs(argv)).toEqual({ ok: true, value: expected });
  });

  it.each([[['--config']], [['--data']], [['--demo', '--config', '/x']]])('refuses %j', (argv) => {
    expect(parseShellArgs(argv).ok).toBe(false);
  });

  it('starts the backend with --port 0 --json', () => {
    expect(backendArgs({ mode: { kind: 'config', path: '/c.json' }, kiosk: true })).toEqual([
      'kiosk',
      '--config',
      '/c.json',
      '--port',
      '0',
      '--json',
    ]);
  });
});

describe('backend hello', () => {
  it.each([
    [
      JSON.stringify({ url: 'http://127.0.0.1:1/#token=x', rpcUrl: 'http://127.0.0.1:1', token: TOKEN }),
      true,
    ],
    [JSON.stringify({ url: 'x', rpcUrl: 'http://10.0.0.1:1', token: TOKEN }), false],
    [JSON.stringify({ url: 'x', rpcUrl: 'https://127.0.0.1:1', token: TOKEN }), false],
    [JSON.stringify({ url: 'x', rpcUrl: 'http://127.0.0.1:1', token: 'short' }), false],
    ['OGAS Kiosk demo is running', false],
    ['{"half":', false],
  ])('%s → %s', (line, good) => {
    expect(parseBackendHello(line) !== null).toBe(good);
  });

  it('waits for the hello line among other output, and stops the child', async () => {
    const script = join(tmp, 'fake-backend.mjs');
    writeFileSync(
      script,
      `console.log('starting...');\nconsole.log(JSON.stringify({url:'u',rpcUrl:'http://127.0.0.1:9',token:'${TOKEN}'}));\nsetInterval(()=>{},1000);\n`,
    );
    const seen: string[] = [];
    const b = await startBackend({
      node: process.execPath,
      args: [script],
      cwd: tmp,
      onOutput: (l) => seen.push(l),
    });
    expect(b.hello).toEqual({ url: 'u', rpcUrl: 'http://127.0.0.1:9', token: TOKEN });
    expect(seen).toContain('starting...');
    const code = await b.stop(5_000);
    expect(code === null || code === 0 || code === 143).toBe(true);
  });

  it('reports a backend that exits before it is ready', async () => {
    const script = join(tmp, 'failing-backend.mjs');
    writeFileSync(script, `console.error('the trust file cannot be read');\nprocess.exit(2);\n`);
    await expect(startBackend({ node: process.execPath, args: [script], cwd: tmp })).rejects.toThrow(
      /exited \(code 2\)/,
    );
    await expect(startBackend({ node: join(tmp, 'no-such-node'), args: [], cwd: tmp })).rejects.toThrow(
      /OGAS_NODE/,
    );
  });

  it('runs the real demo backend (ogas kiosk --demo --json), which answers with the token and stops cleanly', async () => {
    const b = await startBackend({
      node: process.execPath,
      args: [
        join(root, 'bin', 'ogas.mjs'),
        ...backendArgs({ mode: { kind: 'demo', dataDir: join(tmp, 'demo') }, kiosk: false }),
      ],
      cwd: root,
    });
    const res = await fetch(`${b.hello.rpcUrl}/api/getStatus`, {
      method: 'POST',
      headers: { authorization: `Bearer ${b.hello.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const body = (await res.json()) as { ok: boolean; value: { polls: string; mode: string } };
    expect(body).toMatchObject({ ok: true, value: { polls: 'open', mode: 'demo' } });
    expect(b.hello.url).toBe(`${b.hello.rpcUrl}/#token=${b.hello.token}`);
    expect(await b.stop(20_000)).toBe(0);
  });
});

describe('no native module in the shell', () => {
  it('imports only electron, node builtins, zod and its own plain modules', () => {
    const files = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    for (const f of files) {
      const imports = [...readFileSync(join(here, f), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      for (const i of imports) {
        expect(
          i === 'electron' ||
            i.startsWith('node:') ||
            i === 'zod' ||
            i.startsWith('./') ||
            i === '../rpc/static-files',
          `${f} imports ${i}`,
        ).toBe(true);
      }
    }
  });

  it('builds to bundles that require nothing but electron and node builtins', async () => {
    await promisify(execFile)(process.execPath, [join(here, 'build-shell.mjs')], { cwd: root });
    for (const bundle of ['electron-main.cjs', 'preload.cjs']) {
      const text = readFileSync(join(here, 'dist', bundle), 'utf8');
      const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!);
      for (const r of required)
        expect(r === 'electron' || r.startsWith('node:'), `${bundle}: ${r}`).toBe(true);
      expect(text).not.toMatch(/\.node["']/);
    }
  });
});
