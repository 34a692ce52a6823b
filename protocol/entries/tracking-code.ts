/**
 * Ballot tracking codes (DESIGN §5): the first 16 characters of the RFC 4648 §6 base32 (uppercase
 * alphabet A–Z 2–7, no padding) of the ballot's leaf hash, shown as XXXX-XXXX-XXXX-XXXX. Readers accept
 * any case, with or without the dashes. 16 characters carry 80 bits of the hash.
 */
import { err, ok, type Result } from '../result';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const TRACKING_CODE_LENGTH = 16;

/** RFC 4648 §6 base32 without padding. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** The tracking code of a ballot leaf hash: 16 characters, no dashes (the form the ledger indexes). */
export function trackingCodeOf(leafHash: Uint8Array): string {
  if (leafHash.length !== 32) throw new RangeError(`a leaf hash is 32 bytes, got ${leafHash.length}`);
  return base32(leafHash).slice(0, TRACKING_CODE_LENGTH);
}

/** XXXX-XXXX-XXXX-XXXX, for screens and receipts. */
export function formatTrackingCode(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? '';
}

const LOOKALIKE: Record<string, string> = { '0': 'O', '1': 'I', '8': 'B' };

/**
 * Reads a code typed by a voter: any case, dashes between the groups of four or none, surrounding
 * spaces ignored. Returns the 16-character form, or a message saying what to fix.
 */
export function parseTrackingCode(input: string): Result<string, string> {
  const trimmed = input.trim().toUpperCase();
  const grouped = /^[^-]{4}-[^-]{4}-[^-]{4}-[^-]{4}$/.test(trimmed);
  if (trimmed.includes('-') && !grouped) {
    return err(
      'a tracking code is 16 letters and digits, in four groups of four (XXXX-XXXX-XXXX-XXXX) or without dashes',
    );
  }
  const code = trimmed.replaceAll('-', '');
  for (const ch of code) {
    if (!ALPHABET.includes(ch)) {
      const hint = LOOKALIKE[ch];
      return err(
        `"${ch}" never appears in a tracking code (they use the letters A–Z and the digits 2–7)${hint ? `; did you mean "${hint}"?` : ''}`,
      );
    }
  }
  if (code.length !== TRACKING_CODE_LENGTH) {
    return err(`a tracking code has ${TRACKING_CODE_LENGTH} letters and digits; this one has ${code.length}`);
  }
  return ok(code);
}
