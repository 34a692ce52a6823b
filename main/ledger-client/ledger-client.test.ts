/**
 * The HTTP client's shapes and failures (DESIGN §6 API): answers parsed by schema with the field at
 * fault named; refusals keep their status, rule, field and details; 5xx is "unavailable"; a silent
 * server is "unreachable" after the timeout; nothing throws.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64, utf8 } from '../../protocol/bytes';
import { LedgerClient } from './ledger-client';

/** What the fake ledger answers next: status, content type and body; `hang` never answers. */
let next: { status: number; type: string; body: string } | 'hang' = {
  status: 200,
  type: 'text/plain',
  body: '',
};
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (next === 'hang') return;
      res.writeHead(next.status, { 'content-type': next.type });
      res.end(next.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);

const json = (status: number, body: unknown) => ({
  status,
  type: 'application/json',
  body: JSON.stringify(body),
});
const hash = toBase64(new Uint8Array(32).fill(1));

describe('ledger client', () => {
  it('parses an accepted append into bytes', async () => {
    next = json(200, { index: 3, size: 4, checkpoint: 'note', proofs: [[hash, hash]] });
    const r = await new LedgerClient({ url }).postEntries([utf8('{}')]);
    expect(r.ok && r.value.proofs[0]![1]).toEqual(new Uint8Array(32).fill(1));
    expect(r.ok && r.value.index).toBe(3);
  });

  it('names the field of an answer that does not fit its schema (an alarm)', async () => {
    next = json(200, { index: -1, size: 4, checkpoint: 'note', proofs: [['short']] });
    const r = await new LedgerClient({ url }).postEntries([utf8('{}')]);
    expect(!r.ok && r.error.kind).toBe('alarm');
    expect(!r.ok && r.error.message).toMatch(/index: must be ≥ 0/);
    expect(!r.ok && r.error.message).toMatch(/proofs\[0\]\[0\]: must be canonical base64 of 32 bytes/);
    next = { status: 200, type: 'application/json', body: '{"index":' };
    const cut = await new LedgerClient({ url }).consistencyProof(1, 2);
    expect(!cut.ok && cut.error.message).toMatch(/not valid JSON/);
  });

  it('keeps a refusal’s status, rule, field and details', async () => {
    next = json(409, {
      error: 'voter has already checked in',
      rule: 'voter-checked-in',
      index: 7,
      proof: [],
    });
    const r = await new LedgerClient({ url }).postEntries([utf8('{}')]);
    expect(r.ok).toBe(false);
    if (r.ok || r.error.kind !== 'refused') throw new Error('expected a refusal');
    expect(r.error).toMatchObject({
      status: 409,
      rule: 'voter-checked-in',
      details: { index: 7, proof: [] },
    });
    expect(r.error.message).toBe(
      'The state ledger refused the request (rule voter-checked-in): voter has already checked in',
    );
    next = { status: 404, type: 'text/plain', body: 'no route' };
    const sizes = await new LedgerClient({ url }).checkpointSizes();
    expect(!sizes.ok && sizes.error.kind === 'refused' && sizes.error.status).toBe(404);
  });

  it('calls a 5xx unavailable, and a silent ledger unreachable after the timeout', async () => {
    next = json(503, { error: 'storage is unavailable; resend the same bytes later' });
    const r = await new LedgerClient({ url }).postEntries([utf8('{}')]);
    expect(!r.ok && r.error.kind).toBe('unavailable');
    expect(!r.ok && r.error.message).toMatch(
      /HTTP 503: storage is unavailable.*ballots already cast are safe/,
    );
    next = 'hang';
    const slow = await new LedgerClient({ url, timeoutMs: 200 }).checkpoint();
    expect(!slow.ok && slow.error.kind).toBe('unreachable');
    expect(!slow.ok && slow.error.message).toMatch(/no answer within 0.2 s/);
    next = { status: 200, type: 'text/plain', body: '' };
  });

  it('refuses a ledger URL that is not http(s)', () => {
    expect(() => new LedgerClient({ url: 'file:///etc/passwd' })).toThrow(/http or https/);
  });
});
