/**
 * Fisher–Yates shuffle (Knuth, TAOCP vol. 2, §3.4.2, Algorithm P) driven by the operating system's
 * CSPRNG (`crypto.randomInt`, unbiased by rejection sampling), so neither which ballots leave in a
 * batch nor their order in it follows the order they were cast in (DESIGN §5, §9).
 */
import { randomInt } from 'node:crypto';

export function csprngShuffle<T>(items: readonly T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
