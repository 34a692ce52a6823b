/**
 * The in-order checks of an audit (DESIGN §5 rules, §6 "Audit"): every entry after entry 0, in log
 * order, with what the threads found about it on its own (entry-check.ts). State is per kiosk and per
 * (kiosk, style), plus three hash indexes (leaves, trackers, voters: hash-index.ts); no leaf data is
 * kept, so memory does not grow with the size of entries (rule-state.ts). Batches: batch-rules.ts.
 *
 * An entry that fails a check of its own (malformed, bad signature, unknown kiosk, ineligible voter…)
 * has no effect on the state it would have changed: a forged check-in does not let a ballot in, a forged
 * ballot is not counted. Chain state follows every chained entry even so, so that one bad link is one
 * fault, not one per later link.
 */
import { fromHex } from '../../protocol/bytes';
import {
  checkEntryAgainstElection,
  FIRST_PREV,
  type CheckinEntry,
  type KioskEnrolmentEntry,
  type PollsEntry,
} from '../../protocol/entries';
import { BatchRules } from './batch-rules';
import type { EntryItem } from './entry-check';
import { auditEnrolmentOfficial } from './enrolment-audit';
import { iso } from './checkpoints';
import {
  RuleState,
  type CheckedEntry,
  type KioskState,
  type OfficialReport,
  type RulesContext,
} from './rule-state';

export type { OfficialReport, RulesContext } from './rule-state';

export class LogRules {
  private readonly s: RuleState;
  private readonly batches: BatchRules;

  constructor(ctx: RulesContext) {
    this.s = new RuleState(ctx);
    this.batches = new BatchRules(this.s);
  }

  get counts(): RuleState['counts'] {
    return this.s.counts;
  }

  get tally(): RuleState['tally'] {
    return this.s.tally;
  }

  get officials(): ReadonlyMap<string, OfficialReport> {
    return this.s.officials;
  }

  /** Kiosks that never sent a final batch (not a fault: a notice for the report). */
  kiosksWithoutFinal(): string[] {
    return [...this.s.kiosks.values()].filter((k) => k.valid && k.finalAt === undefined).map((k) => k.id);
  }

  get kioskCount(): number {
    return [...this.s.kiosks.values()].filter((k) => k.valid).length;
  }

  /** Checks entry `index` (≥ 1) with its leaf hash and what the threads found. */
  enter(index: number, hash: Uint8Array, item: EntryItem): void {
    const first = this.s.leaves.setIfAbsent(hash, index);
    if (first !== undefined) {
      this.s.fault('duplicate-leaf', index, `entry ${index} has the same leaf data as entry ${first}`);
    }
    const isBallot = item.kind === 'entry' && item.entry.type === 'ballot';
    if (this.batches.open && !isBallot && item.kind !== 'malformed') this.batches.close();
    this.batches.member(hash);
    if (item.kind === 'malformed') {
      this.s.counts.malformed++;
      this.s.fault('malformed', index, item.problems.join('; '));
    } else if (isBallot) {
      this.batches.ballot(index, item, item.entry);
    } else {
      this.entry(index, item);
    }
    this.batches.closeIfComplete();
  }

  /** After the last entry: an unfinished batch is a fault. */
  finish(): void {
    if (this.batches.open) this.batches.close();
  }

  private entry(index: number, item: CheckedEntry): void {
    const entry = item.entry;
    if (!this.s.sameElection(index, entry)) return;
    if (entry.type === 'kiosk-enrolment') {
      this.enrolment(index, item, entry);
      return;
    }
    const kiosk = this.s.knownKiosk(index, entry.kiosk);
    const signed = this.s.signature(index, item);
    switch (entry.type) {
      case 'checkin':
        return this.checkin(index, entry, kiosk, signed);
      case 'batch':
        return this.batches.manifest(index, entry, kiosk, signed, item.link!);
      case 'polls':
        return this.polls(index, entry, kiosk, signed, item.link!);
      case 'ballot':
        return; // handled by ballot()
    }
  }

