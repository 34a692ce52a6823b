/** Minimal HTTP calls to a ledger for tests and benchmarks (the kiosk has its own ledger client). */
import { verifyNote, type CosignerKey } from '../../protocol/checkpoint';
import { entriesBody } from './election-fixture';

export interface Reply {
  readonly status: number;
  /** Parsed JSON when the answer is JSON, else the text. */
  readonly body: unknown;
  readonly text: string;
  readonly headers: Headers;
}

async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').startsWith('application/json');
  return {
    status: res.status,
    body: json ? (JSON.parse(text) as unknown) : text,
    text,
    headers: res.headers,
  };
}

/** POST /v1/entries with these leaves. */
export async function postEntries(url: string, leaves: readonly Uint8Array[]): Promise<Reply> {
  return postRaw(url, entriesBody(leaves));
}

/** POST /v1/entries with any body. */
export async function postRaw(
  url: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await fetch(`${url}/v1/entries`, {
    method: 'POST',
    body: typeof body === 'string' ? body : Buffer.from(body),
    headers: { 'content-type': 'application/json', ...headers },
    signal: AbortSignal.timeout(60_000),
  });
  return reply(res);
}

export async function get(url: string, path: string): Promise<Reply> {
  return reply(await fetch(`${url}${path}`, { signal: AbortSignal.timeout(60_000) }));
}

/** The size of the ledger's latest checkpoint, after checking the log's signature on it. */
export async function signedSize(url: string, logKey: CosignerKey): Promise<number> {
  const v = verifyNote((await get(url, '/v1/checkpoint')).text, [logKey]);
  if (!v.ok) throw new Error(`the ledger's checkpoint: ${v.error}`);
  return v.value.checkpoint.size;
}
