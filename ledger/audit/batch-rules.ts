/**
 * Batches (DESIGN §5 "Batch manifest", "Batching for privacy"): a manifest is followed directly by its
 * `count` ballots, of its own kiosk, whose RFC 6962 root is its `root`; a non-final batch holds at least
 * minBatch; one final batch per kiosk; per kiosk and style, never more ballots than valid check-ins.
 * Lines inside an open batch count as its members (malformed ones too, so the root stays meaningful);
 * any other entry ends it early.
 */
import { fromHex, toHex } from '../../protocol/bytes';
import { checkEntryAgainstElection, type BallotEntry, type BatchEntry } from '../../protocol/entries';
import { CompactRange } from '../../protocol/merkle';
import type { CheckedEntry, KioskState, RuleState } from './rule-state';

interface OpenBatch {
  readonly index: number;
  readonly manifest: BatchEntry;
  readonly kiosk: KioskState | undefined;
  readonly range: CompactRange;
  members: number;
  /** Ballots of each style that passed their own checks. */
  readonly styles: Map<string, number>;
}

export class BatchRules {
  private batch: OpenBatch | undefined;

  constructor(private readonly s: RuleState) {}

  get open(): boolean {
    return this.batch !== undefined;
  }

  /** A line inside the open batch: its leaf hash joins the batch's tree. */
  member(hash: Uint8Array): void {
    if (!this.batch) return;
    this.batch.range.append(hash);
    this.batch.members++;
  }

  /** Closes the batch once it has all its members. */
  closeIfComplete(): void {
    if (this.batch && this.batch.members >= this.batch.manifest.count) this.close();
  }

  manifest(
    index: number,
    entry: BatchEntry,
    kiosk: KioskState | undefined,
    signed: boolean,
    link: string,
  ): void {
    this.s.counts.batches++;
    const valid = checkEntryAgainstElection(entry, this.s.ctx.election);
    if (!valid.ok) this.s.fault('invalid-entry', index, valid.error.join('; '));
    if (kiosk) {
      if (kiosk.closedAt !== undefined) {
        this.s.fault(
          'after-final',
          index,
          `kiosk ${kiosk.id} sends a batch after closing its polls (entry ${kiosk.closedAt})`,
        );
      } else if (kiosk.finalAt !== undefined) {
        if (entry.final)
          this.s.fault(
            'second-final',
            index,
            `kiosk ${kiosk.id} already sent its final batch at entry ${kiosk.finalAt}`,
          );
        else
          this.s.fault(
            'after-final',
            index,
            `kiosk ${kiosk.id} sends a batch after its final batch (entry ${kiosk.finalAt})`,
          );
      }
      this.s.chain(index, entry, kiosk, link);
      if (entry.final && kiosk.finalAt === undefined) kiosk.finalAt = index;
    }
    this.s.afterDrain(index, 'batch manifest');
    if (!entry.final && entry.count < this.s.minBatch) {
      this.s.fault(
        'small-batch',
        index,
        `a batch that is not final holds at least privacy.minBatch = ${this.s.minBatch} ballots; this one has ${entry.count}`,
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
    if (entry.count === 0) this.close();
  }

  close(): void {
    const b = this.batch!;
    this.batch = undefined;
    const m = b.manifest;
    if (b.members < m.count) {
      this.s.fault(
        'batch-count',
        b.index,
        `the manifest announces ${m.count} ballots but ${b.members} follow it`,
      );
    } else {
      const root = toHex(b.range.root());
      if (root !== m.root) {
        this.s.fault(
          'batch-root',
          b.index,
          `the manifest's root ${m.root} is not the RFC 6962 root of its ${m.count} ballots (${root})`,
        );
      }
    }
    if (!b.kiosk) return;
    for (const [style, n] of b.styles) {
      const c = this.s.styleCounts(b.kiosk.id, style);
      c.ballots += n;
      if (c.ballots > c.checkins) {
        this.s.fault(
          'ballots-exceed-checkins',
          b.index,
          `kiosk ${b.kiosk.id} now has ${c.ballots} ballots of style "${style}" for ${c.checkins} valid check-ins of that style`,
        );
      }
    }
  }

  ballot(index: number, item: CheckedEntry, entry: BallotEntry): void {
    this.s.counts.ballots++;
    const b = this.batch;
    if (!b) {
      this.s.fault(
        'orphan-ballot',
        index,
        'no batch manifest announced this ballot (a ballot follows its manifest)',
      );
    }
    if (!this.s.sameElection(index, entry)) return;
    const kiosk = this.s.knownKiosk(index, entry.kiosk);
    const signed = this.s.signature(index, item);
    let good = signed && kiosk !== undefined && b?.kiosk !== undefined;
    if (kiosk && signed) kiosk.signedBallots++;
    if (b && entry.kiosk !== b.manifest.kiosk) {
      good = false;
      this.s.fault(
        'batch-count',
        index,
        `a ballot of kiosk ${entry.kiosk} inside the batch of kiosk ${b.manifest.kiosk} (entry ${b.index})`,
      );
    }
    const valid = checkEntryAgainstElection(entry, this.s.ctx.election);
    if (!valid.ok) {
      good = false;
      this.s.fault('invalid-entry', index, valid.error.join('; '));
    }
    const first = this.s.trackers.setIfAbsent(fromHex(entry.tracker), index);
    if (first !== undefined) {
      good = false;
      this.s.fault('duplicate-tracker', index, `tracker ${entry.tracker} is already used by entry ${first}`);
    }
    this.s.afterDrain(index, 'ballot');
    if (!good || !b) return;
    b.styles.set(entry.style, (b.styles.get(entry.style) ?? 0) + 1);
    this.s.tally.add(entry);
  }
}
