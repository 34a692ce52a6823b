/**
 * Messages between the ledger's crypto pool and its worker threads (verify-pool.ts, verify-worker.ts).
 * Verifications travel packed: the messages and signatures of a chunk in one transferred buffer, each
 * distinct public key and context once, so that posting a 500-ballot batch costs the main thread a copy,
 * not a structured clone of 1,500 typed arrays.
 */
import type { Problem } from '../../protocol/election/problems';
import type { Envelope } from '../../protocol/entries';
import type { MlDsaLevel } from '../../protocol/ml-dsa';

/** One ML-DSA verification: pure mode, with the FIPS 204 context of its purpose (DESIGN §3). */
export interface VerifyItem {
  readonly level: MlDsaLevel;
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  readonly context: Uint8Array;
}

/** Fields per item in `PackedVerify.index`. */
export const INDEX_FIELDS = 7;

export interface PackedVerify {
  readonly kind: 'verify';
  readonly id: number;
  readonly keys: readonly Uint8Array[];
  readonly contexts: readonly Uint8Array[];
  /** Messages and signatures, back to back. */
  readonly data: Uint8Array;
  /** Per item: level, key index, context index, message offset, message length, signature offset, length. */
  readonly index: Uint32Array;
}

/** An ML-DSA-44 signature with the empty context (a checkpoint, DESIGN §6), made off the main thread. */
export interface SignTask {
  readonly kind: 'sign';
  readonly id: number;
  readonly secretKey: Uint8Array;
  readonly message: Uint8Array;
}

/**
 * A slice of a request's entries, parsed and checked on a pool thread (the CPU-heavy part of a request
 * after the signatures): each string's UTF-8 leaf data, leaf hash and envelope (parseLeafText), and,
 * when `publicKey` is given, its signature under the context of its type with that kiosk key.
 */
export interface ParseTask {
  readonly kind: 'parse';
  readonly id: number;
  readonly texts: readonly string[];
  readonly publicKey: Uint8Array | null;
  /** Leaf data larger than this is refused unparsed. */
  readonly maxBytes: number;
}

/** One entry of a ParseTask: its envelope and signature verdict, or why it was refused. */
export type ParsedItem =
  | { readonly kind: 'entry'; readonly envelope: Envelope; readonly sig: 'valid' | 'invalid' | 'unchecked' }
  | { readonly kind: 'malformed'; readonly problems: readonly Problem[] }
  | { readonly kind: 'too-big'; readonly bytes: number };

export type PoolTask = PackedVerify | SignTask | ParseTask;

export type PoolReply =
  | { readonly kind: 'ready'; readonly verifier: string; readonly note?: string }
  | { readonly kind: 'verified'; readonly id: number; readonly results: Uint8Array }
  | { readonly kind: 'signed'; readonly id: number; readonly signature: Uint8Array }
  | {
      readonly kind: 'parsed';
      readonly id: number;
      /** The leaf data of every entry, back to back; entry i is data[offsets[i], offsets[i + 1]). */
      readonly data: Uint8Array;
      readonly offsets: Uint32Array;
      /** 32 bytes an entry: its RFC 9162 leaf hash. */
      readonly hashes: Uint8Array;
      readonly items: readonly ParsedItem[];
    }
  | { readonly kind: 'failed'; readonly id: number; readonly error: string };

/** Packs items for one task: each distinct key and context once, the bytes in one buffer. */
export function packVerify(id: number, items: readonly VerifyItem[]): PackedVerify {
  const keys: Uint8Array[] = [];
  const contexts: Uint8Array[] = [];
  const slot = (list: Uint8Array[], value: Uint8Array): number => {
    let i = list.indexOf(value);
    if (i < 0) i = list.push(value) - 1;
    return i;
  };
  let size = 0;
  for (const it of items) size += it.message.length + it.signature.length;
  const data = new Uint8Array(size);
  const index = new Uint32Array(items.length * INDEX_FIELDS);
  let off = 0;
  items.forEach((it, i) => {
    const o = i * INDEX_FIELDS;
    index[o] = it.level;
    index[o + 1] = slot(keys, it.publicKey);
    index[o + 2] = slot(contexts, it.context);
    data.set(it.message, off);
    index[o + 3] = off;
    index[o + 4] = it.message.length;
    off += it.message.length;
    data.set(it.signature, off);
    index[o + 5] = off;
    index[o + 6] = it.signature.length;
    off += it.signature.length;
  });
  return { kind: 'verify', id, keys, contexts, data, index };
}
