/**
 * The message an envelope's signature covers, JCS(entry) (DESIGN §3), taken from the leaf data itself.
 * Canonical leaf data is `{"entry":` JCS(entry) `,"sig":"…","signer":"…"}` (members sorted: entry, sig,
 * signer), so JCS(entry) is a slice of the bytes: no re-encoding on the ledger's and the audit's hot
 * path. Bytes that do not have that exact frame get JCS(entry) re-encoded, which is always right.
 */
import { canonicalBytes } from '../jcs';
import type { Envelope } from './schemas';

const ENTRY_PREFIX = Buffer.from('{"entry":', 'utf8');

export function signedMessage(data: Uint8Array, envelope: Envelope): Uint8Array {
  const suffix = Buffer.from(`,"sig":"${envelope.sig}","signer":"${envelope.signer}"}`, 'utf8');
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const end = bytes.length - suffix.length;
  const fits =
    end > ENTRY_PREFIX.length &&
    bytes.subarray(0, ENTRY_PREFIX.length).equals(ENTRY_PREFIX) &&
    bytes.subarray(end).equals(suffix);
  return fits ? data.subarray(ENTRY_PREFIX.length, end) : canonicalBytes(envelope.entry);
}
