/**
 * The ledger's HTTP API (DESIGN §6, normative), on node:http:
 *
 *   POST /v1/entries                      {entries: [leaf data]} → {index, size, checkpoint, proofs}
 *   GET  /v1/checkpoint                   latest checkpoint note with the cosignatures gathered (text)
 *   GET  /v1/proof/inclusion?index=&size= {proof: [base64]}
 *   GET  /v1/proof/consistency?from=&to=  {proof: [base64]}
 *   GET  /v1/leaves?start=&end=           {leaves: [base64 leaf hash]}, end exclusive, ≤ 10,000
 *   GET  /v1/lookup?code=                 {index} of the ballot with this tracking code
 *   GET  /v1/entries?start=&end=          leaf data as JSON lines, only after closes + drainHours
 *                                         (entry 0, the election package, from the start)
 *   GET  /v1/tally                        the count, only after closes + drainHours
 *
 * and, for `ogas ledger export` (DESIGN §6 export folder: every cosigned checkpoint):
 *
 *   GET  /v1/checkpoints                  {sizes: [n]} of the checkpoints with witness cosignatures
 *   GET  /v1/checkpoint?size=n            that checkpoint with its cosignatures (text)
 *
 * Every refusal is JSON `{error, field?, rule?, ...}`; no handler error stops the server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toBase64 } from '../../protocol/bytes';
import { parseTrackingCode } from '../../protocol/entries';
import type { Appender } from './appender';
import type { LedgerLogger } from './ledger-logger';
import type { LedgerTally } from './ledger-tally';
import type { LogState } from './log-state';
import { StorageUnavailableError } from '../storage/types';
import { malformed, refusalBody, tooBig, unavailable, type Refusal } from './refusal';
import { maxBodyBytes, type LedgerRequest } from './request-parse';
import type { RequestVerifier } from './request-verifier';

/** DESIGN §6: at most 10,000 leaves (and entries) per read. */
export const MAX_READ = 10_000;

export interface ApiDeps {
  readonly state: LogState;
  readonly appender: Appender;
  readonly verifier: RequestVerifier;
  readonly tally: LedgerTally;
  readonly clock: () => number;
  readonly log: LedgerLogger;
}

type Query = URLSearchParams;

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

function refuse(res: ServerResponse, r: Refusal, headers: Record<string, string> = {}): void {
  send(res, r.status, refusalBody(r), headers);
}

/** A whole non-negative integer query parameter, or a 400 naming it. */
function intParam(q: Query, name: string): number | Refusal {
  const raw = q.get(name);
  if (raw === null) return malformed(name, 'is required');
  if (!/^(?:0|[1-9][0-9]{0,15})$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    return malformed(name, `must be a whole number ≥ 0, got ${JSON.stringify(raw.slice(0, 20))}`);
  }
  return Number(raw);
}

const isRefusal = (x: unknown): x is Refusal => typeof x === 'object' && x !== null && 'status' in x;

