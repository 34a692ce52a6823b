/**
 * The in-order checks of an audit (DESIGN §5 rules, §6 "Audit"): every entry after entry 0, in log
 * order, with what the threads found about it on its own (entry-check.ts). State is per kiosk and per
 * (kiosk, style), plus three hash indexes (leaves, trackers, voters: hash-index.ts); no leaf data is
 * kept, so memory does not grow with the size of entries.
 *
 * An entry that fails a check of its own (malformed, bad signature, unknown kiosk, ineligible voter…)
 * has no effect on the state it would have changed: a forged check-in does not let a ballot in, a forged
 * ballot is not counted. Chain state follows every chained entry even so, so that one bad link is one
 * fault, not one per later link.
 */
import { fromHex, toHex } from '../../protocol/bytes';
import type { LoadedElection } from '../../protocol/election';
import {
  checkEntryAgainstElection,
  FIRST_PREV,
  type BallotEntry,
  type BatchEntry,
  type CheckinEntry,
  type Entry,
  type KioskEnrolmentEntry,
  type PollsEntry,
} from '../../protocol/entries';
import { CompactRange } from '../../protocol/merkle';
import type { EntryItem } from './entry-check';
import { auditEnrolmentOfficial } from './enrolment-audit';
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

interface KioskState {
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

interface OpenBatch {
  readonly index: number;
  readonly manifest: BatchEntry;
  readonly kiosk: KioskState | undefined;
  readonly range: CompactRange;
  members: number;
  /** Ballots of each style that passed their own checks. */
  readonly styles: Map<string, number>;
}

export interface OfficialReport {
  readonly official: string;
  readonly kiosks: { readonly kiosk: string; readonly index: number }[];
}

export class LogRules {
  private readonly kiosks = new Map<string, KioskState>();
  private readonly perStyle = new Map<string, { checkins: number; ballots: number }>();
  private readonly leaves = new HashIndex(1 << 12);
  private readonly trackers = new HashIndex(1 << 12);
  private readonly voters = new HashIndex(1 << 12);
  private batch: OpenBatch | undefined;
  readonly tally = new TallyAccumulator();
  readonly officials = new Map<string, OfficialReport>();
  readonly counts = { enrolments: 0, checkins: 0, ballots: 0, batches: 0, polls: 0, malformed: 0 };
  private readonly electionId: string;
  private readonly opensMs: number;
  private readonly closesMs: number;
  private readonly drainEndMs: number;
  private readonly minBatch: number;

  constructor(private readonly ctx: RulesContext) {
    const pkg = ctx.election.package;
    this.electionId = ctx.election.electionId;
    this.opensMs = Date.parse(pkg.window.opens);
    this.closesMs = Date.parse(pkg.window.closes);
    this.drainEndMs = this.closesMs + pkg.window.drainHours * 3_600_000;
    this.minBatch = pkg.privacy.minBatch;
  }

  private fault(...args: Parameters<FaultList['add']>): void {
    this.ctx.faults.add(...args);
  }

  /** Kiosks that never sent a final batch (not a fault: a notice for the report). */
  kiosksWithoutFinal(): string[] {
    return [...this.kiosks.values()].filter((k) => k.valid && k.finalAt === undefined).map((k) => k.id);
  }

  get kioskCount(): number {
    return [...this.kiosks.values()].filter((k) => k.valid).length;
  }

  /** Checks entry `index` (≥ 1) with its leaf hash and what the threads found. */
  enter(index: number, hash: Uint8Array, item: EntryItem): void {
    const first = this.leaves.setIfAbsent(hash, index);
    if (first !== undefined) {
      this.fault('duplicate-leaf', index, `entry ${index} has the same leaf data as entry ${first}`);
    }
    const isBallot = item.kind === 'entry' && item.entry.type === 'ballot';
    if (this.batch && !isBallot && item.kind !== 'malformed') this.closeBatch();
    if (this.batch) {
      this.batch.range.append(hash);
      this.batch.members++;
    }
    if (item.kind === 'malformed') {
      this.counts.malformed++;
      this.fault('malformed', index, item.problems.join('; '));
    } else if (isBallot) {
      this.ballot(index, item, item.entry);
    } else {
      this.entry(index, item);
    }
    if (this.batch && this.batch.members >= this.batch.manifest.count) this.closeBatch();
  }

