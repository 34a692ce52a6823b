/**
 * The I/O edge of the voter session (voter-session.ts is the decision): it listens to voter cards
 * (main/auth) and document scans (drivers/id-scanner), works out eligibility from the provisioning
 * bundle and the local poll book, sends the check-in and waits for the ledger (fail closed), casts
 * through the queue's durable transaction, prints the receipt, and logs each step with its declared
 * event id: never a name, a document number, a credential, a voterRef, a selection or a tracker.
 *
 * Every asynchronous answer is applied only if the session is still in the state that asked for it
 * (same state object), so a late answer for a voter who left never moves the next voter's session.
 */
import QRCode from 'qrcode';
import type { DocumentScan } from '../../drivers/id-scanner/scanner';
import { documentCredentialKey } from '../../drivers/id-scanner/id-document';
import { err, ok, type Result } from '../../protocol/result';
import { lookupCredential } from '../../protocol/voters/provisioning-bundle';
import type { VoterCardEvent } from '../auth/kiosk-auth';
import type { KioskContext } from '../kiosk/kiosk-context';
import type { ReceiptView, RpcError, Selections, VoterSessionView, VoterView } from '../rpc/api';
import { ballotView, checkSelections } from './ballot-view';
import { refusalOf, voterViewOf } from './session-view';
import { checkEligibility, type Eligible, type Ineligible, type VoterIdentity } from './eligibility';
import {
  expiresAt,
  idleSession,
  isActive,
  sessionTransition,
  type SessionEvent,
  type SessionState,
} from './voter-session';

export interface SessionGate {
  /** Why no session may start now (polls not open, kiosk locked, enclosure open), or null. */
  blocked(): string | null;
}

const wrongState = (message: string) => err<RpcError>({ code: 'wrong-state', message });

export async function qrSvgDataUrl(payload: string): Promise<string> {
  const svg = await QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}

export class SessionService {
  private state: SessionState = idleSession;

  constructor(
    private readonly ctx: KioskContext,
    private readonly gate: SessionGate,
  ) {
    ctx.auth.onVoterCard((e) => void this.onVoterCard(e));
  }

  current(): SessionState {
    return this.state;
  }

  view(): VoterSessionView {
    const at = expiresAt(this.state);
    return { voter: this.voterView(), expiresAt: at === null ? null : new Date(at).toISOString() };
  }

  private dispatch(event: SessionEvent): SessionState {
    const before = this.state;
    const next = sessionTransition(before, event);
    if (next === before) return next;
    this.state = next;
    this.ctx.voterSessionActive = isActive(next);
    this.logTransition(before, next);
    this.ctx.changed();
    return next;
  }

  private logTransition(before: SessionState, next: SessionState): void {
    const log = this.ctx.log;
    if (next.phase === 'identifying' || next.phase === 'awaiting-confirmation') {
      log.event('voter-session-started', 'na', 'A voter session started.', {
        details: { method: next.phase === 'identifying' ? 'card' : 'document' },
      });
    }
    if (next.phase === 'ineligible') {
      log.event('voter-ineligible', 'failure', 'A voter was found ineligible.', {
        details: { reason: next.reason },
      });
    }
    if (next.phase === 'ended' && before.phase !== 'ended') {
      log.event('voter-session-ended', 'na', 'A voter session ended.', { details: { reason: next.reason } });
    }
    if (next.phase === 'idle' && before.phase === 'cast') {
      log.event('voter-session-ended', 'na', 'A voter session ended.', { details: { reason: 'finished' } });
    }
  }

  private now(): number {
    return this.ctx.now();
  }

  // ---- identification ----

  private async onVoterCard(e: VoterCardEvent): Promise<void> {
    const now = this.now();
    switch (e.type) {
      case 'detected': {
        const blocked = this.gate.blocked();
        if (blocked)
          this.dispatch({ type: 'start-refused', reason: 'kiosk-not-open', message: blocked, now });
        else this.dispatch({ type: 'voter-card-detected', label: e.label, now });
        return;
      }
      case 'authenticated': {
        if (this.state.phase !== 'identifying' || this.state.label !== e.label) return;
        const eligibility = this.eligibility({ kind: 'card', credentialKey: e.credentialKey });
        this.dispatch({ type: 'voter-card-authenticated', label: e.label, eligibility, now });
        await this.checkIn();
        return;
      }
      case 'failed':
        this.dispatch({ type: 'voter-card-failed', label: e.label, message: e.message, now });
        return;
      case 'removed':
        this.dispatch({ type: 'card-removed', label: e.label, now });
        return;
    }
  }

