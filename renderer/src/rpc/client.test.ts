import { describe, expect, it } from 'vitest';
import { createRpcClient, parseEnvelope, type FetchLike } from './client';

const CONNECTION = { baseUrl: 'http://127.0.0.1:8123', token: 'ab'.repeat(32) };

function fetchAnswering(
  status: number,
  body: string,
  seen: { url: string; init: RequestInit }[] = [],
): FetchLike {
  return (url, init) => {
    seen.push({ url, init });
    return Promise.resolve(new Response(body, { status, headers: { 'content-type': 'application/json' } }));
  };
}

describe('createRpcClient (main/rpc/README.md wire format)', () => {
  it('POSTs JSON to /api/<method> with the bearer token', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const client = createRpcClient(
      CONNECTION,
      fetchAnswering(200, '{"ok":true,"value":{"printed":true}}', seen),
    );
    const result = await client.call('printReport', { kind: 'zero' });
    expect(result).toEqual({ ok: true, value: { printed: true } });
    expect(seen[0]!.url).toBe('http://127.0.0.1:8123/api/printReport');
    expect(seen[0]!.init.method).toBe('POST');
    expect(seen[0]!.init.body).toBe('{"kind":"zero"}');
    const headers = seen[0]!.init.headers as Record<string, string>;
    expect(headers['authorization']).toBe(`Bearer ${CONNECTION.token}`);
    expect(headers['content-type']).toBe('application/json');
  });

  it('returns the backend error value, with its field issues', async () => {
    const body = JSON.stringify({
      ok: false,
      error: {
        code: 'bad-request',
        message: 'refused',
        issues: [{ path: 'pin', message: 'must be 4 to 16 digits' }],
      },
    });
    const client = createRpcClient(CONNECTION, fetchAnswering(400, body));
    expect(await client.call('enterCardPin', { pin: '1' })).toEqual({
      ok: false,
      error: {
        code: 'bad-request',
        message: 'refused',
        issues: [{ path: 'pin', message: 'must be 4 to 16 digits' }],
      },
    });
  });

  it('reports a body that is not JSON, or not the envelope, as bad-response', async () => {
    const html = await createRpcClient(CONNECTION, fetchAnswering(502, '<html>')).call('getStatus', {});
    expect(html.ok ? null : html.error.code).toBe('bad-response');
    const other = await createRpcClient(CONNECTION, fetchAnswering(200, '{"hello":1}')).call('getStatus', {});
    expect(other.ok ? null : other.error.code).toBe('bad-response');
  });

  it('reports a failed request as offline, with a message for a person', async () => {
    const client = createRpcClient(CONNECTION, () => Promise.reject(new TypeError('fetch failed')));
    const result = await client.call('getStatus', {});
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('offline');
      expect(result.error.message).toMatch(/poll worker/);
    }
  });

  it('aborts a call that takes longer than its timeout', async () => {
    const hanging: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) =>
        init.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    const result = await createRpcClient(CONNECTION, hanging).call('getStatus', {}, { timeoutMs: 5 });
    expect(result.ok ? null : result.error.code).toBe('offline');
  });
});

describe('parseEnvelope', () => {
  it('refuses an error without a code or message', () => {
    expect(parseEnvelope({ ok: false, error: { message: 'x' } })).toBeNull();
    expect(parseEnvelope({ ok: false })).toBeNull();
    expect(parseEnvelope(null)).toBeNull();
    expect(parseEnvelope({ ok: true })).toBeNull();
  });
});
