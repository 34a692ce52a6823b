/**
 * What a crash must never break, checked on the whole log with protocol code (DESIGN §5, §6 "Audit",
 * for one kiosk): the tree over every leaf is the witnessed checkpoint's; entry 0 is the package; each
 * of the kiosk's entries parses and its signature verifies; its chain runs seq 1, 2, 3… with every
 * `prev` right; each manifest is followed by its ballots with the right root, non-final batches hold
 * at least minBatch; one final batch, then only the polls close, whose counts are the log's; never more
 * ballots than check-ins per style; no leaf or tracker twice. Returns every problem found.
 */
import { bytesEqual, toHex } from '../../protocol/bytes';
import { verifyCheckpointQuorum, type CheckpointTrust } from '../../protocol/checkpoint';
import type { LoadedElection } from '../../protocol/election';
import {
  batchRoot,
  EMPTY_CHAIN,
  nextChainState,
  parseLeafData,
  verifyEnvelope,
  type BatchEntry,
  type Envelope,
} from '../../protocol/entries';
import { leafHash, rootFromLeafHashes } from '../../protocol/merkle';
import type { MlDsaVerifier } from '../../protocol/ml-dsa';

export interface KioskLogSummary {
  readonly problems: string[];
  /** The kiosk's ballots' leaf data, in log order. */
  readonly ballots: Uint8Array[];
  readonly chainLength: number;
  readonly checkins: number;
}

export function checkKioskLog(
  leaves: readonly Uint8Array[],
  checkpointNote: string,
  election: LoadedElection,
  trust: CheckpointTrust,
  kiosk: { readonly id: string; readonly publicKey: Uint8Array },
  verifier: MlDsaVerifier,
): KioskLogSummary {
  const problems: string[] = [];
  const cp = verifyCheckpointQuorum(checkpointNote, trust, verifier);
  if (!cp.ok) problems.push(`checkpoint: ${cp.error}`);
  else {
    if (cp.value.checkpoint.size !== leaves.length)
      problems.push(`checkpoint size ${cp.value.checkpoint.size}, ${leaves.length} leaves read`);
    if (!bytesEqual(rootFromLeafHashes(leaves.map(leafHash)), cp.value.checkpoint.root))
      problems.push('the tree over the leaves read is not the checkpoint root');
  }
  if (!leaves[0] || !bytesEqual(leaves[0], election.entryBytes)) problems.push('entry 0 is not the package');

  const seenLeaves = new Set<string>();
  const trackers = new Set<string>();
  const checkinsByStyle = new Map<string, number>();
  const ballotsByStyle = new Map<string, number>();
  const ballots: Uint8Array[] = [];
  let chain = EMPTY_CHAIN;
  let checkins = 0;
  let finalAt: number | undefined;
  let closedAt: number | undefined;
  let openBatch: { manifest: BatchEntry; at: number; leaves: Uint8Array[] } | undefined;

  const closeBatch = (at: number) => {
    if (!openBatch) return;
    const { manifest, leaves: got } = openBatch;
    if (got.length !== manifest.count)
      problems.push(
        `batch ${manifest.seq} (entry ${openBatch.at}) has ${got.length} ballots, not ${manifest.count} (at ${at})`,
      );
    else if (batchRoot(got) !== manifest.root) problems.push(`batch ${manifest.seq}: root mismatch`);
    if (!manifest.final && manifest.count < election.package.privacy.minBatch)
      problems.push(`batch ${manifest.seq} holds ${manifest.count} < minBatch`);
    openBatch = undefined;
  };

  leaves.forEach((data, index) => {
    const hash = toHex(leafHash(data));
    if (seenLeaves.has(hash)) problems.push(`entry ${index} repeats an earlier leaf`);
    seenLeaves.add(hash);
    if (index === 0) return;
    const parsed = parseLeafData(data);
    if (!parsed.ok) return void problems.push(`entry ${index} does not parse`);
    const env: Envelope = parsed.value;
    const entry = env.entry;
    if (openBatch && (entry.type !== 'ballot' || openBatch.leaves.length === openBatch.manifest.count))
      closeBatch(index);
    if (env.signer !== kiosk.id) return;
    const good = verifyEnvelope(env, kiosk.publicKey, verifier);
    if (!good.ok) problems.push(`entry ${index}: ${good.error}`);
    if (closedAt !== undefined) problems.push(`entry ${index} comes after the kiosk's polls close`);
    switch (entry.type) {
      case 'kiosk-enrolment':
        return;
      case 'checkin':
        checkins++;
        checkinsByStyle.set(entry.style, (checkinsByStyle.get(entry.style) ?? 0) + 1);
        if (finalAt !== undefined) problems.push(`check-in ${index} after the final batch`);
        return;
      case 'ballot': {
        if (!openBatch) return void problems.push(`ballot ${index} outside a batch`);
        openBatch.leaves.push(data);
        ballots.push(data);
        if (trackers.has(entry.tracker)) problems.push(`ballot ${index} repeats a tracker`);
        trackers.add(entry.tracker);
        const n = (ballotsByStyle.get(entry.style) ?? 0) + 1;
        ballotsByStyle.set(entry.style, n);
        if (n > (checkinsByStyle.get(entry.style) ?? 0))
          problems.push(`ballot ${index}: more ballots than check-ins of ${entry.style}`);
        return;
      }
      case 'batch':
      case 'polls': {
        const next = nextChainState(chain, entry, data);
        if (!next.ok) problems.push(`entry ${index} (seq ${entry.seq}): ${next.error}`);
        else chain = next.value;
        if (entry.type === 'batch') {
          if (finalAt !== undefined) problems.push(`batch ${index} after the final batch`);
          if (entry.final) finalAt = index;
          openBatch = { manifest: entry, at: index, leaves: [] };
          if (entry.count === 0) closeBatch(index);
        } else if (finalAt !== undefined) {
          if (entry.event !== 'close') problems.push(`polls ${entry.event} after the final batch`);
          else {
            closedAt = index;
            const want = { checkins, ballots: ballots.length };
            if (entry.counts.checkins !== want.checkins || entry.counts.ballots !== want.ballots)
              problems.push(
                `close counts ${JSON.stringify(entry.counts)}, the log holds ${JSON.stringify(want)}`,
              );
          }
        }
        return;
      }
    }
  });
  closeBatch(leaves.length);
  if (finalAt === undefined) problems.push('no final batch');
  if (closedAt === undefined) problems.push('no polls close after the final batch');
  return { problems, ballots, chainLength: chain.seq, checkins };
}