  /** A document read by a scanner (never logged; only whether it was readable). */
  onDocument(scan: DocumentScan): void {
    if (scan.purpose !== 'scan') return;
    const now = this.now();
    const blocked = this.gate.blocked();
    if (!scan.result.ok) {
      this.ctx.log.event('document-scanned', 'failure', 'A document could not be read.', {
        details: { code: scan.result.error.code },
      });
      this.dispatch({
        type: 'start-refused',
        reason: 'document-rejected',
        message: scan.result.error.message,
        now,
      });
      return;
    }
    this.ctx.log.event('document-scanned', 'success', 'An identity document was read.');
    if (blocked) {
      this.dispatch({ type: 'start-refused', reason: 'kiosk-not-open', message: blocked, now });
      return;
    }
    const doc = scan.result.value;
    const key = documentCredentialKey(doc);
    if (!key.ok) {
      this.dispatch({ type: 'start-refused', reason: 'document-rejected', message: key.error, now });
      return;
    }
    this.dispatch({
      type: 'document-scanned',
      document: {
        format: doc.format,
        documentType: doc.documentType,
        issuingState: doc.issuingState,
        surname: doc.surname,
        givenNames: doc.givenNames,
        birthDate: doc.birthDate,
        expiryDate: doc.expiryDate,
        nationality: doc.nationality,
        valid: doc.valid,
      },
      facts: { birthDate: doc.birthDate, nationality: doc.nationality, valid: doc.valid },
      credentialKey: key.value,
      now,
    });
  }

  /** A poll worker (signed in) says whether the document matches the person at the kiosk. */
  async confirmDocument(matches: boolean): Promise<Result<VoterSessionView, RpcError>> {
    const s = this.state;
    if (s.phase !== 'awaiting-confirmation')
      return wrongState('No scanned document is waiting for confirmation.');
    const now = this.now();
    this.ctx.log.event(
      'document-confirmed',
      matches ? 'success' : 'failure',
      matches ? 'A poll worker confirmed a document.' : 'A poll worker rejected a document.',
      {
        user: this.ctx.auth.staffView()?.role ?? null,
      },
    );
    if (!matches) {
      this.dispatch({ type: 'document-rejected', now });
      return ok(this.view());
    }
    const eligibility = this.eligibility({
      kind: 'document',
      credentialKey: s.credentialKey,
      document: s.facts,
    });
    this.dispatch({ type: 'document-confirmed', eligibility, now });
    await this.checkIn();
    return ok(this.view());
  }

  private eligibility(identity: VoterIdentity): Result<Eligible, Ineligible> {
    const { ctx } = this;
    const election = ctx.election;
    const bundle = ctx.bundle;
    if (!election || !bundle)
      return err({ reason: 'kiosk-not-open', message: 'This kiosk is not provisioned.' });
    const pkg = election.package;
    const voters = pkg.qualifications.voters;
    return checkEligibility(identity, {
      now: new Date(this.now()),
      opens: new Date(pkg.window.opens),
      closes: new Date(pkg.window.closes),
      minAge: pkg.qualifications.minAge,
      nationalities: pkg.qualifications.nationalities,
      lookup: (key) => lookupCredential(bundle, key),
      styles: new Set(pkg.ballotStyles.map((s) => s.id)),
      sample:
        voters.mode === 'sample'
          ? new Map(voters.selected.map((r) => [r.voterRef as string, r.style]))
          : null,
      checkedInHere: (ref) => {
        const state = ctx.store.checkins.find(ref)?.state;
        return state === 'appended' || state === 'witnessed' || state === 'elsewhere';
      },
    });
  }

  // ---- check-in (fail closed, DESIGN §5) ----

  private async checkIn(): Promise<void> {
    const asked = this.state;
    if (asked.phase !== 'checking-in') return;
    const queue = this.ctx.queue;
    if (!queue) {
      this.dispatch({
        type: 'check-in-unreachable',
        message: 'This kiosk is not provisioned.',
        now: this.now(),
      });
      return;
    }
    const answer = await queue.checkIn(asked.voterRef, asked.style);
    if (this.state !== asked) return;
    const now = this.now();
    if (answer.ok) {
      this.dispatch({ type: 'check-in-acknowledged', now });
      return;
    }
    const refused = refusalOf(
      answer.error,
      this.ctx.election?.package.qualifications.voters.mode === 'sample',
    );
    if (refused) this.dispatch({ type: 'check-in-refused', ...refused, now });
    else this.dispatch({ type: 'check-in-unreachable', message: answer.error.message, now });
  }

