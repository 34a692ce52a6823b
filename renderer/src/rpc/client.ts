/**
 * The typed RPC client (main/rpc/README.md). Types come from main/rpc/api.ts by type-only import
 * (DESIGN §1), so no backend code is bundled. Every call resolves to a value, never throws for an
 * expected failure: the backend's own error union, or one of two client-side codes when the answer
 * never came (`offline`) or was not the envelope the contract promises (`bad-response`).
 *
 * The backend is our own process on loopback behind a per-boot token, so values are trusted to match
 * their declared types; the envelope itself is still checked before anything is read from it.
 */
import type { KioskApi, RpcError, RpcErrorCode, RpcIssue, RpcMethod } from '../../../main/rpc/api';
import type { Connection } from './token';

export type ClientErrorCode = RpcErrorCode | 'offline' | 'bad-response';

export interface ClientError {
  readonly code: ClientErrorCode;
  readonly message: string;
  readonly issues?: readonly RpcIssue[];
}

export type CallResult<M extends RpcMethod> =
  | { readonly ok: true; readonly value: KioskApi[M]['output'] }
  | { readonly ok: false; readonly error: ClientError };

export interface RpcClient {
  readonly call: <M extends RpcMethod>(
    method: M,
    input: KioskApi[M]['input'],
    options?: { readonly signal?: AbortSignal; readonly timeoutMs?: number },
  ) => Promise<CallResult<M>>;
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** A call that gets no answer in this time is reported `offline` (long polls pass their own). */
const DEFAULT_TIMEOUT_MS = 30_000;

function isIssue(value: unknown): value is RpcIssue {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['path'] === 'string' && typeof v['message'] === 'string';
}

function parseError(value: unknown): RpcError | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const code = v['code'];
  const message = v['message'];
  if (typeof code !== 'string' || typeof message !== 'string') return null;
  const issues = v['issues'];
  const base = { code: code as RpcErrorCode, message };
  if (Array.isArray(issues) && issues.every(isIssue)) return { ...base, issues };
  return base;
}

/** Checks the `{ok, value} | {ok, error}` envelope; null when the body is something else. */
export function parseEnvelope<M extends RpcMethod>(body: unknown): CallResult<M> | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  if (b['ok'] === true && 'value' in b) return { ok: true, value: b['value'] as KioskApi[M]['output'] };
  if (b['ok'] === false) {
    const error = parseError(b['error']);
    return error ? { ok: false, error } : null;
  }
  return null;
}

export function createRpcClient(connection: Connection, fetchImpl: FetchLike): RpcClient {
  return {
    async call(method, input, options = {}) {
      const controller = new AbortController();
      const timeout = setTimeout(() => controller.abort(), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      const onAbort = () => controller.abort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const response = await fetchImpl(`${connection.baseUrl}/api/${method}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${connection.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(input),
          signal: controller.signal,
          cache: 'no-store',
          credentials: 'omit',
          referrerPolicy: 'no-referrer',
        });
        let body: unknown;
        try {
          body = await response.json();
        } catch {
          return {
            ok: false,
            error: {
              code: 'bad-response',
              message: `The kiosk service answered ${method} with HTTP ${response.status} and no readable body.`,
            },
          };
        }
        return (
          parseEnvelope(body) ?? {
            ok: false,
            error: {
              code: 'bad-response',
              message: `The kiosk service answered ${method} with something that is not an RPC answer.`,
            },
          }
        );
      } catch {
        return {
          ok: false,
          error: {
            code: 'offline',
            message: 'The kiosk service did not answer. Please ask a poll worker.',
          },
        };
      } finally {
        clearTimeout(timeout);
        options.signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
