/**
 * ML-DSA-44 cosignatures over checkpoints (C2SP tlog-cosignature, "Format" and "ML-DSA-44 signed
 * message"; DESIGN §6, normative). The note signature is base64(key ID ‖ timestamped_signature) where
 *
 *     timestamped_signature = u64 timestamp ‖ ML-DSA-44 signature (2420 bytes)
 *     signed message        = "subtree/v1\n\0" ‖ u8 len ‖ cosigner name ‖ u64 timestamp
 *                             ‖ u8 len ‖ origin ‖ u64 start (0) ‖ u64 end (tree size) ‖ 32-byte root
 *
 * signed with ML-DSA-44, pure mode, empty context (DESIGN §3). The log signs its own checkpoints the same
 * way, as the cosigner named by its origin (C2SP tlog-checkpoint, "Signatures").
 */
import { bytesEqual, concatBytes, u64be, utf8 } from '../bytes';
import { ML_DSA_SIZES, mlDsaSign, mlDsaVerify, nobleVerifier, type MlDsaVerifier } from '../ml-dsa';
import { err, ok, type Result } from '../result';
import { encodeCheckpointBody, type Checkpoint } from './checkpoint-body';
import { encodeSignatureLine, encodeSignedNote, type NoteSignature } from './signed-note';
import { isValidKeyName, quote } from './text-rules';
import { keyId, type CosignerKey } from './vkey';

/** The 12-byte label of a cosigned_message. */
export const COSIGNATURE_LABEL: Uint8Array = utf8('subtree/v1\n\0');

/** A cosigner able to sign: name, ML-DSA-44 secret key (2560 bytes) and public key (1312 bytes). */
export interface CosignerSigner {
  readonly name: string;
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

function lengthPrefixed(text: string, what: string): Result<Uint8Array, string> {
  const bytes = utf8(text);
  if (bytes.length < 1 || bytes.length > 255)
    return err(`${what} must be 1 to 255 bytes, is ${bytes.length}`);
  return ok(concatBytes(new Uint8Array([bytes.length]), bytes));
}

/** The cosigned_message for a checkpoint (start 0, end = size), or why it cannot be formed. */
export function cosignedMessage(
  cosignerName: string,
  timestamp: number,
  cp: Pick<Checkpoint, 'origin' | 'size' | 'root'>,
): Result<Uint8Array, string> {
  const name = lengthPrefixed(cosignerName, 'cosigner name');
  if (!name.ok) return name;
  const origin = lengthPrefixed(cp.origin, 'origin');
  if (!origin.ok) return origin;
  if (cp.root.length !== 32) return err(`root must be 32 bytes, is ${cp.root.length}`);
  return ok(
    concatBytes(
      COSIGNATURE_LABEL,
      name.value,
      u64be(timestamp),
      origin.value,
      u64be(0),
      u64be(cp.size),
      cp.root,
    ),
  );
}

/**
 * Cosigns a checkpoint at `timestampSeconds` (POSIX seconds) and returns the signature line, ending in
 * a newline (as a tlog-witness response carries it). Bad arguments are bugs and throw.
 */
export function cosign(cp: Checkpoint, signer: CosignerSigner, timestampSeconds: number): string {
  return encodeSignatureLine(cosignSignature(cp, signer, timestampSeconds));
}

/** As `cosign`, returning the parsed signature rather than its line. */
export function cosignSignature(
  cp: Checkpoint,
  signer: CosignerSigner,
  timestampSeconds: number,
): NoteSignature {
  if (!isValidKeyName(signer.name)) throw new RangeError(`invalid cosigner name ${quote(signer.name)}`);
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new RangeError(`timestamp must be whole seconds ≥ 0, got ${timestampSeconds}`);
  }
  const sizes = ML_DSA_SIZES[44];
  if (signer.publicKey.length !== sizes.publicKey || signer.secretKey.length !== sizes.secretKey) {
    throw new RangeError('cosigner keys are not ML-DSA-44 keys');
  }
  // FIPS 204 §7.2: a secret key begins with ρ, as does its public key; a mismatch would sign unverifiably.
  if (!bytesEqual(signer.secretKey.subarray(0, 32), signer.publicKey.subarray(0, 32))) {
    throw new RangeError(`secret key of ${signer.name} does not belong to its public key`);
  }
  encodeCheckpointBody(cp); // throws on a checkpoint nobody could parse
  const message = cosignedMessage(signer.name, timestampSeconds, cp);
  if (!message.ok) throw new RangeError(`cannot cosign: ${message.error}`);
  const signature = mlDsaSign('checkpoint', signer.secretKey, message.value);
  return {
    name: signer.name,
    keyId: keyId(signer.name, signer.publicKey),
    signature: concatBytes(u64be(timestampSeconds), signature),
  };
}

/** The log's signed checkpoint note: the log signs as the cosigner named by the origin (DESIGN §6). */
export function signCheckpoint(cp: Checkpoint, logSigner: CosignerSigner, timestampSeconds: number): string {
  if (logSigner.name !== cp.origin) {
    throw new RangeError(`the log signs as its origin ${quote(cp.origin)}, not ${quote(logSigner.name)}`);
  }
  return encodeSignedNote({
    text: encodeCheckpointBody(cp),
    signatures: [cosignSignature(cp, logSigner, timestampSeconds)],
  });
}

/**
 * Verifies one signature line as `key`'s cosignature over `cp`; on success returns its timestamp.
 * The caller has matched the line's name and key ID to `key` (C2SP signed-note: lines from unknown keys
 * are ignored, not failed).
 */
export function verifyCosignature(
  sig: NoteSignature,
  key: CosignerKey,
  cp: Checkpoint,
  verifier: MlDsaVerifier = nobleVerifier,
): Result<{ readonly timestamp: number }, string> {
  const want = 8 + ML_DSA_SIZES[44].signature;
  if (sig.signature.length !== want) {
    return err(`cosignature by ${key.name} is ${sig.signature.length} bytes after the key ID, not ${want}`);
  }
  const timestamp64 = new DataView(sig.signature.buffer, sig.signature.byteOffset, 8).getBigUint64(0);
  if (timestamp64 > BigInt(Number.MAX_SAFE_INTEGER)) {
    return err(`cosignature by ${key.name} has timestamp ${timestamp64}, beyond any date this code handles`);
  }
  const timestamp = Number(timestamp64);
  const message = cosignedMessage(key.name, timestamp, cp);
  if (!message.ok) return err(`cosignature by ${key.name}: ${message.error}`);
  if (!mlDsaVerify('checkpoint', key.publicKey, message.value, sig.signature.subarray(8), verifier)) {
    return err(`cosignature by ${key.name} does not verify for ${cp.origin} size ${cp.size}`);
  }
  return ok({ timestamp });
}
