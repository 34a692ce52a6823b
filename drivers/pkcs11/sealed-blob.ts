/**
 * The sealed-blob format (version 1): how the kiosk's ML-DSA secret key rests on disk, encrypted with
 * AES-256-GCM (NIST SP 800-38D) under a non-extractable key in the kiosk HSM (DESIGN §8). Binary,
 * big-endian, every field length-checked; the whole header is the GCM additional data, so changing any
 * byte of it (the kiosk id, the purpose, the key label, the IV) or of the ciphertext makes unsealing fail.
 *
 *   offset      size  field
 *   0           4     magic "OGSL" (0x4f 0x47 0x53 0x4c)
 *   4           1     version = 1
 *   5           1     algorithm = 1: AES-256-GCM, 96-bit IV, 128-bit tag
 *   6           32    kiosk id (raw bytes of the hex SHA-256 of the kiosk's ML-DSA-65 public key, DESIGN §3)
 *   38          1     P = purpose length, 1..64
 *   39          P     purpose, ASCII [a-z0-9-] (e.g. "kiosk-ml-dsa-65-secret-key")
 *   39+P        1     L = HSM key label length, 1..64
 *   40+P        L     HSM key label, UTF-8 (the CKA_LABEL of the AES key that sealed it)
 *   40+P+L      12    IV (fresh random for every seal)
 *   52+P+L      4     C = ciphertext length including the 16-byte tag, 16..2^24
 *   56+P+L      C     ciphertext ‖ tag
 *
 *   AAD = bytes [0, 52+P+L): everything before the ciphertext length. Nothing may follow the ciphertext.
 */
import { concatBytes, fromHex, toHex, utf8 } from '../../protocol/bytes';
import { err, ok, type Result } from '../../protocol/result';

export const SEALED_BLOB_MAGIC = utf8('OGSL');
export const SEALED_BLOB_VERSION = 1;
export const SEAL_ALG_AES_256_GCM = 1;
export const SEAL_IV_BYTES = 12;
export const SEAL_TAG_BYTES = 16;
const MAX_CIPHERTEXT = 1 << 24;

/** The purpose under which the kiosk's ML-DSA-65 secret key is sealed. */
export const KIOSK_KEY_PURPOSE = 'kiosk-ml-dsa-65-secret-key';

const PURPOSE = /^[a-z0-9][a-z0-9-]{0,63}$/;
const HEX64 = /^[0-9a-f]{64}$/;

export interface SealBinding {
  /** 64 lowercase hex digits (DESIGN §3 kiosk id). */
  readonly kioskId: string;
  readonly purpose: string;
}

export interface SealedHeader extends SealBinding {
  readonly keyLabel: string;
  readonly iv: Uint8Array;
}

export interface SealedBlob extends SealedHeader {
  readonly version: number;
  /** ciphertext ‖ tag */
  readonly ciphertext: Uint8Array;
  /** The header bytes, given to GCM as additional data. */
  readonly aad: Uint8Array;
}

export type SealedBlobError =
  | { readonly kind: 'blob-malformed'; readonly message: string }
  | { readonly kind: 'blob-version'; readonly version: number; readonly message: string };

/** Why a binding cannot be sealed under, or null when it is fine (a bug in the caller otherwise). */
export function bindingProblem(binding: SealBinding, keyLabel: string): string | null {
  if (!HEX64.test(binding.kioskId)) return 'the kiosk id must be 64 lowercase hex digits';
  if (!PURPOSE.test(binding.purpose)) return 'the purpose must be 1..64 characters of a-z, 0-9 and -';
  const label = utf8(keyLabel).length;
  if (label < 1 || label > 64) return 'the HSM key label must be 1..64 bytes of UTF-8';
  return null;
}