  async retryCheckIn(): Promise<Result<VoterSessionView, RpcError>> {
    if (this.state.phase !== 'check-in-failed') return wrongState('There is no failed check-in to retry.');
    this.dispatch({ type: 'retry-check-in', now: this.now() });
    await this.checkIn();
    return ok(this.view());
  }

  // ---- ballot, review, cast ----

  keepAlive(): VoterSessionView {
    this.dispatch({ type: 'touch', now: this.now() });
    return this.view();
  }

  review(selections: Selections): Result<VoterSessionView, RpcError> {
    const s = this.state;
    if (s.phase !== 'ballot' && s.phase !== 'review') return wrongState('There is no ballot to review now.');
    const checked = checkSelections(ballotView(this.ctx.election!.package, s.style), selections);
    if (!checked.ok) {
      return err({
        code: 'bad-request',
        message: 'Some choices do not fit this ballot.',
        issues: checked.error,
      });
    }
    this.dispatch({ type: 'review', selections: checked.value, now: this.now() });
    return ok(this.view());
  }

  edit(): Result<VoterSessionView, RpcError> {
    if (this.state.phase !== 'review') return wrongState('There is no ballot under review.');
    this.dispatch({ type: 'edit', now: this.now() });
    return ok(this.view());
  }

  async cast(revision: number): Promise<Result<VoterSessionView, RpcError>> {
    const s = this.state;
    if (s.phase !== 'review') return wrongState('There is no reviewed ballot to cast.');
    if (s.revision !== revision) {
      return wrongState('The ballot changed since this review was shown: review it again before casting.');
    }
    const casting = this.dispatch({ type: 'cast', revision, now: this.now() });
    if (casting.phase !== 'casting') return wrongState('The ballot could not be cast now.');
    const queue = this.ctx.queue;
    const result = queue
      ? await queue.cast({ style: casting.style, selections: casting.selections })
      : err({ kind: 'locked' as const, message: 'This kiosk is not provisioned.' });
    if (!result.ok) {
      this.dispatch({ type: 'cast-failed', message: result.error.message, now: this.now() });
      return err({ code: 'wrong-state', message: `The ballot was not cast: ${result.error.message}` });
    }
    // From here the ballot is durable (the queue's transaction committed): tell the voter.
    const r = result.value;
    const receipt: ReceiptView = {
      trackingCode: r.trackingCode,
      qrPayload: r.qrPayload,
      qrSvgDataUrl: await qrSvgDataUrl(r.qrPayload),
      printed: { ok: false, message: 'Printing your receipt…' },
    };
    const cast = this.dispatch({ type: 'cast-committed', receipt, now: this.now() });
    void this.printReceipt(cast);
    return ok(this.view());
  }

  private async printReceipt(at: SessionState): Promise<void> {
    if (at.phase !== 'cast') return;
    const controller = this.ctx.deps.devices.controller;
    let printed: ReceiptView['printed'];
    if (!controller) {
      printed = { ok: false, message: 'This kiosk has no receipt printer: write down your tracking code.' };
    } else {
      const { receipt } = at;
      const r = await controller.printReceipt({
        lines: [
          'OGAS - YOUR BALLOT WAS CAST',
          '',
          'Tracking code:',
          receipt.trackingCode,
          '',
          'Check it on the state ledger:',
        ],
        qr: receipt.qrPayload,
      });
      printed = r.ok
        ? { ok: true }
        : {
            ok: false,
            message: `The receipt could not be printed (${r.error.message}); write down your tracking code.`,
          };
      this.ctx.log.event(
        'receipt-printed',
        r.ok ? 'success' : 'failure',
        r.ok ? 'A receipt was printed.' : 'A receipt could not be printed.',
      );
    }
    if (this.state === at) this.dispatch({ type: 'receipt-printed', printed });
  }

  async reprint(): Promise<Result<VoterSessionView, RpcError>> {
    if (this.state.phase !== 'cast') return wrongState('There is no receipt to print.');
    await this.printReceipt(this.state);
    return ok(this.view());
  }

  cancel(): Result<VoterSessionView, RpcError> {
    const next = this.dispatch({ type: 'cancel', now: this.now() });
    if (next.phase !== 'ended') return wrongState('There is no session to cancel now.');
    return ok(this.view());
  }

  finish(): Result<VoterSessionView, RpcError> {
    const next = this.dispatch({ type: 'finish', now: this.now() });
    if (next.phase !== 'idle') return wrongState('The session cannot be finished now.');
    return ok(this.view());
  }

  tick(now: number): void {
    this.dispatch({ type: 'tick', now });
  }

  private voterView(): VoterView {
    return voterViewOf(this.state, this.ctx.election?.package ?? null);
  }
}
