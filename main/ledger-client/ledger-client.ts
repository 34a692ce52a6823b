/**
 * The kiosk's HTTP client of the state ledger (DESIGN §6 HTTP API, normative). Typed calls, each with a
 * timeout; every body parsed by schema (ledger-answers.ts); every failure a `LedgerFailure` value.
 * This layer checks shapes only: verifying signatures and proofs is verified-ledger.ts's job.
 */
import type { z } from 'zod';
import { toHex } from '../../protocol/bytes';
import { err, ok, type Result } from '../../protocol/result';
import {
  CheckpointSizesSchema,
  EntriesAnswerSchema,
  LeavesAnswerSchema,
  LookupAnswerSchema,
  parseAnswer,
  ProofAnswerSchema,
  RefusalBodySchema,
  type EntriesAnswer,
} from './ledger-answers';
import { alarm, refused, unavailable, unreachable, type LedgerFailure } from './ledger-failure';

export interface LedgerClientOptions {
  /** The ledger's base URL (the package's `ledger.url`, or where the kiosk is told it runs). */
  readonly url: string;
  /** Per-request timeout for reads (default 10 s). */
  readonly timeoutMs?: number;
  /** Per-request timeout for `POST /v1/entries` (default 30 s: a large batch is verified first). */
  readonly postTimeoutMs?: number;
  /** Another fetch (tests put a tampering proxy in front this way, or use a real server). */
  readonly fetch?: typeof fetch;
}

/** What a GET or POST brought back before interpretation. */
interface Reply {
  readonly status: number;
  readonly text: string;
  readonly json: boolean;
}