/** The header (the GCM additional data). Throws on a bad binding: callers check bindingProblem first. */
export function encodeSealedHeader(header: SealedHeader): Uint8Array {
  const problem = bindingProblem(header, header.keyLabel);
  if (problem) throw new RangeError(problem);
  if (header.iv.length !== SEAL_IV_BYTES) throw new RangeError('the IV must be 12 bytes');
  const purpose = utf8(header.purpose);
  const label = utf8(header.keyLabel);
  return concatBytes(
    SEALED_BLOB_MAGIC,
    new Uint8Array([SEALED_BLOB_VERSION, SEAL_ALG_AES_256_GCM]),
    fromHex(header.kioskId),
    new Uint8Array([purpose.length]),
    purpose,
    new Uint8Array([label.length]),
    label,
    header.iv,
  );
}

export function encodeSealedBlob(header: SealedHeader, ciphertext: Uint8Array): Uint8Array {
  if (ciphertext.length < SEAL_TAG_BYTES || ciphertext.length > MAX_CIPHERTEXT) {
    throw new RangeError('ciphertext length out of range');
  }
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, ciphertext.length);
  return concatBytes(encodeSealedHeader(header), length, ciphertext);
}

function malformed(detail: string): Result<never, SealedBlobError> {
  return err({
    kind: 'blob-malformed',
    message: `The sealed key file is damaged (${detail}). Restore it from the provisioning backup, or provision the kiosk again.`,
  });
}

/** Parses a sealed blob, naming the first thing that is wrong. Does not decrypt. */
export function parseSealedBlob(bytes: Uint8Array): Result<SealedBlob, SealedBlobError> {
  let at = 0;
  const take = (n: number): Uint8Array | null => {
    if (at + n > bytes.length) return null;
    const out = bytes.subarray(at, at + n);
    at += n;
    return out;
  };
  const magic = take(4);
  if (!magic || toHex(magic) !== toHex(SEALED_BLOB_MAGIC)) return malformed('it does not start with "OGSL"');
  const [version, algorithm] = take(2) ?? [];
  if (version !== SEALED_BLOB_VERSION) {
    return err({
      kind: 'blob-version',
      version: version ?? -1,
      message: `The sealed key file has format version ${version ?? 'none'}; this kiosk software reads version ${SEALED_BLOB_VERSION}. Update the kiosk software or provision again.`,
    });
  }
  if (algorithm !== SEAL_ALG_AES_256_GCM) return malformed(`unknown algorithm ${algorithm ?? 'none'}`);
  const kiosk = take(32);
  if (!kiosk) return malformed('it ends inside the kiosk id');
  const purposeLength = take(1)?.[0];
  const purpose = purposeLength === undefined ? null : take(purposeLength);
  if (!purpose) return malformed('it ends inside the purpose');
  const labelLength = take(1)?.[0];
  const label = labelLength === undefined ? null : take(labelLength);
  if (!label) return malformed('it ends inside the key label');
  const iv = take(SEAL_IV_BYTES);
  if (!iv) return malformed('it ends inside the IV');
  const aadEnd = at;
  const lengthBytes = take(4);
  if (!lengthBytes) return malformed('it ends inside the ciphertext length');
  const length = new DataView(lengthBytes.buffer, lengthBytes.byteOffset, 4).getUint32(0);
  if (length < SEAL_TAG_BYTES || length > MAX_CIPHERTEXT)
    return malformed(`ciphertext length ${length} is out of range`);
  const ciphertext = take(length);
  if (!ciphertext) return malformed(`it is shorter than its ciphertext length ${length}`);
  if (at !== bytes.length) return malformed(`${bytes.length - at} unexpected bytes follow the ciphertext`);
  // Checked as single bytes first: a non-ASCII byte must be refused, not decoded.
  const purposeText = String.fromCharCode(...purpose);
  if (!PURPOSE.test(purposeText)) return malformed('the purpose is not of a-z, 0-9 and -');
  let keyLabel: string;
  try {
    keyLabel = new TextDecoder('utf-8', { fatal: true }).decode(label);
  } catch {
    return malformed('the key label is not UTF-8');
  }
  if (keyLabel.length === 0) return malformed('the key label is empty');
  return ok({
    version,
    kioskId: toHex(kiosk),
    purpose: purposeText,
    keyLabel,
    iv: iv.slice(),
    ciphertext: ciphertext.slice(),
    aad: bytes.slice(0, aadEnd),
  });
}
