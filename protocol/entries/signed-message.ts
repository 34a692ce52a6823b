/**
 * The message an envelope's signature covers, JCS(entry) (DESIGN §3), taken from the leaf data itself.
 * Canonical leaf data is `{"entry":` JCS(entry) `,"sig":"…","signer":"…"}` (members sorted: entry, sig,
 * signer), so JCS(entry) is a slice of the bytes: no re-encoding and no copy on the ledger's and the
 * audit's hot path. Bytes that do not have that frame get JCS(entry) re-encoded, which is always right.
 */
import { canonicalBytes } from '../jcs';
import type { Envelope } from './schemas';

const ENTRY_PREFIX = Buffer.from('{"entry":', 'utf8');
const SIG_MEMBER = Buffer.from(',"sig":"', 'utf8');
/** `,"sig":"` + `","signer":"` + `"}`: the frame around the signature and signer (both ASCII). */
const FRAME = SIG_MEMBER.length + '","signer":"'.length + '"}'.length;

export function signedMessage(data: Uint8Array, envelope: Envelope): Uint8Array {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const end = bytes.length - FRAME - envelope.sig.length - envelope.signer.length;
  const fits =
    end > ENTRY_PREFIX.length &&
    bytes.subarray(0, ENTRY_PREFIX.length).equals(ENTRY_PREFIX) &&
    bytes.indexOf(SIG_MEMBER, end) === end;
  return fits ? data.subarray(ENTRY_PREFIX.length, end) : canonicalBytes(envelope.entry);
}
