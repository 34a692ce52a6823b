/**
 * A map from hash-like keys (leaf hashes, voterRefs, trackers) to an entry index, in two flat typed
 * arrays: about 20 bytes a slot instead of the ~100 bytes a JavaScript Map spends per string key, so
 * that the audit's only per-entry memory (DESIGN §6 "no duplicate leaf or tracker", "no voter twice")
 * stays small as the log grows, and no leaf data is kept.
 *
 * Keys are truncated to their first 16 bytes (128 bits): a false "duplicate" would need two different
 * leaves, trackers or roll entries agreeing on 128 bits of SHA-256 or randomness, about 2^64 work even
 * for whoever chooses them. Open addressing with linear probing; the slot is chosen by a keyed mix of
 * the key (a random key per process) so that chosen trackers cannot pile onto one slot.
 */
import { getRandomValues } from 'node:crypto';

const KEY_BYTES = 16;
const EMPTY = 0xffffffff;
const MAX_LOAD = 0.7;

export class HashIndex {
  private capacity: number;
  private keys: Uint8Array;
  private values: Uint32Array;
  private count = 0;
  private readonly salt = getRandomValues(new Uint32Array(4));

  constructor(initialCapacity = 1024) {
    this.capacity = Math.max(16, 2 ** Math.ceil(Math.log2(initialCapacity)));
    this.keys = new Uint8Array(this.capacity * KEY_BYTES);
    this.values = new Uint32Array(this.capacity).fill(EMPTY);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table (for the benchmark's memory note). */
  get bytes(): number {
    return this.keys.byteLength + this.values.byteLength;
  }

  private slot(key: Uint8Array): number {
    let h = this.salt[0]!;
    for (let w = 0; w < 4; w++) {
      const o = w * 4;
      const word = (key[o]! | (key[o + 1]! << 8) | (key[o + 2]! << 16) | (key[o + 3]! << 24)) ^ this.salt[w]!;
      h = Math.imul(h ^ word, 0x9e3779b1);
      h ^= h >>> 15;
    }
    return (h >>> 0) & (this.capacity - 1);
  }

  private find(key: Uint8Array): number {
    let i = this.slot(key);
    for (;;) {
      if (this.values[i] === EMPTY) return i;
      const at = i * KEY_BYTES;
      let same = true;
      for (let b = 0; b < KEY_BYTES; b++) {
        if (this.keys[at + b] !== key[b]) {
          same = false;
          break;
        }
      }
      if (same) return i;
      i = (i + 1) & (this.capacity - 1);
    }
  }

  /** The index stored for `key` (its first 16 bytes), if any. */
  get(key: Uint8Array): number | undefined {
    if (key.length < KEY_BYTES) throw new RangeError(`a key has at least ${KEY_BYTES} bytes`);
    const v = this.values[this.find(key)]!;
    return v === EMPTY ? undefined : v;
  }

  /** Stores `index` under `key` unless the key is there; returns the index already stored, if any. */
  setIfAbsent(key: Uint8Array, index: number): number | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= EMPTY)
      throw new RangeError(`index ${index} out of range`);
    if ((this.count + 1) / this.capacity > MAX_LOAD) this.grow();
    const i = this.find(key);
    const v = this.values[i]!;
    if (v !== EMPTY) return v;
    this.keys.set(key.subarray(0, KEY_BYTES), i * KEY_BYTES);
    this.values[i] = index;
    this.count++;
    return undefined;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.capacity *= 2;
    this.keys = new Uint8Array(this.capacity * KEY_BYTES);
    this.values = new Uint32Array(this.capacity).fill(EMPTY);
    for (let i = 0; i < oldValues.length; i++) {
      const v = oldValues[i]!;
      if (v === EMPTY) continue;
      const key = oldKeys.subarray(i * KEY_BYTES, (i + 1) * KEY_BYTES);
      const j = this.find(key);
      this.keys.set(key, j * KEY_BYTES);
      this.values[j] = v;
    }
  }
}
