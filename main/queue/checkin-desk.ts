/**
 * Checking a voter in (DESIGN §5): the check-in is sent at once, not batched, and the voter waits for
 * the ledger's answer, because that answer is what stops anyone voting twice at two kiosks. So this
 * fails closed: no verified acknowledgement, no ballot.
 *
 * The entry is signed once and stored (pending) before its first send; a retry for the same voter
 * resends the same bytes, which the ledger answers as it answered the first time (so an answer lost on
 * the way is recovered, never doubled). A pending check-in is only ever resent when that voter is
 * checked in again: the kiosk never sends one in the background, since it would record as having voted
 * someone who walked away.
 *
 * Events carry no voterRef and no leaf index either: check-ins are public on the log, so an index would
 * name the voter in the kiosk's own log (DESIGN §8).
 *
 * Outcomes: acknowledged now (admit); acknowledged before at this kiosk (the local poll book: the
 * session decides); checked in elsewhere (409 with a verified inclusion proof of the first check-in);
 * refused by a rule (not in the roll or sample, wrong style, outside the window); unreachable; alarm.
 */
import { type CheckinEntry } from '../../protocol/entries';
import { checkEntryAgainstElection } from '../../protocol/entries';
import { VoterRefSchema } from '../../protocol/voters';
import { err, ok, type Result } from '../../protocol/result';
import { toHex } from '../../protocol/bytes';
import { leafHash } from '../../protocol/merkle';
import type { LedgerFailure, VerifiedLedger } from '../ledger-client';
import { signChecked } from './kiosk-signer';
import { LOCKED_MESSAGE, type QueueContext } from './queue-context';

export interface CheckedIn {
  /** The check-in's leaf index on the log. */
  readonly index: number;
}

export type CheckinFailure =
  | { readonly kind: 'already-here'; readonly message: string; readonly index: number }
  | { readonly kind: 'elsewhere'; readonly message: string; readonly index: number }
  | { readonly kind: 'refused'; readonly message: string; readonly rule: string | undefined }
  | { readonly kind: 'unreachable'; readonly message: string }
  | { readonly kind: 'alarm'; readonly message: string }
  | { readonly kind: 'locked'; readonly message: string }
  | { readonly kind: 'closed'; readonly message: string }
  | { readonly kind: 'invalid'; readonly message: string }
  | { readonly kind: 'signer'; readonly message: string };

const ELSEWHERE =
  'This voter has already checked in (at this or another kiosk): the state ledger holds an earlier check-in, verified. They cannot vote again.';
const UNREACHABLE_CHECKIN =
  'This voter cannot be checked in now: the state ledger must confirm every check-in (that is what stops anyone voting twice). ';

export class CheckinDesk {
  constructor(
    private readonly ctx: QueueContext,
    private readonly ledger: VerifiedLedger,
    /** How long a voter waits for the ledger's answer before being told it cannot be reached. */
    private readonly timeoutMs: number,
  ) {}

  async checkIn(voterRef: string, style: string): Promise<Result<CheckedIn, CheckinFailure>> {
    const { store } = this.ctx;
    if (!VoterRefSchema.safeParse(voterRef).success) {
      return err({ kind: 'invalid', message: 'a voterRef is 64 lowercase hex characters' });
    }
    if (store.chain.finalBatch()) {
      return err({ kind: 'closed', message: 'Polls are closed at this kiosk: no one can be checked in.' });
    }
    const stored = store.checkins.find(voterRef);
    if (stored && stored.style !== style) {
      return err({
        kind: 'invalid',
        message: `this voter was checked in here for ballot style "${stored.style}", not "${style}"`,
      });
    }
    switch (stored?.state) {
      case 'appended':
      case 'witnessed':
        return err({
          kind: 'already-here',
          index: stored.ledgerIndex!,
          message:
            'This voter already checked in at this kiosk (local poll book): they cannot check in again.',
        });
      case 'elsewhere':
        return err({ kind: 'elsewhere', index: stored.ledgerIndex!, message: ELSEWHERE });
      case 'pending':
      case 'refused':
      case undefined:
        break;
    }
    let leaf = stored?.leaf;
    if (!leaf) {
      const signed = await this.sign(voterRef, style);
      if (!signed.ok) return signed;
      leaf = signed.value;
      // Another check-in of this voter may have been stored while signing: keep the first.
      const again = store.checkins.find(voterRef);
      if (again) leaf = again.leaf;
      else {
        const before = store.checkpoints.get('seen')?.size ?? 0;
        store.transaction(() => store.checkins.insert(voterRef, style, signed.value, before));
      }
    } else if (stored?.state === 'refused') {
      store.checkins.markPending(voterRef);
    }
    return this.send(voterRef, leaf);
  }