/** Reads the body up to `cap` bytes; a longer one is refused with 413 before any parsing. */
function readBody(req: IncomingMessage, cap: number): Promise<Uint8Array | Refusal> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > cap) {
    return Promise.resolve(tooBig(`the body is ${declared} bytes; this ledger takes at most ${cap}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      length += chunk.length;
      if (length > cap) {
        over = true;
        resolve(tooBig(`the body is more than ${cap} bytes; this ledger takes at most ${cap}`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(new Uint8Array(Buffer.concat(chunks, length)));
    });
    req.on('error', reject);
  });
}

export function createHandler(deps: ApiDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { state, clock, log } = deps;
  const cap = maxBodyBytes(state.ctx.maxBatch);

  const drainGate = (res: ServerResponse, what: string): boolean => {
    const opens = state.ctx.drainEndMs;
    if (clock() >= opens) return true;
    const seconds = Math.ceil((opens - clock()) / 1000);
    send(
      res,
      425,
      {
        error: `${what} can be read from ${new Date(opens).toISOString()} (closes + drainHours), not before`,
        opens: new Date(opens).toISOString(),
      },
      { 'retry-after': String(seconds) },
    );
    return false;
  };

  async function postEntries(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, cap);
    if (isRefusal(body)) {
      refuse(res, body, { connection: 'close' });
      return;
    }
    const parsed = await deps.verifier.parse(body);
    if (!parsed.ok) {
      refuse(res, parsed.error);
      return;
    }
    const request: LedgerRequest = parsed.value.req;
    const stored = await state.storage.findRequest(request.key);
    if (stored) {
      send(res, 200, await state.answer(stored.first, stored.count, stored.size));
      return;
    }
    const announced = deps.appender.expect();
    let outcome;
    try {
      const verified = await deps.verifier.check(request, parsed.value.signatures);
      if (verified) {
        refuse(res, verified);
        return;
      }
      const submitted = deps.appender.submit(request);
      announced.settled();
      outcome = await submitted;
    } finally {
      announced.settled();
    }
    if (outcome.ok) send(res, 200, outcome.answer);
    else refuse(res, outcome.refusal, outcome.refusal.status === 503 ? { 'retry-after': '1' } : {});
  }

  async function getCheckpoint(q: Query, res: ServerResponse): Promise<void> {
    if (q.has('size')) {
      const size = intParam(q, 'size');
      if (isRefusal(size)) return refuse(res, size);
      const record = await state.storage.checkpoint(size);
      if (!record)
        return refuse(res, {
          status: 404,
          field: 'size',
          error: `this log published no checkpoint of size ${size}`,
        });
      return send(res, 200, await state.cosignedNote(record));
    }
    send(res, 200, await state.cosignedNote(state.latest!));
  }

  async function proof(kind: 'inclusion' | 'consistency', q: Query, res: ServerResponse): Promise<void> {
    const [a, b] = kind === 'inclusion' ? ['index', 'size'] : ['from', 'to'];
    const x = intParam(q, a);
    if (isRefusal(x)) return refuse(res, x);
    const y = intParam(q, b);
    if (isRefusal(y)) return refuse(res, y);
    if (y > state.size) return refuse(res, malformed(b, `${y} is beyond the tree size ${state.size}`));
    const p =
      kind === 'inclusion' ? await state.tree.inclusionProof(x, y) : await state.tree.consistencyProof(x, y);
    if (!p.ok) return refuse(res, malformed(kind === 'inclusion' ? 'index' : 'from', p.error));
    send(res, 200, { proof: p.value.map(toBase64) });
  }

  function range(q: Query, res: ServerResponse): { start: number; end: number } | undefined {
    const start = intParam(q, 'start');
    if (isRefusal(start)) return void refuse(res, start);
    const end = intParam(q, 'end');
    if (isRefusal(end)) return void refuse(res, end);
    if (end > state.size)
      return void refuse(res, malformed('end', `${end} is beyond the tree size ${state.size}`));
    if (start >= end) return void refuse(res, malformed('start', `must be below end (${end})`));
    if (end - start > MAX_READ)
      return void refuse(res, malformed('end', `at most ${MAX_READ} leaves per request`));
    return { start, end };
  }

  async function leaves(q: Query, res: ServerResponse): Promise<void> {
    const r = range(q, res);
    if (!r) return;
    const hashes = await state.storage.leafHashes(r.start, r.end);
    send(res, 200, { leaves: hashes.map(toBase64) });
  }

  async function lookup(q: Query, res: ServerResponse): Promise<void> {
    const raw = q.get('code');
    if (raw === null) return refuse(res, malformed('code', 'is required'));
    const code = parseTrackingCode(raw);
    if (!code.ok) return refuse(res, malformed('code', code.error));
    const ballot = await state.storage.findBallotByCode(code.value);
    if (!ballot)
      return refuse(res, {
        status: 404,
        field: 'code',
        error: `no ballot on this log has the tracking code ${raw.trim()}`,
      });
    send(res, 200, { index: ballot.index });
  }

  async function entries(q: Query, res: ServerResponse): Promise<void> {
    const r = range(q, res);
    if (!r) return;
    // Entry 0 is the election package, public before the polls open: serving it early leaks no ballot
    // and lets a voter check a receipt without a copy of the package (DESIGN §6 withholds ballots).
    if (r.end > 1 && !drainGate(res, 'entries after entry 0 (the election package)')) return;
    const data = await state.storage.leafData(r.start, r.end);
    const body = Buffer.concat(
      data.flatMap((d) => [Buffer.from(d.buffer, d.byteOffset, d.byteLength), Buffer.from('\n')]),
    );
    res.writeHead(200, {
      'content-type': 'application/x-ndjson',
      'content-length': body.length,
      'cache-control': 'no-store',
    });
    res.end(body);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://ledger');
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (path === '/v1/entries' && method === 'POST') return postEntries(req, res);
    if (method !== 'GET' && method !== 'HEAD') {
      return refuse(res, { status: 404, error: `no route ${method} ${path}` }, { allow: 'GET' });
    }
    switch (path) {
      case '/v1/checkpoint':
        return getCheckpoint(q, res);
      case '/v1/checkpoints':
        return send(res, 200, { sizes: await state.storage.cosignedSizes() });
      case '/v1/proof/inclusion':
        return proof('inclusion', q, res);
      case '/v1/proof/consistency':
        return proof('consistency', q, res);
      case '/v1/leaves':
        return leaves(q, res);
      case '/v1/lookup':
        return lookup(q, res);
      case '/v1/entries':
        return entries(q, res);
      case '/v1/tally':
        if (!drainGate(res, 'the tally')) return;
        return send(res, 200, await deps.tally.result());
      default:
        return refuse(res, { status: 404, error: `no route GET ${path}` });
    }
  }

  return (req, res) => {
    route(req, res).catch((e: Error) => {
      const storage = e instanceof StorageUnavailableError;
      log({
        id: storage ? 'ledger.storage-unavailable' : 'ledger.http-error',
        level: 'error',
        path: req.url?.split('?')[0],
        error: e.message,
      });
      if (res.headersSent) res.destroy();
      else if (storage)
        refuse(res, unavailable('storage is unavailable; nothing was appended: try again'), {
          'retry-after': '1',
        });
      else send(res, 500, { error: 'internal error (logged); resend the same bytes' });
    });
  };
}
