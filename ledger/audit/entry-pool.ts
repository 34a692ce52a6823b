/**
 * Checks leaves on every core (entry-worker.ts threads), or on the calling thread when `threads` is 0.
 * Chunks are handed to the least-loaded thread and their results come back in submission order, so the
 * in-order checks (log-rules.ts) see the log as it is. Kiosk keys learnt from enrolments are sent to
 * every thread before any later chunk, so each thread can verify that kiosk's entries.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { leafHash } from '../../protocol/merkle';
import { nobleVerifier } from '../../protocol/ml-dsa';
import { fastestMlDsaVerifier } from '../../native/ml-dsa';
import { checkLeaf, type EntryItem } from './entry-check';
import type { ChunkTask, FromWorker, ToWorker } from './entry-protocol';
import { startTsWorker } from '../ts-worker';

export interface CheckedChunk {
  readonly hashes: Uint8Array;
  readonly items: readonly EntryItem[];
}

/**
 * A thread holds one chunk at a time (a few MB); its heap is capped so that V8 collects garbage early
 * instead of letting each thread's heap grow to its default limit (which shows as RSS, not as data).
 */
const THREAD_HEAP_MB = 128;

interface Thread {
  readonly worker: Worker;
  load: number;
  readonly pending: Map<
    number,
    { resolve: (c: CheckedChunk) => void; reject: (e: Error) => void; size: number }
  >;
}

export class EntryPool {
  private nextId = 1;
  private closed = false;
  private readonly keys = new Map<string, Uint8Array>();

  private constructor(
    private readonly threads: Thread[],
    /** 'pqclean-native' or 'noble'. */
    readonly verifierName: string,
    readonly note: string | undefined,
  ) {}

  /** Starts `threads` threads (default: one per core; 0: check on the calling thread). */
  static async start(options: { readonly threads?: number } = {}): Promise<EntryPool> {
    const count = options.threads ?? availableParallelism();
    if (count <= 0) {
      const { verifier, note } = fastestMlDsaVerifier(nobleVerifier);
      return new EntryPool([], verifier.name, note);
    }
    const threads: Thread[] = [];
    const ready: Promise<FromWorker>[] = [];
    for (let i = 0; i < count; i++) {
      const worker = startTsWorker(new URL('./entry-worker.ts', import.meta.url), {
        maxOldGenerationSizeMb: THREAD_HEAP_MB,
      });
      threads.push({ worker, load: 0, pending: new Map() });
      ready.push(
        new Promise((resolve, reject) => {
          worker.once('error', reject);
          worker.once('message', (m: FromWorker) => {
            worker.off('error', reject);
            resolve(m);
          });
        }),
      );
    }
    let first: FromWorker;
    try {
      [first] = (await Promise.all(ready)) as [FromWorker];
    } catch (e) {
      await Promise.all(threads.map((t) => t.worker.terminate()));
      throw new Error(`the audit threads failed to start: ${(e as Error).message}`, { cause: e });
    }
    if (first.kind !== 'ready') throw new Error('an audit thread answered before it was ready');
    const pool = new EntryPool(threads, first.verifier, first.note);
    for (const t of threads) pool.listen(t);
    return pool;
  }

  get size(): number {
    return this.threads.length;
  }

  private listen(thread: Thread): void {
    thread.worker.on('message', (m: FromWorker) => {
      if (m.kind !== 'done') return;
      const p = thread.pending.get(m.id);
      if (!p) return;
      thread.pending.delete(m.id);
      thread.load -= p.size;
      p.resolve({ hashes: m.hashes, items: m.items });
    });
    const fail = (e: Error) => {
      for (const p of thread.pending.values()) p.reject(e);
      thread.pending.clear();
    };
    thread.worker.on('error', (e) => fail(new Error(`an audit thread failed: ${e.message}`)));
    thread.worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`an audit thread exited (code ${code})`));
    });
  }

  /** Makes a kiosk key known to every thread, before any chunk submitted after this call. */
  addKey(kiosk: string, publicKey: Uint8Array): void {
    if (this.keys.has(kiosk)) return;
    this.keys.set(kiosk, publicKey);
    for (const t of this.threads) t.worker.postMessage({ kind: 'key', kiosk, publicKey } satisfies ToWorker);
  }

  /** Checks a chunk of lines; `verify` false skips signatures (the tally). */
  submit(lines: readonly Uint8Array[], verify: boolean): Promise<CheckedChunk> {
    if (this.closed) return Promise.reject(new Error('the audit pool is closed'));
    if (this.threads.length === 0) return Promise.resolve(this.inThread(lines, verify));
    let total = 0;
    for (const l of lines) total += l.length;
    const bytes = new Uint8Array(total);
    const offsets = new Uint32Array(lines.length + 1);
    let off = 0;
    lines.forEach((l, i) => {
      bytes.set(l, off);
      off += l.length;
      offsets[i + 1] = off;
    });
    let thread = this.threads[0]!;
    for (const t of this.threads) if (t.load < thread.load) thread = t;
    const id = this.nextId++;
    thread.load += lines.length;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject, size: lines.length });
      const task: ChunkTask = { kind: 'chunk', id, bytes, offsets, verify };
      thread.worker.postMessage(task satisfies ToWorker, [bytes.buffer, offsets.buffer]);
    });
  }

  private inThread(lines: readonly Uint8Array[], verify: boolean): CheckedChunk {
    const { verifier } = fastestMlDsaVerifier(nobleVerifier);
    const hashes = new Uint8Array(32 * lines.length);
    const items = lines.map((data, i) => {
      hashes.set(leafHash(data), 32 * i);
      return checkLeaf(data, this.keys, verify ? verifier : undefined);
    });
    return { hashes, items };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}
