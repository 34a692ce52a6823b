/** Messages between the audit's entry pool (entry-pool.ts) and its threads (entry-worker.ts). */
import type { EntryItem } from './entry-check';

/** A chunk of lines: their bytes back to back, and offsets[i]..offsets[i+1] the i-th line. */
export interface ChunkTask {
  readonly kind: 'chunk';
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
  readonly verify: boolean;
}

/** A kiosk key learnt from an enrolment (its id is the hash of the key: usable from anywhere). */
export interface KeyMessage {
  readonly kind: 'key';
  readonly kiosk: string;
  readonly publicKey: Uint8Array;
}

export type ToWorker = ChunkTask | KeyMessage;

export type FromWorker =
  | { readonly kind: 'ready'; readonly verifier: string; readonly note?: string }
  | {
      readonly kind: 'done';
      readonly id: number;
      /** 32 bytes per line: the RFC 9162 leaf hashes. */
      readonly hashes: Uint8Array;
      readonly items: readonly EntryItem[];
    };
