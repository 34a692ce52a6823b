/**
 * Issue 6 "Proof it holds": bad input to every RPC method — missing or wrong token, wrong HTTP method,
 * wrong content type, huge bodies, bodies that are not JSON, not objects, unknown fields, wrong types
 * for every field — is refused with a clear error naming what was wrong, and the server stays up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ensureDemoElection } from '../../main/kiosk/demo-election';
import { startEmulatedKiosk, type EmulatedKiosk } from '../../main/kiosk/emulated-kiosk';
import { startKioskServer } from '../../main/kiosk/kiosk-server';
import { MAX_REQUEST_BYTES, RPC_METHODS, requestSchemas, type RpcMethod } from '../../main/rpc/api';
import type { RunningRpcServer } from '../../main/rpc/server';

let dir: string;
let kiosk: EmulatedKiosk;
let server: RunningRpcServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ogas-rpc-bad-'));
  const { folder } = await ensureDemoElection(join(dir, 'election'), new Date(), {
    seed: 'rpc-bad-input',
    perStyle: 2,
  });
  const started = await startEmulatedKiosk({
    dataDir: join(dir, 'kiosk'),
    election: folder,
    ledgerUrl: 'http://127.0.0.1:9',
    version: 'test',
  });
  if (!started.ok) throw new Error(started.error);
  kiosk = started.value;
  server = await startKioskServer(kiosk.kiosk, kiosk.dock, { staticRoot: null });
});

afterAll(async () => {
  await server?.close();
  await kiosk?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: {
    ok: boolean;
    error?: { code: string; message: string; issues?: { path: string; message: string }[] };
  };
}

function call(
  path: string,
  options: {
    method?: string;
    token?: string | null;
    type?: string | null;
    body?: string | Buffer;
    host?: string;
  } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.token !== null) headers.authorization = `Bearer ${options.token ?? server.token}`;
    if (options.type !== null) headers['content-type'] = options.type ?? 'application/json';
    if (options.host) headers.host = options.host;
    const req = request(`${server.url}${path}`, { method: options.method ?? 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Answer['body'] });
        } catch {
          reject(new Error(`not JSON (${res.statusCode}): ${text.slice(0, 200)}`));
        }
      });
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

async function stillUp(): Promise<void> {
  const r = await call('/api/getStatus', { body: '{}' });
  expect(r.status).toBe(200);
  expect(r.body.ok).toBe(true);
}

/** Values of the wrong type for each field of a method's schema. */
function wrongTypedBodies(method: RpcMethod): { field: string; body: Record<string, unknown> }[] {
  const shape = (requestSchemas[method] as unknown as z.ZodObject).shape as Record<string, z.ZodType>;
  return Object.keys(shape).flatMap((field) =>
    ['x'.repeat(5000), { nested: [1, 2, 3] }, [null], null, -1.5].map((value) => ({
      field,
      body: { [field]: value },
    })),
  );
}

describe.each(RPC_METHODS)('RPC %s refuses bad input', (method) => {
  const path = `/api/${method}`;

  it('without a token, or with a wrong one: 401', async () => {
    const none = await call(path, { token: null, body: '{}' });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const wrong = await call(path, { token: 'f'.repeat(64), body: '{}' });
    expect(wrong.status).toBe(401);
    const almost = await call(path, { token: server.token.slice(0, -1), body: '{}' });
    expect(almost.status).toBe(401);
  });

  it('with GET or PUT: 405', async () => {
    expect((await call(path, { method: 'GET' })).status).toBe(405);
    const put = await call(path, { method: 'PUT', body: '{}' });
    expect(put.status).toBe(405);
    expect(put.body.error?.message).toMatch(/POST/);
  });

  it('with a content type other than JSON: 415', async () => {
    const r = await call(path, { type: 'text/plain', body: '{}' });
    expect(r.status).toBe(415);
    expect((await call(path, { type: null, body: '{}' })).status).toBe(415);
  });

  it('with a huge body: 413', async () => {
    const r = await call(path, { body: `{"x":"${'a'.repeat(MAX_REQUEST_BYTES + 10)}"}` });
    expect(r.status).toBe(413);
    expect(r.body.error?.code).toBe('payload-too-large');
  });

  it('with a body that is not JSON, or not an object: 400', async () => {
    for (const body of ['', '{', 'not json', '[]', '"text"', 'null', '42', 'true']) {
      const r = await call(path, { body });
      expect(r.status, body).toBe(400);
      expect(r.body.error?.code, body).toBe('bad-request');
      expect(r.body.error?.message.length, body).toBeGreaterThan(10);
    }
  });

  it('with an unknown field: 400 naming it', async () => {
    const r = await call(path, { body: JSON.stringify({ unexpected: 1 }) });
    expect(r.status).toBe(400);
    expect(r.body.error?.issues).toContainEqual({
      path: 'unexpected',
      message: 'is not a field of this request',
    });
  });

  it('with a wrong type in every field: 400 naming the field', async () => {
    for (const { field, body } of wrongTypedBodies(method)) {
      const r = await call(path, { body: JSON.stringify(body) });
      expect(r.status, field).toBe(400);
      const named = r.body.error?.issues?.some((i) => i.path === field || i.path.startsWith(`${field}.`));
      expect(named, `${field}: ${JSON.stringify(r.body.error)}`).toBe(true);
    }
    await stillUp();
  });
});

describe('the RPC server as a whole', () => {
  it('refuses an unknown method with 404 (after the token check)', async () => {
    expect((await call('/api/dropTables', { body: '{}' })).status).toBe(404);
    expect((await call('/api/dropTables', { token: null, body: '{}' })).status).toBe(401);
    expect((await call('/api/__proto__', { body: '{}' })).status).toBe(404);
    expect((await call('/api/constructor', { body: '{}' })).status).toBe(404);
  });

  it('refuses a Host that is not loopback (DNS rebinding)', async () => {
    const r = await call('/api/getStatus', { body: '{}', host: 'evil.example:80' });
    expect(r.status).toBe(400);
    expect(r.body.error?.message).toMatch(/loopback/);
  });

  it('refuses staff methods to nobody signed in, with a message naming the card', async () => {
    const r = await call('/api/openPolls', { body: '{}' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: false, error: { code: 'not-permitted' } });
    expect(r.body.error?.message).toMatch(/official/);
  });

  it('answers a good request after all of the above, and logged the refusals', async () => {
    await stillUp();
    const refused = kiosk.kiosk.ctx.log
      .texts()
      .filter((t) => (JSON.parse(t) as { eventId: string }).eventId === 'rpc-refused');
    expect(refused.length).toBeGreaterThan(0);
    expect(kiosk.kiosk.ctx.log.verify().valid).toBe(true);
  });
});