  private enrolment(index: number, item: CheckedEntry, entry: KioskEnrolmentEntry): void {
    this.s.counts.enrolments++;
    const earlier = this.s.kiosks.get(entry.kiosk);
    if (earlier) {
      this.s.fault(
        'kiosk-enrolled-twice',
        index,
        `kiosk ${entry.kiosk} was already enrolled at entry ${earlier.enrolledAt}`,
      );
      return;
    }
    let valid = this.s.signature(index, item);
    const bounds = this.s.ctx.timeline.bounds(index);
    if (bounds.lo && bounds.lo.time * 1000 >= this.s.closesMs) {
      valid = false;
      this.s.fault(
        'enrolment-late',
        index,
        `kiosk ${entry.kiosk} was enrolled after the polls closed: checkpoint ${bounds.lo.size}, signed at ${iso(bounds.lo.time)}, did not hold it yet`,
      );
    }
    const card = auditEnrolmentOfficial(
      entry,
      this.s.ctx.election.package.trust.officials,
      bounds,
      this.s.closesMs,
    );
    if (!card.ok) {
      valid = false;
      this.s.fault('bad-enrolment', index, `kiosk ${entry.kiosk}: ${card.error}`);
    } else {
      const name = card.value.subject;
      const report = this.s.officials.get(name) ?? { official: name, kiosks: [] };
      report.kiosks.push({ kiosk: entry.kiosk, index });
      this.s.officials.set(name, report);
    }
    this.s.kiosks.set(entry.kiosk, {
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

  private checkin(index: number, entry: CheckinEntry, kiosk: KioskState | undefined, signed: boolean): void {
    this.s.counts.checkins++;
    let good = signed && kiosk !== undefined;
    if (kiosk && signed) kiosk.signedCheckins++;
    const valid = checkEntryAgainstElection(entry, this.s.ctx.election);
    if (!valid.ok) {
      good = false;
      this.s.fault('invalid-entry', index, valid.error.join('; '));
    }
    if (kiosk && (kiosk.finalAt !== undefined || kiosk.closedAt !== undefined)) {
      good = false;
      this.s.fault(
        'after-final',
        index,
        `kiosk ${kiosk.id} checks a voter in after its final batch (entry ${kiosk.finalAt})`,
      );
    }
    const { lo, hi } = this.s.ctx.timeline.bounds(index);
    if (hi && hi.time * 1000 < this.s.opensMs) {
      this.s.fault(
        'checkin-window',
        index,
        `the check-in was in the log before the polls opened (${iso(this.s.opensMs / 1000)}): checkpoint ${hi.size} held it at ${iso(hi.time)}`,
      );
    }
    if (lo && lo.time * 1000 >= this.s.closesMs) {
      this.s.fault(
        'checkin-window',
        index,
        `the check-in was appended after the polls closed (${iso(this.s.closesMs / 1000)}): checkpoint ${lo.size}, signed at ${iso(lo.time)}, did not hold it yet`,
      );
    }
    if (this.s.ctx.eligible) {
      const style = this.s.ctx.eligible.get(entry.voterRef);
      if (style === undefined) {
        good = false;
        const where =
          this.s.ctx.election.package.qualifications.voters.mode === 'sample' ? 'the sample' : 'the roll';
        this.s.fault('voter-not-eligible', index, `voter ${entry.voterRef} is not in ${where}`);
      } else if (style !== entry.style) {
        good = false;
        this.s.fault(
          'wrong-style',
          index,
          `voter ${entry.voterRef} votes on style "${style}", not "${entry.style}"`,
        );
      }
    }
    const first = this.s.voters.setIfAbsent(fromHex(entry.voterRef), index);
    if (first !== undefined) {
      good = false;
      this.s.fault('voter-twice', index, `voter ${entry.voterRef} already checked in at entry ${first}`);
    }
    if (good && kiosk) this.s.styleCounts(kiosk.id, entry.style).checkins++;
  }

  private polls(
    index: number,
    entry: PollsEntry,
    kiosk: KioskState | undefined,
    signed: boolean,
    link: string,
  ): void {
    this.s.counts.polls++;
    if (!kiosk) return;
    if (kiosk.closedAt !== undefined) {
      this.s.fault(
        'after-final',
        index,
        `kiosk ${kiosk.id} appends a polls event after closing its polls (entry ${kiosk.closedAt})`,
      );
    } else if (kiosk.finalAt !== undefined && entry.event !== 'close') {
      this.s.fault(
        'after-final',
        index,
        `after its final batch a kiosk may only send its polls close, not "${entry.event}"`,
      );
    }
    this.s.chain(index, entry, kiosk, link);
    this.s.afterDrain(index, 'polls event');
    if (entry.event === 'close' && kiosk.finalAt !== undefined && kiosk.closedAt === undefined && signed) {
      kiosk.closedAt = index;
      const { checkins, ballots } = entry.counts;
      if (checkins !== kiosk.signedCheckins || ballots !== kiosk.signedBallots) {
        this.s.fault(
          'polls-counts',
          index,
          `kiosk ${kiosk.id} closes with counts {checkins: ${checkins}, ballots: ${ballots}}, but the log holds ${kiosk.signedCheckins} check-ins and ${kiosk.signedBallots} ballots signed by it`,
        );
      }
    }
  }
}
