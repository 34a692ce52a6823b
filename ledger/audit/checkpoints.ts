/**
 * The checkpoints of an audited log (DESIGN §6, C2SP tlog-checkpoint / tlog-cosignature): each note's
 * log signature and every cosignature from a witness the package names, the latest one's quorum, and
 * what their timestamps tell about when entries were appended.
 *
 * Time bounds: a checkpoint of size s signed by the log at time t says entries [0, s) were in the log at
 * t, and (the log signs its current size) entry s and later were not yet. So for entry i:
 *   lo(i) = the latest log timestamp of a checkpoint of size ≤ i  (i was appended after it),
 *   hi(i) = the earliest log timestamp of a checkpoint of size > i (i was there by then).
 * Both are the log's own signed statements, so a fault found with them is the log contradicting itself
 * (it enforced the windows with the same clock); witness clocks, which may be off by minutes, are used
 * only for the final checkpoint's date. These are all the audit knows of time: entries carry none
 * (ballots on purpose, DESIGN §9).
 */
import { toHex } from '../../protocol/bytes';
import {
  parseCheckpointBody,
  parseSignedNote,
  verifyNote,
  type CosignerKey,
} from '../../protocol/checkpoint';
import type { MlDsaVerifier } from '../../protocol/ml-dsa';
import type { FaultList } from './faults';

export interface LedgerTrust {
  readonly origin: string;
  readonly log: CosignerKey;
  readonly witnesses: readonly CosignerKey[];
  readonly quorum: number;
}

export interface CheckedCheckpoint {
  readonly label: string;
  readonly size: number;
  readonly root: Uint8Array;
  /** POSIX seconds of the log's signature. */
  readonly logTime: number;
  /** Distinct witnesses of the package whose cosignature verifies, with their timestamps. */
  readonly witnesses: readonly { readonly name: string; readonly time: number }[];
}

/** The index a checkpoint fault is filed under: the last entry it covers. */
function lastIndex(size: number): number {
  return Math.max(0, size - 1);
}

/**
 * Verifies one checkpoint note; files every problem as a fault and returns the checkpoint when its log
 * signature holds (a checkpoint the log did not sign says nothing about the log).
 */
export function checkCheckpoint(
  note: string,
  label: string,
  trust: LedgerTrust,
  verifier: MlDsaVerifier,
  faults: FaultList,
): CheckedCheckpoint | undefined {
  const labelSize = /^(0|[1-9][0-9]*)$/.test(label) ? Number(label) : undefined;
  const parsed = parseSignedNote(note);
  const body = parsed.ok ? parseCheckpointBody(parsed.value.text) : parsed;
  if (!body.ok) {
    const index = lastIndex(labelSize ?? 0);
    faults.add('checkpoint-signature', index, `checkpoint ${label} is not a checkpoint note: ${body.error}`);
    return undefined;
  }
  const cp = body.value;
  const where = `checkpoint ${label}`;
  const index = lastIndex(cp.size);
  const at = { checkpoint: cp.size };
  if (labelSize !== undefined && labelSize !== cp.size) {
    faults.add('export-format', index, `${where} is filed under ${label} but has size ${cp.size}`, at);
  }
  if (cp.origin !== trust.origin) {
    faults.add(
      'checkpoint-signature',
      index,
      `${where} is for the log "${cp.origin}", not "${trust.origin}"`,
      at,
    );
    return undefined;
  }
  const verified = verifyNote(note, [trust.log, ...trust.witnesses], verifier);
  if (!verified.ok) {
    faults.add('checkpoint-signature', index, `${where}: ${verified.error}`, at);
    return undefined;
  }
  for (const f of verified.value.failed) {
    faults.add('checkpoint-signature', index, `${where}: ${f.reason}`, at);
  }
  const logId = toHex(trust.log.keyId);
  const log = verified.value.verified.find((v) => v.name === trust.log.name && v.keyId === logId);
  if (!log) {
    faults.add(
      'checkpoint-signature',
      index,
      `${where} (size ${cp.size}) is not signed by the log key of the package`,
      at,
    );
    return undefined;
  }
  const witnesses: { name: string; time: number }[] = [];
  for (const v of verified.value.verified) {
    if (v === log || witnesses.some((w) => w.name === v.name)) continue;
    if (trust.witnesses.some((w) => w.name === v.name && toHex(w.keyId) === v.keyId)) {
      witnesses.push({ name: v.name, time: v.timestamp });
    }
  }
  return { label, size: cp.size, root: cp.root, logTime: log.timestamp, witnesses };
}

export interface TimeBound {
  /** POSIX seconds. */
  readonly time: number;
  /** The size of the checkpoint that gives it. */
  readonly size: number;
}

/** lo(i) and hi(i) of every entry, read in increasing i (see the file comment). */
export class CheckpointTimeline {
  private readonly sorted: CheckedCheckpoint[];
  private readonly prefixMax: (TimeBound | undefined)[];
  private readonly suffixMin: (TimeBound | undefined)[];
  private p = 0;

  constructor(checkpoints: readonly CheckedCheckpoint[]) {
    this.sorted = [...checkpoints].sort((a, b) => a.size - b.size);
    this.prefixMax = [];
    let max: TimeBound | undefined;
    for (const c of this.sorted) {
      if (!max || c.logTime > max.time) max = { time: c.logTime, size: c.size };
      this.prefixMax.push(max);
    }
    this.suffixMin = new Array<TimeBound | undefined>(this.sorted.length + 1);
    let min: TimeBound | undefined;
    for (let k = this.sorted.length - 1; k >= 0; k--) {
      const c = this.sorted[k]!;
      if (!min || c.logTime < min.time) min = { time: c.logTime, size: c.size };
      this.suffixMin[k] = min;
    }
  }

  /** Bounds of entry i; calls must come with non-decreasing i. */
  bounds(i: number): { lo: TimeBound | undefined; hi: TimeBound | undefined } {
    while (this.p < this.sorted.length && this.sorted[this.p]!.size <= i) this.p++;
    return { lo: this.p > 0 ? this.prefixMax[this.p - 1] : undefined, hi: this.suffixMin[this.p] };
  }

  /** Checkpoints whose log timestamp is earlier than that of a smaller checkpoint. */
  backwards(): CheckedCheckpoint[] {
    const out: CheckedCheckpoint[] = [];
    let max = -Infinity;
    for (const c of this.sorted) {
      if (c.logTime < max) out.push(c);
      max = Math.max(max, c.logTime);
    }
    return out;
  }
}

export function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