  /**
   * Finds out, without sending anything, which pending check-ins (their answer lost to a crash or a
   * timeout) are on the log, and marks those acknowledged; the others stay pending and are not counted.
   * Done before the polls close event, whose counts the audit compares with the log (DESIGN §6).
   */
  async reconcilePending(): Promise<Result<{ found: number; absent: number }, LedgerFailure>> {
    const { store, log } = this.ctx;
    const pending = store.checkins.pending();
    if (pending.length === 0) return ok({ found: 0, absent: 0 });
    const from = Math.min(...pending.map((p) => p.logSizeBefore));
    const found = await this.ledger.findLeaves(
      pending.map((p) => leafHash(p.leaf)),
      from,
    );
    if (!found.ok) return found;
    let n = 0;
    for (const p of pending) {
      const index = found.value.get(toHex(leafHash(p.leaf)));
      if (index === undefined) continue;
      store.checkins.markAcknowledged(p.voterRef, index);
      n++;
      log({
        id: 'checkin.acknowledged',
        level: 'info',
        disposition: 'success',
        message: 'a check-in whose answer was lost is on the log (proof verified)',
        fields: { recovered: true },
      });
    }
    return ok({ found: n, absent: pending.length - n });
  }

  private async sign(voterRef: string, style: string): Promise<Result<Uint8Array, CheckinFailure>> {
    const { ctx } = this;
    const signer = ctx.signer.get();
    if (!signer) return err({ kind: 'locked', message: LOCKED_MESSAGE });
    const entry: CheckinEntry = {
      v: 1,
      type: 'checkin',
      election: ctx.election.electionId,
      kiosk: ctx.kiosk,
      voterRef: voterRef as CheckinEntry['voterRef'],
      style,
    };
    const fits = checkEntryAgainstElection(entry, ctx.election);
    if (!fits.ok) return err({ kind: 'invalid', message: fits.error.join('; ') });
    const leaf = await signChecked(signer, ctx.kiosk, entry, ctx.verifier);
    return leaf.ok ? leaf : err({ kind: 'signer', message: leaf.error });
  }

  private async send(voterRef: string, leaf: Uint8Array): Promise<Result<CheckedIn, CheckinFailure>> {
    const { store, log } = this.ctx;
    const answer = await this.ledger.append([leaf], this.timeoutMs);
    if (answer.ok) {
      store.checkins.markAcknowledged(voterRef, answer.value.index);
      log({
        id: 'checkin.acknowledged',
        level: 'info',
        disposition: 'success',
        message: 'a check-in was acknowledged by the ledger',
        fields: { size: answer.value.size },
      });
      return ok({ index: answer.value.index });
    }
    const f = answer.error;
    switch (f.kind) {
      case 'unreachable':
      case 'unavailable':
        log({
          id: 'checkin.unreachable',
          level: 'warn',
          disposition: 'failure',
          message: f.message,
          fields: { kind: f.kind },
        });
        return err({ kind: 'unreachable', message: UNREACHABLE_CHECKIN + f.message });
      case 'alarm':
        log({ id: 'queue.alarm', level: 'alarm', disposition: 'failure', message: f.message });
        return err({ kind: 'alarm', message: `${UNREACHABLE_CHECKIN}${f.message}` });
      case 'refused':
        break;
    }
    if (f.status === 409 && f.rule === 'voter-checked-in') {
      const first = await this.ledger.verifyFirstCheckin(f.details);
      if (!first.ok) {
        const message =
          first.error.kind === 'alarm' ? first.error.message : UNREACHABLE_CHECKIN + first.error.message;
        if (first.error.kind === 'alarm') {
          log({ id: 'queue.alarm', level: 'alarm', disposition: 'failure', message: first.error.message });
        }
        return err({ kind: first.error.kind === 'alarm' ? 'alarm' : 'unreachable', message });
      }
      store.checkins.markElsewhere(voterRef, first.value.index);
      log({
        id: 'checkin.elsewhere',
        level: 'warn',
        disposition: 'failure',
        message: 'a check-in was refused: the voter checked in before (proof verified)',
      });
      return err({ kind: 'elsewhere', index: first.value.index, message: ELSEWHERE });
    }
    store.checkins.markRefused(voterRef, f.message);
    log({
      id: 'checkin.refused',
      level: 'warn',
      disposition: 'failure',
      // Not the ledger's message: it may name the voterRef, which the event log never holds (DESIGN §8).
      message: `a check-in was refused by the ledger (HTTP ${f.status}${f.rule ? `, rule ${f.rule}` : ''})`,
      fields: { status: f.status, rule: f.rule ?? '' },
    });
    return err({ kind: 'refused', rule: f.rule, message: f.message });
  }
}
