/**
 * The state the in-order audit checks share (log-rules.ts, batch-rules.ts; DESIGN §5): per kiosk its
 * enrolment, chain and totals, per (kiosk, style) the valid check-ins and the ballots, the hash indexes
 * of leaves, trackers and voters (hash-index.ts), the recount, and the helpers that file faults. No
 * leaf data is kept.
 */
import type { LoadedElection } from '../../protocol/election';
import type { BatchEntry, Entry, PollsEntry } from '../../protocol/entries';
import type { EntryItem } from './entry-check';
import type { FaultList } from './faults';
import { iso, type CheckpointTimeline } from './checkpoints';
import { HashIndex } from './hash-index';
import { TallyAccumulator } from './tally-accumulator';

export interface RulesContext {
  readonly election: LoadedElection;
  /** voterRef → style, or undefined when eligibility cannot be checked (roll mode without the roll). */
  readonly eligible: ReadonlyMap<string, string> | undefined;
  readonly timeline: CheckpointTimeline;
  readonly faults: FaultList;
}

export interface KioskState {
  readonly id: string;
  readonly enrolledAt: number;
  /** False when its enrolment failed a check: its entries are then from an unknown kiosk. */
  readonly valid: boolean;
  seq: number;
  head: string;
  /** Index of its (first) final batch. */
  finalAt: number | undefined;
  /** Index of its polls close after the final batch. */
  closedAt: number | undefined;
  /** Entries it signed (valid signature), for its polls close counts. */
  signedCheckins: number;
  signedBallots: number;
}

export interface OfficialReport {
  readonly official: string;
  readonly kiosks: { readonly kiosk: string; readonly index: number }[];
}

export type CheckedEntry = EntryItem & { kind: 'entry' };

export class RuleState {
  readonly kiosks = new Map<string, KioskState>();
  private readonly perStyle = new Map<string, { checkins: number; ballots: number }>();
  readonly leaves = new HashIndex(1 << 12);
  readonly trackers = new HashIndex(1 << 12);
  readonly voters = new HashIndex(1 << 12);
  readonly tally = new TallyAccumulator();
  readonly officials = new Map<string, OfficialReport>();
  readonly counts = { enrolments: 0, checkins: 0, ballots: 0, batches: 0, polls: 0, malformed: 0 };
  readonly electionId: string;
  readonly opensMs: number;
  readonly closesMs: number;
  readonly drainEndMs: number;
  readonly minBatch: number;

  constructor(readonly ctx: RulesContext) {
    const pkg = ctx.election.package;
    this.electionId = ctx.election.electionId;
    this.opensMs = Date.parse(pkg.window.opens);
    this.closesMs = Date.parse(pkg.window.closes);
    this.drainEndMs = this.closesMs + pkg.window.drainHours * 3_600_000;
    this.minBatch = pkg.privacy.minBatch;
  }

  fault(...args: Parameters<FaultList['add']>): void {
    this.ctx.faults.add(...args);
  }

  sameElection(index: number, entry: Entry): boolean {
    if (entry.election === this.electionId) return true;
    this.fault(
      'wrong-election',
      index,
      `the entry is for election ${entry.election}, not ${this.electionId}`,
    );
    return false;
  }

  /** Files a signature fault; true when the signature holds under the right context. */
  signature(index: number, item: CheckedEntry): boolean {
    const type = item.entry.type;
    switch (item.sig) {
      case 'valid':
      case 'unchecked':
        return true;
      case 'invalid':
        this.fault(
          'bad-signature',
          index,
          `the ${type} signature of kiosk ${item.entry.kiosk} does not verify`,
        );
        return false;
      case 'wrong-context':
        this.fault(
          'wrong-context',
          index,
          `the ${type} is signed under the context of a ${item.signedAs} (DESIGN §3): the signature is not for this entry type`,
        );
        return false;
      case 'no-key':
        return false;
    }
  }

  knownKiosk(index: number, id: string): KioskState | undefined {
    const k = this.kiosks.get(id);
    if (k?.valid) return k;
    this.fault(
      'unknown-kiosk',
      index,
      k
        ? `kiosk ${id}'s enrolment (entry ${k.enrolledAt}) is not valid: its entries cannot be accepted`
        : `kiosk ${id} is not enrolled before this entry`,
    );
    return undefined;
  }

  styleCounts(kiosk: string, style: string): { checkins: number; ballots: number } {
    const key = `${kiosk}\n${style}`;
    let c = this.perStyle.get(key);
    if (!c) this.perStyle.set(key, (c = { checkins: 0, ballots: 0 }));
    return c;
  }

  /** The chain link of a batch manifest or polls event (DESIGN §5 "Kiosk chain"); resyncs after a fault. */
  chain(index: number, entry: BatchEntry | PollsEntry, kiosk: KioskState, link: string): void {
    if (entry.seq !== kiosk.seq + 1) {
      this.fault(
        'chain-seq',
        index,
        entry.seq <= kiosk.seq
          ? `seq ${entry.seq} was already used by kiosk ${kiosk.id} (its chain is at ${kiosk.seq})`
          : `seq ${entry.seq} leaves a gap: kiosk ${kiosk.id}'s next seq is ${kiosk.seq + 1}`,
      );
    } else if (entry.prev !== kiosk.head) {
      this.fault(
        'chain-prev',
        index,
        `prev ${entry.prev} is not the hash of kiosk ${kiosk.id}'s previous chained entry (${kiosk.head})`,
      );
    }
    kiosk.seq = entry.seq;
    kiosk.head = link;
  }

  afterDrain(index: number, what: string): void {
    const { lo } = this.ctx.timeline.bounds(index);
    if (lo && lo.time * 1000 >= this.drainEndMs) {
      this.fault(
        'after-drain',
        index,
        `the ${what} was appended after closes + drainHours (${iso(this.drainEndMs / 1000)}): checkpoint ${lo.size}, signed at ${iso(lo.time)}, did not hold it yet`,
      );
    }
  }
}
