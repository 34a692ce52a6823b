/**
 * A growable array of 32-byte hashes in one contiguous buffer: a million node hashes as 32 MB of bytes
 * rather than a million small objects (each Uint8Array costs ~100 bytes of heap on its own).
 */
import { HASH_SIZE } from './hash';

export class HashArray {
  private bytes = new Uint8Array(HASH_SIZE * 16);
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(hash: Uint8Array): void {
    if (hash.length !== HASH_SIZE) throw new RangeError(`hash is ${hash.length} bytes, not ${HASH_SIZE}`);
    if ((this.count + 1) * HASH_SIZE > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes.set(hash, this.count * HASH_SIZE);
    this.count++;
  }

  /** A copy of hash `i`; an index out of range is a bug and throws. */
  get(i: number): Uint8Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) {
      throw new RangeError(`hash ${i} out of range 0..${this.count - 1}`);
    }
    return this.bytes.slice(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  }
}
