/**
 * What an audit finds (DESIGN §6 "Audit": "Every fault is printed with its entry index"). Each fault
 * has a kind a program can switch on, the index of the entry at fault (for a checkpoint: the last entry
 * it covers; for the package: 0), and a message a person can act on.
 */

export const FAULT_KINDS = {
  // The election package and entry 0 (DESIGN §4).
  'package-signatures': 'the package lacks m valid authority signatures from the trust file',
  'package-invalid': 'entry 0 is not a valid election package',
  'entry0-mismatch': 'entry 0 is not the election package given',
  'package-roll': 'the roll or the sample does not match the package',
  // The export folder or the ledger's answers themselves.
  'export-format': 'the export folder or the ledger answer is not as DESIGN §6 says',
  // Checkpoints (DESIGN §6).
  'checkpoint-signature': 'a checkpoint is not signed by the log key, or carries a bad cosignature',
  'checkpoint-quorum': 'the latest checkpoint has fewer witness cosignatures than the quorum',
  'checkpoint-inconsistent': 'a published checkpoint is not consistent with the final tree',
  'checkpoint-early': 'the latest checkpoint is dated before closes + drainHours',
  'checkpoint-size': 'the latest checkpoint does not cover exactly the entries of the log',
  'checkpoint-order': 'checkpoint timestamps go backwards as the tree grows',
  'root-mismatch': 'the tree rebuilt from the entries is not the tree the log signed (an entry was altered)',
  // Every entry (DESIGN §3, §5).
  malformed: 'the entry is not canonical JSON of a DESIGN §5 entry in its envelope',
  'bad-signature': "the entry's ML-DSA-65 signature does not verify",
  'wrong-context': 'the entry is signed under the context of another entry type',
  'wrong-election': 'the entry names another election',
  'invalid-entry': 'the entry is not valid for the election package (style, selections, batch size)',
  'unknown-kiosk': 'the entry is from a kiosk not (validly) enrolled before it',
  'bad-enrolment': "a kiosk enrolment's official card or signature does not hold",
  'kiosk-enrolled-twice': 'a kiosk is enrolled twice',
  'voter-not-eligible': 'a check-in names a voter outside the sample or roll',
  'wrong-style': "a check-in names a ballot style that is not the voter's",
  'voter-twice': 'a voter checks in twice',
  'chain-seq': 'a kiosk chain skips or repeats a seq',
  'chain-prev': "a chained entry's prev is not the hash of the kiosk's previous chained entry",
  'batch-root': "a batch manifest's root is not the root of its ballots",
  'batch-count': 'a batch manifest is not followed by exactly its count of its own ballots',
  'orphan-ballot': 'a ballot that no batch manifest announced',
  'small-batch': 'a non-final batch holds fewer than privacy.minBatch ballots',
  'second-final': 'a kiosk sends a second final batch',
  'after-final': 'a kiosk appends something other than its polls close after its final batch',
  'ballots-exceed-checkins': 'a kiosk has more ballots of a style than check-ins of that style',
  'duplicate-tracker': 'two ballots carry the same tracker',
  'duplicate-leaf': 'the same leaf data appears twice',
  'checkin-window': 'a check-in was appended outside [opens, closes)',
  'enrolment-late': 'a kiosk was enrolled after the polls closed',
  'after-drain': 'a ballot, batch or polls event was appended after closes + drainHours',
  'polls-counts': "a kiosk's polls close does not state the totals the log holds for it",
} as const;

export type FaultKind = keyof typeof FAULT_KINDS;

export interface Fault {
  readonly kind: FaultKind;
  /** The entry at fault (0 for the package; the last entry a checkpoint covers for a checkpoint). */
  readonly index: number;
  readonly message: string;
  /** For checkpoint faults: the checkpoint's size. */
  readonly checkpoint?: number;
  /** When only a range is known (an altered entry between two checkpoints): [first, end). */
  readonly range?: readonly [number, number];
}

/** Collects faults in the order found; `sorted()` gives them by entry index. */
export class FaultList {
  private readonly list: Fault[] = [];

  add(
    kind: FaultKind,
    index: number,
    message: string,
    extra: Pick<Fault, 'checkpoint' | 'range'> = {},
  ): void {
    this.list.push({ kind, index, message, ...extra });
  }

  get count(): number {
    return this.list.length;
  }

  sorted(): Fault[] {
    return [...this.list].sort((a, b) => a.index - b.index);
  }

  /** Number of faults per kind, for the summary. */
  byKind(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const f of this.list) out[f.kind] = (out[f.kind] ?? 0) + 1;
    return out;
  }
}

export function formatFault(f: Fault): string {
  const where = f.range ? `entries ${f.range[0]}–${f.range[1] - 1}` : `entry ${f.index}`;
  return `[${where}] ${f.kind}: ${f.message}`;
}
