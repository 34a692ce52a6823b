/**
 * Keeps the page's copy of `KioskStatus` current with the backend's long poll (main/rpc/README.md
 * "Staying current"): one `getStatus`, then `watchStatus {after: revision}` in a loop. When the backend
 * does not answer, the store says so (the UI shows a "ask a poll worker" banner) and retries with a
 * capped exponential backoff; nothing is cached anywhere but in memory.
 */
import type { KioskStatus } from '../../../main/rpc/api';
import type { ClientError, RpcClient } from './client';

export type ConnectionState = 'connecting' | 'online' | 'offline';

export interface StatusSnapshot {
  readonly status: KioskStatus | null;
  readonly connection: ConnectionState;
  readonly lastError: ClientError | null;
  /** Server clock minus page clock (ms) when the status arrived: countdowns use the backend's time. */
  readonly clockOffsetMs: number;
}

export interface StatusStoreOptions {
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** How long one watchStatus may wait on the server (the API allows at most 25 s). */
  readonly longPollMs?: number;
}

const MAX_BACKOFF_MS = 5_000;
const FIRST_BACKOFF_MS = 250;

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export class StatusStore {
  readonly #client: RpcClient;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #longPollMs: number;
  readonly #listeners = new Set<() => void>();
  #snapshot: StatusSnapshot = { status: null, connection: 'connecting', lastError: null, clockOffsetMs: 0 };
  #controller: AbortController | null = null;

  constructor(client: RpcClient, options: StatusStoreOptions = {}) {
    this.#client = client;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#longPollMs = options.longPollMs ?? 20_000;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly getSnapshot = (): StatusSnapshot => this.#snapshot;

  #set(next: StatusSnapshot): void {
    this.#snapshot = next;
    for (const listener of this.#listeners) listener();
  }

  /**
   * Takes a status if it is not older than the one we hold. The watch loop's answers arrive in order,
   * so a lower revision from it means the backend restarted (revisions start again): take it too.
   */
  #apply(status: KioskStatus, fromLoop: boolean): void {
    const current = this.#snapshot.status;
    if (current !== null && status.revision < current.revision && !fromLoop) return;
    const serverNow = Date.parse(status.now);
    const clockOffsetMs = Number.isFinite(serverNow) ? serverNow - this.#now() : 0;
    this.#set({ status, connection: 'online', lastError: null, clockOffsetMs });
  }

  #fail(error: ClientError): void {
    this.#set({ ...this.#snapshot, connection: 'offline', lastError: error });
  }

  /** Asks for the status now (after an action, so the screen moves on without waiting for the poll). */
  async refresh(): Promise<void> {
    const result = await this.#client.call('getStatus', {});
    if (result.ok) this.#apply(result.value, false);
    else this.#fail(result.error);
  }

  start(): void {
    if (this.#controller) return;
    const controller = new AbortController();
    this.#controller = controller;
    void this.#loop(controller.signal);
  }

  stop(): void {
    this.#controller?.abort();
    this.#controller = null;
  }

  async #loop(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      const current = this.#snapshot.status;
      const result =
        current === null
          ? await this.#client.call('getStatus', {}, { signal })
          : await this.#client.call(
              'watchStatus',
              { after: current.revision, timeoutMs: this.#longPollMs },
              { signal, timeoutMs: this.#longPollMs + 10_000 },
            );
      if (signal.aborted) return;
      if (result.ok) {
        failures = 0;
        this.#apply(result.value, true);
        continue;
      }
      failures += 1;
      this.#fail(result.error);
      const backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.min(failures - 1, 10));
      await this.#sleep(backoff, signal);
    }
  }
}
