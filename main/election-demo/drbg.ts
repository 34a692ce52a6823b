/**
 * Labelled deterministic randomness for the demo: every value is SHA-256(seed ‖ label), so the same
 * `--seed` gives the same keys, salt, roll, sample and people whatever the order they are made in.
 * Not for real elections: real salts and sample secrets come from a CSPRNG held by each party.
 */
import { utf8 } from '../../protocol/bytes';
import { sha256 } from '../../protocol/hash';

export class Drbg {
  readonly #seed: Uint8Array;

  constructor(seed: Uint8Array) {
    this.#seed = seed.slice();
  }

  bytes32(label: string): Uint8Array {
    return sha256(this.#seed, utf8(`\0${label}`));
  }

  /** An integer in [0, n), from 48 bits (bias below 2^-30 for the small n used here). */
  int(label: string, n: number): number {
    const b = this.bytes32(label);
    const x = b[0]! * 2 ** 40 + b[1]! * 2 ** 32 + b[2]! * 2 ** 24 + b[3]! * 2 ** 16 + b[4]! * 2 ** 8 + b[5]!;
    return x % n;
  }

  pick<T>(label: string, items: readonly T[]): T {
    return items[this.int(label, items.length)]!;
  }
}
