/**
 * The roll (DESIGN §4 "Voters, credentials and the random sample", step 3): records
 * `{voterRef, country, style}` sorted by voterRef; `rollRoot` is the RFC 6962 root over leaf data =
 * JCS of each record (RFC 9162 §2.1.1 leaf hashes).
 */
import { z } from 'zod';
import { toHex } from '../bytes';
import { canonicalBytes } from '../jcs';
import { leafHash, rootFromLeafHashes } from '../merkle/index';
import { err, ok, type Result } from '../result';
import { alpha3, identifier, says } from '../election/primitives';
import { VoterRefSchema, type VoterRef } from './voter-ref';

export const RollRecordSchema = z.strictObject(
  { voterRef: VoterRefSchema, country: alpha3, style: identifier },
  says('must be an object {voterRef, country, style}'),
);
export type RollRecord = z.infer<typeof RollRecordSchema>;

function compareRefs(a: VoterRef, b: VoterRef): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The roll in its normative order (sorted by voterRef; lowercase hex sorts as its bytes), refusing a
 * voterRef listed twice (one voterRef per person).
 */
export function sortRoll(records: readonly RollRecord[]): Result<RollRecord[], string> {
  const sorted = [...records].sort((a, b) => compareRefs(a.voterRef, b.voterRef));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.voterRef === sorted[i - 1]!.voterRef) {
      return err(`voterRef ${sorted[i]!.voterRef} is on the roll twice`);
    }
  }
  return ok(sorted);
}

/** Leaf data of one roll record: its JCS bytes. */
export function rollLeafData(record: RollRecord): Uint8Array {
  return canonicalBytes({ voterRef: record.voterRef, country: record.country, style: record.style });
}

/** rollRoot (hex) of records already in roll order (see sortRoll); out-of-order input is a bug. */
export function rollRoot(sortedRecords: readonly RollRecord[]): string {
  for (let i = 1; i < sortedRecords.length; i++) {
    if (compareRefs(sortedRecords[i - 1]!.voterRef, sortedRecords[i]!.voterRef) >= 0) {
      throw new RangeError(`roll not sorted by voterRef at record ${i}: use sortRoll first`);
    }
  }
  return toHex(rootFromLeafHashes(sortedRecords.map((r) => leafHash(rollLeafData(r)))));
}
