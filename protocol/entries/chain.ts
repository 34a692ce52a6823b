/**
 * A kiosk's chain (DESIGN §5 "Kiosk chain") and batch roots (DESIGN §5 "Batch manifest").
 * Batch manifests and polls events of one kiosk form one chain: `seq` counts from 1 without a gap;
 * `prev` = hex SHA-256 of the previous chained entry's leaf data, 64 zeros for the first.
 * A batch manifest's `root` is the RFC 6962 root over the leaf data of its ballots.
 */
import { toHex } from '../bytes';
import { sha256Hex } from '../hash';
import { leafHash, rootFromLeafHashes } from '../merkle/index';
import { err, ok, type Result } from '../result';
import type { ChainedEntry } from './schemas';

export const FIRST_PREV = '0'.repeat(64);

/** Where a kiosk's chain stands: the last seq (0 before the first entry) and the `prev` the next needs. */
export interface KioskChainState {
  readonly seq: number;
  readonly head: string;
}

export const EMPTY_CHAIN: KioskChainState = { seq: 0, head: FIRST_PREV };

/** The `prev` that follows a chained entry: hex SHA-256 of its leaf data. */
export function chainLink(leafData: Uint8Array): string {
  return sha256Hex(leafData);
}

/**
 * Checks that `entry` (whose leaf data is `leafData`) is the next link of a chain in `state`, and
 * returns the new state; a gap, a repeat or a wrong prev is named.
 */
export function nextChainState(
  state: KioskChainState,
  entry: ChainedEntry,
  leafData: Uint8Array,
): Result<KioskChainState, string> {
  if (entry.seq !== state.seq + 1) {
    return err(
      entry.seq <= state.seq
        ? `seq ${entry.seq} was already used by this kiosk (its chain is at ${state.seq})`
        : `seq ${entry.seq} leaves a gap: this kiosk's next seq is ${state.seq + 1}`,
    );
  }
  if (entry.prev !== state.head) {
    return err(`prev ${entry.prev} is not the hash of this kiosk's previous chained entry (${state.head})`);
  }
  return ok({ seq: entry.seq, head: chainLink(leafData) });
}

/** A batch's root (hex) over its ballots' leaf data, in log order. */
export function batchRoot(ballotLeafData: readonly Uint8Array[]): string {
  return toHex(rootFromLeafHashes(ballotLeafData.map(leafHash)));
}
