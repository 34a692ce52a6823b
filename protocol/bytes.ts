/**
 * Byte helpers shared by every format: strict hex and base64 codecs (DESIGN §3: hashes and ids are
 * lowercase hex; keys and signatures are standard base64 with padding), UTF-8, concat and compare.
 *
 * Decoders are strict on purpose: an auditor re-implementing our formats must get the same bytes, so
 * uppercase hex, whitespace, missing padding or URL-safe base64 are refused, never "fixed".
 */

const HEX_RE = /^(?:[0-9a-f]{2})*$/;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** True when `s` is lowercase hex of exactly `byteLength` bytes (any even length when omitted). */
export function isHex(s: string, byteLength?: number): boolean {
  if (byteLength !== undefined && s.length !== byteLength * 2) return false;
  return HEX_RE.test(s);
}

/** Decodes lowercase hex; throws a RangeError naming the problem (callers at a boundary check `isHex` first). */
export function fromHex(s: string): Uint8Array {
  if (!HEX_RE.test(s)) throw new RangeError('not lowercase hex of whole bytes');
  return new Uint8Array(Buffer.from(s, 'hex'));
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * True when `s` is canonical standard base64 with padding (RFC 4648 §4, and §3.5: the unused bits of
 * the last character are zero). Non-canonical forms ("QQ==" vs "QR==") decode to the same bytes, so a
 * signed text could be re-encoded unnoticed; they are refused.
 */
export function isBase64(s: string): boolean {
  // Node's decoder is lenient (it skips junk, takes the URL-safe alphabet, needs no padding), but its
  // encoder writes only the canonical form: a string is canonical exactly when it survives the round
  // trip. One pass in C++, where a regex over a 4 KB signature was the ledger's hottest check.
  if (s.length % 4 !== 0) return false;
  return Buffer.from(s, 'base64').toString('base64') === s;
}

/** Decodes canonical standard padded base64; throws a RangeError on anything else. */
export function fromBase64(s: string): Uint8Array {
  if (!isBase64(s)) throw new RangeError('not canonical standard base64 with padding');
  return new Uint8Array(Buffer.from(s, 'base64'));
}

export function utf8(s: string): Uint8Array {
  return textEncoder.encode(s);
}

/** Decodes UTF-8, refusing invalid sequences (TextDecoder with `fatal`). */
export function fromUtf8(bytes: Uint8Array): string {
  return textDecoder.decode(bytes);
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Big-endian unsigned comparison of equal-length byte strings (used for sample tickets, DESIGN §4). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** Big-endian u64 (C2SP timestamps and sizes); `value` must be a safe non-negative integer. */
export function u64be(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`not a u64 this code can hold: ${value}`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}
