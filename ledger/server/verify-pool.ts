/**
 * Signature verification on every core: a pool of worker threads (verify-worker.ts), each with the
 * fastest ML-DSA verifier the machine has. A request's verifications are cut into chunks spread over
 * the least-loaded threads, so one 500-ballot batch uses all cores and concurrent requests share them.
 *
 * The workers are TypeScript, started through ledger/ts-worker.ts (tsx's hooks registered in the thread).
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { nobleVerifier } from '../../protocol/ml-dsa';
import { fastestMlDsaVerifier } from '../../native/ml-dsa';
import { startTsWorker } from '../ts-worker';
import {
  packVerify,
  type ParsedItem,
  type PoolReply,
  type PoolTask,
  type VerifyItem,
} from './verify-protocol';

/** One entry parsed on a pool thread: its leaf data and hash, and what the thread found. */
export interface PooledEntry {
  readonly data: Uint8Array;
  readonly hash: Uint8Array;
  readonly item: ParsedItem;
}

/** Verifications per message: big enough to amortise messaging, small enough to spread a batch. */
const CHUNK = 32;

interface Pending {
  readonly resolve: (reply: PoolReply) => void;
  readonly reject: (e: Error) => void;
  readonly size: number;
}

interface Thread {
  readonly worker: Worker;
  load: number;
  readonly pending: Map<number, Pending>;
}

export class VerifyPool {
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly threads: Thread[],
    /** The verifier the workers use ('pqclean-native' or 'noble'), for logs and benchmarks. */
    readonly verifierName: string,
    /** Why the native verifier is not used, when it is not. */
    readonly note: string | undefined,
  ) {}

  /** Starts `threads` workers (default: one per core) and waits until each has loaded its verifier. */
  static async start(options: { readonly threads?: number } = {}): Promise<VerifyPool> {
    const count = Math.max(1, options.threads ?? availableParallelism());
    const entry = new URL('./verify-worker.ts', import.meta.url);
    const threads: Thread[] = [];
    const ready: Promise<{ verifier: string; note?: string }>[] = [];
    for (let i = 0; i < count; i++) {
      const worker = startTsWorker(entry);
      const thread: Thread = { worker, load: 0, pending: new Map() };
      threads.push(thread);
      ready.push(
        new Promise((resolve, reject) => {
          worker.once('error', reject);
          worker.once('message', (m: PoolReply) => {
            worker.off('error', reject);
            if (m.kind === 'ready') resolve(m.note === undefined ? { verifier: m.verifier } : m);
            else reject(new Error('verify worker answered before it was ready'));
          });
        }),
      );
    }
    let first: { verifier: string; note?: string };
    try {
      [first] = (await Promise.all(ready)) as [{ verifier: string; note?: string }];
    } catch (e) {
      await Promise.all(threads.map((t) => t.worker.terminate()));
      throw new Error(`the signature verification threads failed to start: ${(e as Error).message}`, {
        cause: e,
      });
    }
    const pool = new VerifyPool(threads, first.verifier, first.note);
    for (const t of threads) pool.listen(t);
    return pool;
  }

  private listen(thread: Thread): void {
    thread.worker.on('message', (m: PoolReply) => {
      if (m.kind === 'ready') return;
      const p = thread.pending.get(m.id);
      if (!p) return;
      thread.pending.delete(m.id);
      thread.load -= p.size;
      p.resolve(m);
    });
    const fail = (e: Error) => {
      for (const p of thread.pending.values()) p.reject(e);
      thread.pending.clear();
      thread.load = 0;
    };
    thread.worker.on('error', (e) => fail(new Error(`a verify thread failed: ${e.message}`)));
    thread.worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`a verify thread exited (code ${code})`));
    });
  }

  /** Posts a task to the least-loaded thread; `load` weighs it (verifications, or a signature's worth). */
  private post(task: PoolTask, load: number, transfer: ArrayBuffer[] = []): Promise<PoolReply> {
    if (this.closed) return Promise.reject(new Error('the verify pool is closed'));
    let thread = this.threads[0]!;
    for (const t of this.threads) if (t.load < thread.load) thread = t;
    thread.load += load;
    return new Promise((resolve, reject) => {
      thread.pending.set(task.id, { resolve, reject, size: load });
      thread.worker.postMessage(task, transfer);
    });
  }

  private async send(items: readonly VerifyItem[]): Promise<Uint8Array> {
    const task = packVerify(this.nextId++, items);
    const reply = await this.post(task, items.length, [
      task.data.buffer as ArrayBuffer,
      task.index.buffer as ArrayBuffer,
    ]);
    if (reply.kind !== 'verified')
      throw new Error(`a verify thread answered ${reply.kind} to a verification`);
    return reply.results;
  }

  /** An ML-DSA-44 signature with the empty context (checkpoints, DESIGN §6), made on a pool thread. */
  async signCheckpoint(secretKey: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
    // A signature costs about as much as 40 verifications.
    const reply = await this.post({ kind: 'sign', id: this.nextId++, secretKey, message }, 40);
    if (reply.kind === 'signed') return reply.signature;
    throw new Error(`checkpoint signing failed: ${reply.kind === 'failed' ? reply.error : reply.kind}`);
  }

  /**
   * Parses entries' leaf data on the pool threads, in chunks spread like verifications, and checks each
   * signature with `publicKey` when it is given (the kiosk of a request, known before its entries are).
   */
  async parse(
    texts: readonly string[],
    publicKey: Uint8Array | null,
    maxBytes: number,
  ): Promise<PooledEntry[]> {
    const parts: Promise<PooledEntry[]>[] = [];
    for (let i = 0; i < texts.length; i += CHUNK) {
      const slice = texts.slice(i, i + CHUNK);
      const task: PoolTask = { kind: 'parse', id: this.nextId++, texts: slice, publicKey, maxBytes };
      parts.push(
        this.post(task, slice.length).then((reply) => {
          if (reply.kind !== 'parsed') throw new Error(`a verify thread answered ${reply.kind} to a parse`);
          return reply.items.map((item, j) => ({
            data: reply.data.subarray(reply.offsets[j], reply.offsets[j + 1]),
            hash: reply.hashes.subarray(32 * j, 32 * (j + 1)),
            item,
          }));
        }),
      );
    }
    return (await Promise.all(parts)).flat();
  }

  /** Verifies every item; true where the signature holds. Never throws for a bad signature. */
  async verify(items: readonly VerifyItem[]): Promise<boolean[]> {
    const parts: Promise<Uint8Array>[] = [];
    for (let i = 0; i < items.length; i += CHUNK) parts.push(this.send(items.slice(i, i + CHUNK)));
    const results = await Promise.all(parts);
    return results.flatMap((r) => Array.from(r, (x) => x === 1));
  }

  get size(): number {
    return this.threads.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}

/** The same interface on the calling thread (for tools that verify a handful of signatures). */
export function inThreadVerify(items: readonly VerifyItem[]): boolean[] {
  const { verifier } = fastestMlDsaVerifier(nobleVerifier);
  return items.map((i) => verifier.verify(i.level, i.publicKey, i.message, i.signature, i.context));
}