/** Longest body the kiosk reads (a refusal, a checkpoint, proofs for maxBatch entries). */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export class LedgerClient {
  readonly url: string;
  private readonly timeoutMs: number;
  private readonly postTimeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(options: LedgerClientOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new RangeError(`the ledger URL must be http or https, got ${options.url}`);
    }
    this.url = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.postTimeoutMs = options.postTimeoutMs ?? 30_000;
    this.fetchFn = options.fetch ?? fetch;
  }

  /**
   * `POST /v1/entries`: the exact leaf data of one request (a check-in, or a chained entry and its
   * ballots). `timeoutMs` overrides the client's (a check-in a voter waits for gives up sooner).
   */
  async postEntries(
    leaves: readonly Uint8Array[],
    timeoutMs = this.postTimeoutMs,
  ): Promise<Result<EntriesAnswer, LedgerFailure>> {
    const body = JSON.stringify({ entries: leaves.map((l) => Buffer.from(l).toString('utf8')) });
    const reply = await this.request('POST', '/v1/entries', body, timeoutMs);
    if (!reply.ok) return reply;
    return this.json(reply.value, EntriesAnswerSchema, 'the answer to POST /v1/entries');
  }

  /** `GET /v1/checkpoint` (latest, with the cosignatures gathered) or `?size=` (one published size). */
  async checkpoint(size?: number): Promise<Result<string, LedgerFailure>> {
    const path = size === undefined ? '/v1/checkpoint' : `/v1/checkpoint?size=${size}`;
    const reply = await this.request('GET', path);
    if (!reply.ok) return reply;
    const r = reply.value;
    if (r.status !== 200) return err(this.failure(r, `GET ${path}`));
    return ok(r.text);
  }

  /**
   * `GET /v1/checkpoints`: sizes of the checkpoints that gathered witness cosignatures. Not in the
   * normative list of DESIGN §6 (this ledger serves it for exports); a ledger without it answers 404,
   * which comes back as `refused` with status 404.
   */
  async checkpointSizes(): Promise<Result<number[], LedgerFailure>> {
    const r = await this.getJson('/v1/checkpoints', CheckpointSizesSchema);
    return r.ok ? ok(r.value.sizes) : r;
  }

  /** `GET /v1/proof/consistency?from=&to=`. */
  async consistencyProof(from: number, to: number): Promise<Result<Uint8Array[], LedgerFailure>> {
    const r = await this.getJson(`/v1/proof/consistency?from=${from}&to=${to}`, ProofAnswerSchema);
    return r.ok ? ok(r.value.proof) : r;
  }

  /** `GET /v1/proof/inclusion?index=&size=`. */
  async inclusionProof(index: number, size: number): Promise<Result<Uint8Array[], LedgerFailure>> {
    const r = await this.getJson(`/v1/proof/inclusion?index=${index}&size=${size}`, ProofAnswerSchema);
    return r.ok ? ok(r.value.proof) : r;
  }

  /** `GET /v1/leaves?start=&end=`: leaf hashes, end exclusive. */
  async leafHashes(start: number, end: number): Promise<Result<Uint8Array[], LedgerFailure>> {
    const r = await this.getJson(`/v1/leaves?start=${start}&end=${end}`, LeavesAnswerSchema);
    if (!r.ok) return r;
    if (r.value.leaves.length !== end - start) {
      return err(alarm(`GET /v1/leaves?start=${start}&end=${end} returned ${r.value.leaves.length} hashes`));
    }
    return ok(r.value.leaves);
  }

  /** `GET /v1/lookup?code=`: the leaf index of the ballot with this tracking code. */
  async lookup(code: string): Promise<Result<number, LedgerFailure>> {
    const r = await this.getJson(`/v1/lookup?code=${encodeURIComponent(code)}`, LookupAnswerSchema);
    return r.ok ? ok(r.value.index) : r;
  }

  private async getJson<T>(path: string, schema: z.ZodType<T>): Promise<Result<T, LedgerFailure>> {
    const reply = await this.request('GET', path);
    if (!reply.ok) return reply;
    return this.json(reply.value, schema, `the answer to GET ${path.split('?')[0]}`);
  }

  private json<T>(r: Reply, schema: z.ZodType<T>, what: string): Result<T, LedgerFailure> {
    if (r.status !== 200) return err(this.failure(r, what));
    if (!r.json) return err(alarm(`${what} is not JSON (HTTP 200, ${r.text.length} bytes)`));
    let value: unknown;
    try {
      value = JSON.parse(r.text);
    } catch (e) {
      return err(alarm(`${what} is not valid JSON: ${(e as Error).message}`));
    }
    const parsed = parseAnswer(schema, value, what);
    return parsed.ok ? ok(parsed.value) : err(alarm(parsed.error));
  }

  /** A non-200 answer as a failure: 5xx unavailable, 4xx refused (with the refusal's fields). */
  private failure(r: Reply, what: string): LedgerFailure {
    let body: unknown;
    try {
      body = r.json ? JSON.parse(r.text) : undefined;
    } catch {
      body = undefined;
    }
    const parsed = RefusalBodySchema.safeParse(body);
    const message = parsed.success ? parsed.data.error : r.text.slice(0, 300).trim() || `HTTP ${r.status}`;
    if (r.status >= 500) return unavailable(r.status, message);
    if (r.status >= 400) {
      const {
        error: _e,
        field,
        rule,
        ...details
      } = parsed.success ? parsed.data : { error: message, field: undefined, rule: undefined };
      return refused(r.status, message, rule, field, details);
    }
    return alarm(`${what}: unexpected HTTP ${r.status}`);
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    body?: string,
    timeoutMs = this.timeoutMs,
  ): Promise<Result<Reply, LedgerFailure>> {
    let res: Response;
    try {
      res = await this.fetchFn(`${this.url}${path}`, {
        method,
        ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      return err(unreachable(describeFetchError(e, timeoutMs)));
    }
    try {
      const length = Number(res.headers.get('content-length') ?? '0');
      if (length > MAX_ANSWER_BYTES) {
        await res.body?.cancel();
        return err(alarm(`${method} ${path}: an answer of ${length} bytes is too large`));
      }
      const text = await res.text();
      const json = (res.headers.get('content-type') ?? '').startsWith('application/json');
      return ok({ status: res.status, text, json });
    } catch (e) {
      return err(unreachable(`the answer was cut off: ${describeFetchError(e, timeoutMs)}`));
    }
  }
}

/** A fetch failure in words: refused, reset, not found, or timed out. */
function describeFetchError(e: unknown, timeoutMs: number): string {
  const error = e as Error & { cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError' || error.name === 'AbortError')
    return `no answer within ${timeoutMs / 1000} s`;
  const code = error.cause?.code ?? '';
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused: the ledger is not running at that address';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the connection was reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'its address cannot be resolved';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to it';
    default:
      return error.cause?.message ?? error.message;
  }
}

/** A short name for a leaf in messages: the first 16 hex digits of its hash. */
export function shortHash(bytes: Uint8Array): string {
  return toHex(bytes).slice(0, 16);
}
