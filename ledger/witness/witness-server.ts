/**
 * `ogas witness serve` (DESIGN §6, §10): a C2SP tlog-witness over node:http.
 *
 *   POST /add-checkpoint   (C2SP tlog-witness, "add-checkpoint")
 *
 * Requests are handled one at a time under a lock, because "checking the old size against the latest
 * checkpoint and persisting the new checkpoint must be performed atomically" (same section, the
 * rollback race it describes). The new state is fsync'd to the state file BEFORE the cosignature is
 * sent; if it cannot be saved, the answer is 500 and nothing is cosigned. A log-signed checkpoint that
 * conflicts with what was cosigned (another root for the same size, a failed consistency proof) is
 * appended to `<state>.evidence.jsonl` with the checkpoint it conflicts with.
 *
 * Binds 127.0.0.1 unless told otherwise. For tests:
 *
 *   const w = await startWitness({ key, logs: [logKey], statePath });
 *   … POST `${w.url}/add-checkpoint` …
 *   await w.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  cosign,
  MAX_NOTE_LENGTH,
  MAX_PROOF_LINES,
  TREE_SIZE_CONTENT_TYPE,
  type CosignerKey,
} from '../../protocol/checkpoint';
import { nobleVerifier, type MlDsaVerifier } from '../../protocol/ml-dsa';
import { decideAddCheckpoint, trustedLogs } from './add-checkpoint';
import type { WitnessKey } from './witness-key';
import {
  appendEvidence,
  loadWitnessState,
  saveWitnessState,
  type WitnessedCheckpoint,
} from './witness-state';

/** One structured log event (JSON line on stderr under the CLI). */
export interface WitnessEvent {
  readonly id: string;
  readonly level: 'info' | 'warn' | 'error';
  readonly [key: string]: unknown;
}
export type WitnessLogger = (event: WitnessEvent) => void;

export interface WitnessOptions {
  readonly key: WitnessKey;
  /** The logs it witnesses: each log's key, named by its origin. */
  readonly logs: readonly CosignerKey[];
  /** The durable state file (created when missing). */
  readonly statePath: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /** Milliseconds since the epoch (cosignature timestamps). */
  readonly clock?: () => number;
  readonly logger?: WitnessLogger;
  /** ML-DSA-44 verifier for log signatures (default noble; a witness checks a few a second). */
  readonly verifier?: MlDsaVerifier;
}

export interface RunningWitness {
  /** http://host:port, no trailing slash; the submission prefix of C2SP tlog-witness. */
  readonly url: string;
  readonly port: number;
  readonly name: string;
  /** The witness's C2SP vkey (for the election package's ledger.witnesses). */
  readonly vkey: string;
  readonly statePath: string;
  /** The checkpoint last cosigned for `origin`, if any. */
  latest(origin: string): WitnessedCheckpoint | undefined;
  close(): Promise<void>;
}

/** The largest body accepted: a note of MAX_NOTE_LENGTH, 63 proof lines and the old size line. */
export const MAX_REQUEST_BYTES = 4 * MAX_NOTE_LENGTH + (MAX_PROOF_LINES + 1) * 64;

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_REQUEST_BYTES) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startWitness(options: WitnessOptions): Promise<RunningWitness> {
  const clock = options.clock ?? Date.now;
  const log: WitnessLogger = options.logger ?? (() => {});
  const verifier = options.verifier ?? nobleVerifier;
  const logs = trustedLogs(options.logs);
  const loaded = await loadWitnessState(options.statePath);
  if (!loaded.ok) throw new Error(loaded.error);
  const state = loaded.value;
  const evidencePath = `${options.statePath}.evidence.jsonl`;
  const { signer } = options.key;
  let lock: Promise<void> = Promise.resolve();

  /** The add-checkpoint handler, run under the lock (one request at a time). */
  async function addCheckpoint(body: string, res: ServerResponse): Promise<void> {
    const decision = decideAddCheckpoint(body, logs, state, verifier);
    if (decision.kind === 'refuse') {
      log({ id: 'witness.refused', level: 'warn', status: decision.status, reason: decision.body.trimEnd() });
      if (decision.evidence) {
        const cosigned = state.get(decision.evidence.origin);
        await appendEvidence(evidencePath, {
          at: Math.floor(clock() / 1000),
          origin: decision.evidence.origin,
          reason: decision.evidence.reason,
          cosigned: cosigned ? { size: cosigned.size, note: cosigned.note } : null,
          request: body,
        }).catch((e: Error) => log({ id: 'witness.evidence-failed', level: 'error', error: e.message }));
      }
      send(res, decision.status, decision.body, decision.sizeBody ? TREE_SIZE_CONTENT_TYPE : undefined);
      return;
    }
    const { checkpoint: cp, origin } = decision;
    const timestamp = Math.floor(clock() / 1000);
    const next = new Map(state);
    next.set(origin, { size: cp.size, root: cp.root, note: decision.note, cosignedAt: timestamp });
    // C2SP tlog-witness: "The witness MUST persist the new checkpoint before responding."
    await saveWitnessState(options.statePath, next);
    state.set(origin, next.get(origin)!);
    const line = cosign(cp, signer, timestamp);
    log({ id: 'witness.cosigned', level: 'info', origin, size: cp.size });
    send(res, 200, line);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://witness').pathname;
    if (path !== '/add-checkpoint') return send(res, 404, `no route ${path}; this is a C2SP witness\n`);
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return send(res, 405, 'add-checkpoint is a POST\n');
    }
    const body = await readBody(req);
    if (body === null) return send(res, 413, `the body is larger than ${MAX_REQUEST_BYTES} bytes\n`);
    const run = lock.then(() => addCheckpoint(body, res));
    lock = run.catch(() => {});
    await run;
  }

  const server = createServer({ requestTimeout: 30_000 }, (req, res) => {
    route(req, res).catch((e: Error) => {
      log({ id: 'witness.error', level: 'error', error: e.message });
      if (!res.headersSent) send(res, 500, 'internal error: nothing was cosigned; retry\n');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log({ id: 'witness.started', level: 'info', url, name: signer.name, logs: [...logs.keys()] });
  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    name: signer.name,
    vkey: options.key.vkey,
    statePath: options.statePath,
    latest: (origin) => state.get(origin),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => lock);
      return closing;
    },
  };
}
