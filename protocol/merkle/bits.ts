/**
 * Bit arithmetic on tree sizes and indices held as JavaScript numbers. JS bitwise operators work on 32
 * bits only, while sizes may reach Number.MAX_SAFE_INTEGER (2^53 - 1), so each helper splits a number
 * into its high and low 32-bit words. Every argument must be a non-negative safe integer; callers at a
 * boundary check that first (see `isTreeSize`).
 */

const TWO_32 = 2 ** 32;

function high(n: number): number {
  return Math.floor(n / TWO_32);
}

function low(n: number): number {
  return n >>> 0; // ToUint32 is n mod 2^32
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

function popCount32(x: number): number {
  let v = x >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** True for an integer in [0, 2^53 - 1]: every tree size and index this code accepts. */
export function isTreeSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** Number of bits needed to write `n` (0 for 0), as Go's bits.Len64. */
export function bitLength(n: number): number {
  const h = high(n);
  return h !== 0 ? 64 - Math.clz32(h) : 32 - Math.clz32(low(n));
}

/** Number of trailing zero bits of `n` (64 for 0), as Go's bits.TrailingZeros64. */
export function trailingZeros(n: number): number {
  if (n === 0) return 64;
  const l = low(n);
  return l !== 0 ? ctz32(l) : 32 + ctz32(high(n));
}

/** Number of one bits of `n`. */
export function popCount(n: number): number {
  return popCount32(low(n)) + popCount32(high(n));
}

/** a XOR b. */
export function xor(a: number, b: number): number {
  return (high(a) ^ high(b)) * TWO_32 + ((low(a) ^ low(b)) >>> 0);
}

/** floor(n / 2^k): `n >> k` for 53-bit values. */
export function shiftRight(n: number, k: number): number {
  return Math.floor(n / 2 ** k);
}

/** n * 2^k: `n << k` for 53-bit values (the caller keeps the result safe). */
export function shiftLeft(n: number, k: number): number {
  return n * 2 ** k;
}

/** True when `n` is a power of two (1, 2, 4, ...). */
export function isPowerOfTwo(n: number): boolean {
  return n > 0 && popCount(n) === 1;
}
