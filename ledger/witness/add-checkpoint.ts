/**
 * The decision a witness makes on one add-checkpoint request (C2SP tlog-witness, "add-checkpoint"),
 * as a pure function of the request body, the logs it witnesses and what it cosigned before. The
 * server (witness-server.ts) runs it under a lock, persists the new state, then cosigns.
 *
 * The spec's answers, in the order they are checked here:
 * - 400 Bad Request: the body is not `old N`, proof lines, an empty line and a checkpoint note; or the
 *   old size is larger than the checkpoint size (spec: "Otherwise, the witness MUST respond with a 400");
 * - 404 Not Found: the checkpoint origin is not a log this witness is configured for;
 * - 403 Forbidden: no signature on the note verifies against the log's trusted key(s) (unknown keys are
 *   ignored, as the spec requires);
 * - 409 Conflict, body = the size it last cosigned (text/x.tlog.size): the old size is not that size;
 *   also 409 when the old size equals the checkpoint size but the roots differ;
 * - 422 Unprocessable Entity: the consistency proof from the old size does not verify.
 * Otherwise the checkpoint is consistent and not smaller than what was cosigned: cosign it.
 *
 * Consistency from size 0 needs no proof (the spec: "The proof MUST be empty if the old size is
 * zero"): any first checkpoint is accepted. A witness never holds two roots for one size: the old
 * size must be its stored size, and a checkpoint of that same size must carry the same root.
 */
import { bytesEqual, toBase64 } from '../../protocol/bytes';
import {
  parseAddCheckpointRequest,
  verifyNote,
  type Checkpoint,
  type CosignerKey,
} from '../../protocol/checkpoint';
import { EMPTY_ROOT, verifyConsistency } from '../../protocol/merkle';
import { nobleVerifier, type MlDsaVerifier } from '../../protocol/ml-dsa';
import type { WitnessState } from './witness-state';

/** The logs a witness cosigns for: origin → the log's trusted key(s) (C2SP: "configured with a list of supported log public keys"). */
export type TrustedLogs = ReadonlyMap<string, readonly CosignerKey[]>;

export type AddCheckpointDecision =
  | {
      readonly kind: 'cosign';
      readonly origin: string;
      readonly checkpoint: Checkpoint;
      /** The log-signed note, to remember. */
      readonly note: string;
    }
  | {
      readonly kind: 'refuse';
      readonly status: 400 | 403 | 404 | 409 | 422;
      /** Plain-text answer, one line (for 409 on an old-size mismatch: the size line itself). */
      readonly body: string;
      /** Set on the 409 carrying the witness's size: Content-Type text/x.tlog.size. */
      readonly sizeBody?: true;
      /** Set when a log-signed checkpoint conflicts with what was cosigned: keep the request as evidence. */
      readonly evidence?: { readonly origin: string; readonly reason: string };
    };

function refuse(
  status: 400 | 403 | 404 | 409 | 422,
  message: string,
  evidence?: { origin: string; reason: string },
): AddCheckpointDecision {
  return { kind: 'refuse', status, body: `${message}\n`, ...(evidence ? { evidence } : {}) };
}

/** Builds the trusted-logs map from log keys: a log signs as the cosigner named by its origin (DESIGN §6). */
export function trustedLogs(keys: readonly CosignerKey[]): Map<string, CosignerKey[]> {
  const map = new Map<string, CosignerKey[]>();
  for (const k of keys) map.set(k.name, [...(map.get(k.name) ?? []), k]);
  return map;
}

export function decideAddCheckpoint(
  body: string,
  logs: TrustedLogs,
  state: WitnessState,
  verifier: MlDsaVerifier = nobleVerifier,
): AddCheckpointDecision {
  const request = parseAddCheckpointRequest(body);
  if (!request.ok) return refuse(400, `bad add-checkpoint request: ${request.error}`);
  const { oldSize, proof, checkpoint: cp, checkpointNote } = request.value;
  if (cp.extensions.length > 0) {
    // ML-DSA-44 cosignatures do not cover extension lines (C2SP tlog-cosignature): never cosign them.
    return refuse(400, 'the checkpoint has extension lines, which this witness does not cosign');
  }
  const keys = logs.get(cp.origin);
  if (!keys) return refuse(404, `this witness does not witness the log ${JSON.stringify(cp.origin)}`);
  const verified = verifyNote(checkpointNote, keys, verifier);
  if (!verified.ok) return refuse(403, verified.error);

  const known = state.get(cp.origin);
  const knownSize = known?.size ?? 0;
  if (oldSize !== knownSize) {
    return { kind: 'refuse', status: 409, body: `${knownSize}\n`, sizeBody: true };
  }
  if (cp.size === 0 && !bytesEqual(cp.root, EMPTY_ROOT)) {
    return refuse(422, 'a tree of size 0 has the empty root (RFC 9162 §2.1.1); this checkpoint does not', {
      origin: cp.origin,
      reason: 'size-0 checkpoint with a non-empty root',
    });
  }
  if (known === undefined) return { kind: 'cosign', origin: cp.origin, checkpoint: cp, note: checkpointNote };

  if (cp.size === known.size) {
    if (proof.length > 0) return refuse(400, 'old size equals the checkpoint size: the proof must be empty');
    if (!bytesEqual(cp.root, known.root)) {
      return refuse(
        409,
        `this witness cosigned size ${known.size} with root ${toBase64(known.root)}; ` +
          `the log now shows root ${toBase64(cp.root)} for the same size (two views of one log)`,
        { origin: cp.origin, reason: `two roots for size ${known.size}` },
      );
    }
    return { kind: 'cosign', origin: cp.origin, checkpoint: cp, note: checkpointNote };
  }
  if (known.size === 0) {
    // The cosigned checkpoint was the empty tree: every tree extends it, and the proof is empty.
    return { kind: 'cosign', origin: cp.origin, checkpoint: cp, note: checkpointNote };
  }
  const consistent = verifyConsistency(known.size, cp.size, proof, known.root, cp.root);
  if (!consistent.ok) {
    return refuse(
      422,
      `the checkpoint of size ${cp.size} is not consistent with size ${known.size} cosigned before: ${consistent.error}`,
      { origin: cp.origin, reason: `inconsistent with cosigned size ${known.size}: ${consistent.error}` },
    );
  }
  return { kind: 'cosign', origin: cp.origin, checkpoint: cp, note: checkpointNote };
}
