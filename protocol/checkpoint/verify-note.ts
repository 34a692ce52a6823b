/**
 * Verifying a signed checkpoint against trusted cosigner keys (C2SP signed-note "Signatures",
 * tlog-checkpoint "Signatures", tlog-cosignature; DESIGN §6):
 * - a signature line counts only when both its name and key ID match a trusted key; others are ignored;
 * - a line from a trusted key that fails to verify is reported (the spec lets clients reject the note;
 *   `verifyCheckpointQuorum` does);
 * - if no trusted key's signature verifies, the note is rejected.
 * Checkpoints with extension lines are refused: ML-DSA-44 cosignatures do not cover them, so anyone could
 * add some to a signed checkpoint, and this project never emits them.
 */
import { bytesEqual, toHex } from '../bytes';
import { nobleVerifier, type MlDsaVerifier } from '../ml-dsa';
import { err, ok, type Result } from '../result';
import { parseCheckpointBody, type Checkpoint } from './checkpoint-body';
import { verifyCosignature } from './cosignature';
import { describeSigner, parseSignedNote, type SignedNote } from './signed-note';
import type { CosignerKey } from './vkey';

export interface NoteVerification {
  readonly checkpoint: Checkpoint;
  readonly note: SignedNote;
  /** Trusted keys whose signature verified (each key once), with the cosignature's timestamp. */
  readonly verified: readonly { readonly name: string; readonly keyId: string; readonly timestamp: number }[];
  /** Lines from trusted keys that did not verify, with the reason. */
  readonly failed: readonly { readonly name: string; readonly keyId: string; readonly reason: string }[];
  /** Lines from keys not trusted here (ignored). */
  readonly unknown: readonly { readonly name: string; readonly keyId: string }[];
}

/** Verifies every signature of a checkpoint note from a trusted key; refuses the note if none verifies. */
export function verifyNote(
  noteText: string,
  trustedKeys: readonly CosignerKey[],
  verifier: MlDsaVerifier = nobleVerifier,
): Result<NoteVerification, string> {
  const note = parseSignedNote(noteText);
  if (!note.ok) return note;
  const cp = parseCheckpointBody(note.value.text);
  if (!cp.ok) return cp;
  if (cp.value.extensions.length > 0) {
    return err('checkpoint has extension lines, which ML-DSA-44 cosignatures do not cover; refused');
  }
  const verified: { name: string; keyId: string; timestamp: number }[] = [];
  const failed: { name: string; keyId: string; reason: string }[] = [];
  const unknown: { name: string; keyId: string }[] = [];
  for (const sig of note.value.signatures) {
    const key = trustedKeys.find((k) => k.name === sig.name && bytesEqual(k.keyId, sig.keyId));
    const id = toHex(sig.keyId);
    if (!key) {
      unknown.push({ name: sig.name, keyId: id });
      continue;
    }
    const result = verifyCosignature(sig, key, cp.value, verifier);
    if (!result.ok) failed.push({ name: sig.name, keyId: id, reason: result.error });
    else if (!verified.some((v) => v.name === sig.name && v.keyId === id)) {
      verified.push({ name: sig.name, keyId: id, timestamp: result.value.timestamp });
    }
  }
  if (verified.length === 0) {
    const why =
      failed.length > 0 ? failed.map((f) => f.reason).join('; ') : 'no signature from a trusted key';
    return err(`checkpoint ${cp.value.origin} size ${cp.value.size} is not signed by a trusted key: ${why}`);
  }
  return ok({ checkpoint: cp.value, note: note.value, verified, failed, unknown });
}

export interface CheckpointTrust {
  /** The log's key; its name must be the checkpoint's origin. */
  readonly log: CosignerKey;
  readonly witnesses: readonly CosignerKey[];
  /** How many distinct witnesses must have cosigned. */
  readonly quorum: number;
}

export interface TrustedCheckpoint {
  readonly checkpoint: Checkpoint;
  /** Timestamp of the log's own signature. */
  readonly logTimestamp: number;
  /** The witnesses whose cosignature verified, with their timestamps. */
  readonly witnesses: readonly { readonly name: string; readonly timestamp: number }[];
}

/**
 * A client's full check (DESIGN §6: trust a checkpoint with at least `quorum` witness cosignatures):
 * the log's signature and at least `quorum` distinct witnesses verify, and no trusted key's line fails.
 */
export function verifyCheckpointQuorum(
  noteText: string,
  trust: CheckpointTrust,
  verifier: MlDsaVerifier = nobleVerifier,
): Result<TrustedCheckpoint, string> {
  const all = verifyNote(noteText, [trust.log, ...trust.witnesses], verifier);
  if (!all.ok) return all;
  const { checkpoint: cp, verified, failed } = all.value;
  if (cp.origin !== trust.log.name) {
    return err(`checkpoint origin ${cp.origin} is not the log ${trust.log.name}`);
  }
  const firstFailure = failed[0];
  if (firstFailure) return err(`rejected: ${firstFailure.reason}`);
  const logId = toHex(trust.log.keyId);
  const logSig = verified.find((v) => v.name === trust.log.name && v.keyId === logId);
  if (!logSig)
    return err(
      `checkpoint ${cp.origin} size ${cp.size} is not signed by the log key ${describeSigner(trust.log)}`,
    );
  const witnesses: { name: string; timestamp: number }[] = [];
  for (const v of verified) {
    if (v === logSig || witnesses.some((w) => w.name === v.name)) continue;
    if (trust.witnesses.some((w) => w.name === v.name && toHex(w.keyId) === v.keyId)) {
      witnesses.push({ name: v.name, timestamp: v.timestamp });
    }
  }
  if (witnesses.length < trust.quorum) {
    return err(
      `checkpoint ${cp.origin} size ${cp.size} has ${witnesses.length} witness cosignature(s), ` +
        `${trust.quorum} required`,
    );
  }
  return ok({ checkpoint: cp, logTimestamp: logSig.timestamp, witnesses });
}
