/**
 * The one owner of a PKCS#11 module in this process (DESIGN §2: C_Initialize is process-wide). The
 * module runs in a worker thread and is reached by typed messages, so a slow card never freezes the
 * screen. Every call answers a Result; calls made once the host is closing, or in flight when the
 * worker dies, are answered `worker-stopped`, so nothing is left dangling.
 *
 * A module's thread lives as long as the process (it is unref'd, so it never keeps it alive): closing
 * a host finalises the module but keeps it loaded (see pkcs11-worker.ts for why), and the next host for
 * that module initialises it again on the same thread.
 */
import { realpathSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { ErrorCounter, LatencyRecorder, type LatencyStats } from '../diagnostics';
import { err, ok, type Result } from '../../protocol/result';
import { errorCountKey, type Pkcs11Error } from './pkcs11-errors';
import type { FaultRule } from './fault-injection';
import type { ModuleSummary } from './pkcs11-types';
import type { Pkcs11Op, Pkcs11Ops, WorkerReply, WorkerStartData } from './worker-protocol';

export const SOFTHSM2_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const OPENSC_MODULE = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';

export interface Pkcs11HostOptions {
  /** Tests only: lets `injectFault` simulate card removal and chosen CKR_* codes in the worker. */
  readonly faultInjection?: boolean;
}

type Settle = (reply: WorkerReply | { readonly stopped: string }) => void;

/** One worker thread holding one loaded module, for the life of the process. */
class ModuleThread {
  private static readonly threads = new Map<string, ModuleThread>();
  private readonly worker: Worker;
  private readonly pending = new Map<number, Settle>();
  private nextId = 1;
  dead: string | null = null;
  owner: Pkcs11Host | null = null;

  private constructor(
    private readonly key: string,
    modulePath: string,
  ) {
    const data: WorkerStartData = { modulePath };
    // The entry registers tsx in the worker, then loads pkcs11-worker.ts.
    this.worker = new Worker(new URL('./pkcs11-worker-boot.mjs', import.meta.url), { workerData: data });
    this.worker.unref();
    this.worker.on('message', (reply: WorkerReply) => {
      const settle = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      settle?.(reply);
    });
    this.worker.on('error', (e) => this.die(`the PKCS#11 worker failed: ${e.message}`));
    this.worker.on('exit', (code) => this.die(`the PKCS#11 worker exited with code ${code}`));
  }

  static for(modulePath: string): ModuleThread {
    let key = modulePath;
    try {
      key = realpathSync(modulePath);
    } catch {
      // A missing file: the worker reports it as module-not-loadable, under the path as given.
    }
    const existing = ModuleThread.threads.get(key);
    if (existing && existing.dead === null) return existing;
    const thread = new ModuleThread(key, modulePath);
    ModuleThread.threads.set(key, thread);
    return thread;
  }

  send(op: Pkcs11Op, args: unknown, settle: Settle): void {
    if (this.dead !== null) {
      settle({ stopped: this.dead });
      return;
    }
    const id = this.nextId++;
    this.pending.set(id, settle);
    if (this.pending.size === 1) this.worker.ref();
    this.worker.postMessage({ id, op, args });
  }

  private die(reason: string): void {
    if (this.dead !== null) return;
    this.dead = reason;
    if (ModuleThread.threads.get(this.key) === this) ModuleThread.threads.delete(this.key);
    for (const [id, settle] of this.pending) {
      this.pending.delete(id);
      settle({ stopped: reason });
    }
  }
}

export class Pkcs11Host {
  private readonly thread: ModuleThread;
  private readonly ready: Promise<Result<ModuleSummary, Pkcs11Error>>;
  private inFlight = 0;
  private stopped: string | null = null;
  private readonly latency = new LatencyRecorder();
  private readonly errors = new ErrorCounter();

  private constructor(
    readonly modulePath: string,
    options: Pkcs11HostOptions,
  ) {
    this.thread = ModuleThread.for(modulePath);
    this.thread.owner = this;
    this.ready = this.send('initialize', { faultInjection: options.faultInjection === true });
  }

  /**
   * Opens the module at `modulePath` (any PKCS#11 library: OpenSC for card readers, SoftHSM2, an HSM
   * vendor's). A second open host for the same module in one process is a bug (two owners of one
   * C_Initialize) and throws: share the one host, or close it first.
   */
  static open(modulePath: string, options: Pkcs11HostOptions = {}): Pkcs11Host {
    const thread = ModuleThread.for(modulePath);
    if (thread.owner && thread.owner.stopped === null) {
      throw new Error(
        `a Pkcs11Host for ${modulePath} is already open in this process (DESIGN §2: one owner)`,
      );
    }
    return new Pkcs11Host(modulePath, options);
  }

  /** The module's description (or why it could not be loaded or initialised). */
  info(): Promise<Result<ModuleSummary, Pkcs11Error>> {
    return this.ready;
  }

  /** Runs one operation in the worker. */
  async call<K extends Exclude<Pkcs11Op, 'initialize' | 'finalize'>>(
    op: K,
    args: Pkcs11Ops[K]['args'],
  ): Promise<Result<Pkcs11Ops[K]['value'], Pkcs11Error>> {
    if (this.stopped !== null) return err(this.stoppedError(this.stopped));
    this.inFlight++;
    try {
      const ready = await this.ready;
      if (!ready.ok) return ready;
      if (this.stopped !== null) return err(this.stoppedError(this.stopped));
      return await this.send(op, args);
    } finally {
      this.inFlight--;
    }
  }

  private send<K extends Pkcs11Op>(
    op: K,
    args: Pkcs11Ops[K]['args'],
  ): Promise<Result<Pkcs11Ops[K]['value'], Pkcs11Error>> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      this.thread.send(op, args, (reply) => {
        if ('stopped' in reply) {
          this.errors.add('worker-stopped');
          resolve(err(this.stoppedError(reply.stopped)));
          return;
        }
        this.latency.record(performance.now() - started);
        if (reply.ok) {
          resolve(ok(reply.value as Pkcs11Ops[K]['value']));
        } else if ('bug' in reply) {
          reject(new Error(`PKCS#11 worker bug in ${op}: ${reply.bug}`));
        } else {
          this.errors.add(errorCountKey(reply.error));
          resolve(err(reply.error));
        }
      });
    });
  }

  /** Tests only (host opened with `faultInjection: true`). */
  async injectFault(rule: FaultRule): Promise<void> {
    const r = await this.call('injectFault', { rule });
    if (!r.ok) throw new Error(`fault injection failed: ${r.error.message}`);
  }

  /** Calls made and not yet answered (0 when nothing is left half-done). */
  pendingCalls(): number {
    return this.inFlight;
  }

  latencyStats(): LatencyStats {
    return this.latency.stats();
  }

  /** Error counts by CKR name (or by kind for failures that are not return codes). */
  errorCounts(): Record<string, number> {
    return this.errors.snapshot();
  }

  isOpen(): boolean {
    return this.stopped === null;
  }

  /**
   * Closes every session and calls C_Finalize. Calls already sent finish first (the worker answers in
   * order); calls made from now on answer `worker-stopped`. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.stopped !== null) return;
    this.stopped = 'the PKCS#11 host was closed';
    await this.ready;
    await this.send('finalize', {});
    if (this.thread.owner === this) this.thread.owner = null;
  }

  private stoppedError(reason: string): Pkcs11Error {
    return {
      kind: 'worker-stopped',
      message: `The card and HSM service stopped (${reason}). Restart the kiosk; if this repeats, call a technician.`,
    };
  }
}