  /** After the last entry: an unfinished batch is a fault. */
  finish(): void {
    if (this.batch) this.closeBatch();
  }

  private entry(index: number, item: EntryItem & { kind: 'entry' }): void {
    const entry = item.entry;
    if (!this.sameElection(index, entry)) return;
    if (entry.type === 'kiosk-enrolment') {
      this.enrolment(index, item, entry);
      return;
    }
    const kiosk = this.knownKiosk(index, entry.kiosk);
    const signed = this.signature(index, item);
    switch (entry.type) {
      case 'checkin':
        return this.checkin(index, entry, kiosk, signed);
      case 'batch':
        return this.manifest(index, entry, kiosk, signed, item.link!);
      case 'polls':
        return this.polls(index, entry, kiosk, signed, item.link!);
      case 'ballot':
        return; // handled by ballot()
    }
  }

  private sameElection(index: number, entry: Entry): boolean {
    if (entry.election === this.electionId) return true;
    this.fault(
      'wrong-election',
      index,
      `the entry is for election ${entry.election}, not ${this.electionId}`,
    );
    return false;
  }

  /** Files a signature fault; true when the signature holds under the right context. */
  private signature(index: number, item: EntryItem & { kind: 'entry' }): boolean {
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

  private knownKiosk(index: number, id: string): KioskState | undefined {
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

  private enrolment(index: number, item: EntryItem & { kind: 'entry' }, entry: KioskEnrolmentEntry): void {
    this.counts.enrolments++;
    const earlier = this.kiosks.get(entry.kiosk);
    if (earlier) {
      this.fault(
        'kiosk-enrolled-twice',
        index,
        `kiosk ${entry.kiosk} was already enrolled at entry ${earlier.enrolledAt}`,
      );
      return;
    }
    let valid = this.signature(index, item);
    const bounds = this.ctx.timeline.bounds(index);
    if (bounds.lo && bounds.lo.time * 1000 >= this.closesMs) {
      valid = false;
      this.fault(
        'enrolment-late',
        index,
        `kiosk ${entry.kiosk} was enrolled after the polls closed: checkpoint ${bounds.lo.size}, signed at ${iso(bounds.lo.time)}, did not hold it yet`,
      );
    }
    const card = auditEnrolmentOfficial(
      entry,
      this.ctx.election.package.trust.officials,
      bounds,
      this.closesMs,
    );
    if (!card.ok) {
      valid = false;
      this.fault('bad-enrolment', index, `kiosk ${entry.kiosk}: ${card.error}`);
    } else {
      const name = card.value.subject;
      const report = this.officials.get(name) ?? { official: name, kiosks: [] };
      report.kiosks.push({ kiosk: entry.kiosk, index });
      this.officials.set(name, report);
    }
    this.kiosks.set(entry.kiosk, {
      id: entry.kiosk,
      enrolledAt: index,
      valid,
      seq: 0,
      head: FIRST_PREV,
      finalAt: undefined,
      closedAt: undefined,
      signedCheckins: 0,
      signedBallots: 0,
    });
  }

  private styleCounts(kiosk: string, style: string): { checkins: number; ballots: number } {
    const key = `${kiosk}\n${style}`;
    let c = this.perStyle.get(key);
    if (!c) this.perStyle.set(key, (c = { checkins: 0, ballots: 0 }));
    return c;
  }

  private checkin(index: number, entry: CheckinEntry, kiosk: KioskState | undefined, signed: boolean): void {
    this.counts.checkins++;
    let good = signed && kiosk !== undefined;
    if (kiosk && signed) kiosk.signedCheckins++;
    const valid = checkEntryAgainstElection(entry, this.ctx.election);
    if (!valid.ok) {
      good = false;
      this.fault('invalid-entry', index, valid.error.join('; '));
    }
    if (kiosk && (kiosk.finalAt !== undefined || kiosk.closedAt !== undefined)) {
      good = false;
      this.fault(
        'after-final',
        index,
        `kiosk ${kiosk.id} checks a voter in after its final batch (entry ${kiosk.finalAt})`,
      );
    }
    const { lo, hi } = this.ctx.timeline.bounds(index);
    if (hi && hi.time * 1000 < this.opensMs) {
      this.fault(
        'checkin-window',
        index,
        `the check-in was in the log before the polls opened (${iso(this.opensMs / 1000)}): checkpoint ${hi.size} held it at ${iso(hi.time)}`,
      );
    }
    if (lo && lo.time * 1000 >= this.closesMs) {
      this.fault(
        'checkin-window',
        index,
        `the check-in was appended after the polls closed (${iso(this.closesMs / 1000)}): checkpoint ${lo.size}, signed at ${iso(lo.time)}, did not hold it yet`,
      );
    }
    if (this.ctx.eligible) {
      const style = this.ctx.eligible.get(entry.voterRef);
      if (style === undefined) {
        good = false;
        const where =
          this.ctx.election.package.qualifications.voters.mode === 'sample' ? 'the sample' : 'the roll';
        this.fault('voter-not-eligible', index, `voter ${entry.voterRef} is not in ${where}`);
      } else if (style !== entry.style) {
        good = false;
        this.fault(
          'wrong-style',
          index,
          `voter ${entry.voterRef} votes on style "${style}", not "${entry.style}"`,
        );
      }
    }
    const first = this.voters.setIfAbsent(fromHex(entry.voterRef), index);
    if (first !== undefined) {
      good = false;
      this.fault('voter-twice', index, `voter ${entry.voterRef} already checked in at entry ${first}`);
    }
    if (good && kiosk) this.styleCounts(kiosk.id, entry.style).checkins++;
  }

  /** The chain link of a batch manifest or polls event (DESIGN §5 "Kiosk chain"); resyncs after a fault. */
  private chain(index: number, entry: BatchEntry | PollsEntry, kiosk: KioskState, link: string): void {
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

  private afterDrain(index: number, what: string): void {
    const { lo } = this.ctx.timeline.bounds(index);
    if (lo && lo.time * 1000 >= this.drainEndMs) {
      this.fault(
        'after-drain',
        index,
        `the ${what} was appended after closes + drainHours (${iso(this.drainEndMs / 1000)}): checkpoint ${lo.size}, signed at ${iso(lo.time)}, did not hold it yet`,
      );
    }
  }

  private manifest(
    index: number,
    entry: BatchEntry,
    kiosk: KioskState | undefined,
    signed: boolean,
    link: string,
  ): void {
    this.counts.batches++;
    const valid = checkEntryAgainstElection(entry, this.ctx.election);
    if (!valid.ok) this.fault('invalid-entry', index, valid.error.join('; '));
    if (kiosk) {
      if (kiosk.closedAt !== undefined) {
        this.fault(
          'after-final',
          index,
          `kiosk ${kiosk.id} sends a batch after closing its polls (entry ${kiosk.closedAt})`,
        );
      } else if (kiosk.finalAt !== undefined) {
        if (entry.final)
          this.fault(
            'second-final',
            index,
            `kiosk ${kiosk.id} already sent its final batch at entry ${kiosk.finalAt}`,
          );
        else
          this.fault(
            'after-final',
            index,
            `kiosk ${kiosk.id} sends a batch after its final batch (entry ${kiosk.finalAt})`,
          );
      }
      this.chain(index, entry, kiosk, link);
      if (entry.final && kiosk.finalAt === undefined) kiosk.finalAt = index;
    }
    this.afterDrain(index, 'batch manifest');
    if (!entry.final && entry.count < this.minBatch) {
      this.fault(
        'small-batch',
        index,
        `a batch that is not final holds at least privacy.minBatch = ${this.minBatch} ballots; this one has ${entry.count}`,
      );
    }
    this.batch = {
      index,
      manifest: entry,
      kiosk: signed ? kiosk : undefined,
      range: CompactRange.empty(),
      members: 0,
      styles: new Map(),
    };
    if (entry.count === 0) this.closeBatch();
  }

  private closeBatch(): void {
    const b = this.batch!;
    this.batch = undefined;
    const m = b.manifest;
    if (b.members < m.count) {
      this.fault(
        'batch-count',
        b.index,
        `the manifest announces ${m.count} ballots but ${b.members} follow it`,
      );
    } else {
      const root = toHex(b.range.root());
      if (root !== m.root) {
        this.fault(
          'batch-root',
          b.index,
          `the manifest's root ${m.root} is not the RFC 6962 root of its ${m.count} ballots (${root})`,
        );
      }
    }
    if (!b.kiosk) return;
    for (const [style, n] of b.styles) {
      const c = this.styleCounts(b.kiosk.id, style);
      c.ballots += n;
      if (c.ballots > c.checkins) {
        this.fault(
          'ballots-exceed-checkins',
          b.index,
          `kiosk ${b.kiosk.id} now has ${c.ballots} ballots of style "${style}" for ${c.checkins} valid check-ins of that style`,
        );
      }
    }
  }

  private ballot(index: number, item: EntryItem & { kind: 'entry' }, entry: BallotEntry): void {
    this.counts.ballots++;
    const b = this.batch;
    if (!b) {
      this.fault(
        'orphan-ballot',
        index,
        'no batch manifest announced this ballot (a ballot follows its manifest)',
      );
    }
    if (!this.sameElection(index, entry)) return;
    const kiosk = this.knownKiosk(index, entry.kiosk);
    const signed = this.signature(index, item);
    let good = signed && kiosk !== undefined && b?.kiosk !== undefined;
    if (kiosk && signed) kiosk.signedBallots++;
    if (b && entry.kiosk !== b.manifest.kiosk) {
      good = false;
      this.fault(
        'batch-count',
        index,
        `a ballot of kiosk ${entry.kiosk} inside the batch of kiosk ${b.manifest.kiosk} (entry ${b.index})`,
      );
    }
    const valid = checkEntryAgainstElection(entry, this.ctx.election);
    if (!valid.ok) {
      good = false;
      this.fault('invalid-entry', index, valid.error.join('; '));
    }
    const first = this.trackers.setIfAbsent(fromHex(entry.tracker), index);
    if (first !== undefined) {
      good = false;
      this.fault('duplicate-tracker', index, `tracker ${entry.tracker} is already used by entry ${first}`);
    }
    this.afterDrain(index, 'ballot');
    if (!good || !b) return;
    b.styles.set(entry.style, (b.styles.get(entry.style) ?? 0) + 1);
    this.tally.add(entry);
  }

  private polls(
    index: number,
    entry: PollsEntry,
    kiosk: KioskState | undefined,
    signed: boolean,
    link: string,
  ): void {
    this.counts.polls++;
    if (!kiosk) return;
    if (kiosk.closedAt !== undefined) {
      this.fault(
        'after-final',
        index,
        `kiosk ${kiosk.id} appends a polls event after closing its polls (entry ${kiosk.closedAt})`,
      );
    } else if (kiosk.finalAt !== undefined && entry.event !== 'close') {
      this.fault(
        'after-final',
        index,
        `after its final batch a kiosk may only send its polls close, not "${entry.event}"`,
      );
    }
    this.chain(index, entry, kiosk, link);
    this.afterDrain(index, 'polls event');
    if (entry.event === 'close' && kiosk.finalAt !== undefined && kiosk.closedAt === undefined && signed) {
      kiosk.closedAt = index;
      const { checkins, ballots } = entry.counts;
      if (checkins !== kiosk.signedCheckins || ballots !== kiosk.signedBallots) {
        this.fault(
          'polls-counts',
          index,
          `kiosk ${kiosk.id} closes with counts {checkins: ${checkins}, ballots: ${ballots}}, but the log holds ${kiosk.signedCheckins} check-ins and ${kiosk.signedBallots} ballots signed by it`,
        );
      }
    }
  }
}
