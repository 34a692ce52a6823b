/**
 * Checks a ledger's answer to POST /v1/entries as a careful client does (DESIGN §6): the checkpoint is
 * signed by the log key, has the answer's size, and each proof puts the entry at its index under the
 * checkpoint's root. Returns the problems found (empty: the answer holds).
 */
import { fromBase64 } from '../../protocol/bytes';
import { verifyNote, type CosignerKey } from '../../protocol/checkpoint';
import { leafHash, verifyInclusion } from '../../protocol/merkle';

export interface EntriesAnswer {
  readonly index: number;
  readonly size: number;
  readonly checkpoint: string;
  readonly proofs: readonly (readonly string[])[];
}

export function answerProblems(
  answer: EntriesAnswer,
  leaves: readonly Uint8Array[],
  logKey: CosignerKey,
): string[] {
  const note = verifyNote(answer.checkpoint, [logKey]);
  if (!note.ok) return [`checkpoint: ${note.error}`];
  const cp = note.value.checkpoint;
  const problems: string[] = [];
  if (cp.size !== answer.size)
    problems.push(`checkpoint size ${cp.size} is not the answer's size ${answer.size}`);
  if (answer.proofs.length !== leaves.length)
    problems.push(`${answer.proofs.length} proofs for ${leaves.length} entries`);
  leaves.forEach((leaf, i) => {
    const proof = (answer.proofs[i] ?? []).map(fromBase64);
    const r = verifyInclusion(answer.index + i, answer.size, leafHash(leaf), proof, cp.root);
    if (!r.ok) problems.push(`entry ${i}: ${r.error}`);
  });
  return problems;
}
