/**
 * The I/O edge that ties card authentication (drivers/pkcs11 CardAuthenticator, DESIGN §8) to kiosk
 * roles: it feeds reader events to the authenticator, turns each card-auth state into a staff-session
 * event (staff-session.ts) and a voter-card event for the voter session, and logs each step with its
 * declared event id (never a PIN, a name of a voter, or a credential).
 *
 * Trust anchors and the kiosk id the challenge is bound to change over the kiosk's life (provisioning
 * loads the package; the kiosk key is created later), so they are read through functions at the moment
 * a card is inserted or a PIN is checked.
 */
import { CardAuthenticator } from '../../drivers/pkcs11/card-auth';
import type { CardAuthEvent, CardAuthState } from '../../drivers/pkcs11/card-auth-machine';
import type { CardEvent, CardReader } from '../../drivers/pkcs11/card-reader';
import type { Pkcs11Error } from '../../drivers/pkcs11/pkcs11-errors';
import type { PinAttemptTracker } from '../../drivers/pkcs11/pin-attempts';
import { parseCertificate, type TrustAnchors } from '../../protocol/certificates';
import type { Result } from '../../protocol/result';
import type { EventLogger } from '../event-log/event-log';
import type { CardView, StaffView } from '../rpc/api';
import { cardView } from './card-view';
import {
  initialStaffSession,
  staffSessionTransition,
  type StaffSessionEvent,
  type StaffSessionState,
} from './staff-session';

export type VoterCardEvent =
  | { readonly type: 'detected'; readonly label: string }
  | { readonly type: 'authenticated'; readonly label: string; readonly credentialKey: string }
  | { readonly type: 'failed'; readonly label: string; readonly message: string }
  | { readonly type: 'removed'; readonly label: string };

export interface KioskAuthOptions {
  readonly reader: CardReader;
  readonly trust: () => TrustAnchors;
  readonly kioskId: () => string;
  readonly attempts: PinAttemptTracker;
  readonly attemptSecret: Uint8Array;
  readonly log: EventLogger;
  readonly clock?: () => number;
  /** Reader polling interval (ms). */
  readonly pollMs?: number;
  /** Called after any change (status revision). */
  readonly onChange?: () => void;
}

function commonName(der: Uint8Array): string {
  const cert = parseCertificate(der);
  if (!cert.ok) return 'unknown';
  return cert.value.subjectName.getField('CN')[0] ?? 'unknown';
}

export class KioskAuth {
  readonly authenticator: CardAuthenticator;
  private staff: StaffSessionState = initialStaffSession;
  private readonly present = new Set<string>();
  private readonly voterListeners = new Set<(e: VoterCardEvent) => void>();
  private stopWatch: (() => void) | null = null;
  private readonly clock: () => number;

  constructor(private readonly options: KioskAuthOptions) {
    this.clock = options.clock ?? Date.now;
    const trust = options.trust;
    const kioskId = options.kioskId;
    this.authenticator = new CardAuthenticator({
      reader: options.reader,
      // Getters: the authenticator reads these when a card is inserted / a PIN is checked.
      trust: {
        get voters() {
          return trust().voters;
        },
        get officials() {
          return trust().officials;
        },
      },
      get kioskId() {
        return kioskId();
      },
      attempts: options.attempts,
      attemptSecret: options.attemptSecret,
      clock: { now: this.clock },
    });
    this.authenticator.subscribe((state, event) => this.onCardState(state, event));
  }

  /** Starts watching the reader. */
  start(): void {
    this.stopWatch ??= this.options.reader.watch((e) => void this.handleReaderEvent(e), {
      intervalMs: this.options.pollMs ?? 250,
      onError: (error: Pkcs11Error) =>
        this.options.log.event('device-error', 'failure', `Card reader: ${error.message}`, {
          details: { device: 'card-reader', code: error.kind },
        }),
    });
  }

  /** Feeds one reader event (the watcher does this; tests may call it directly). */
  async handleReaderEvent(event: CardEvent): Promise<void> {
    if (event.type === 'card-inserted') {
      this.present.add(event.card.label);
      this.options.log.event('card-inserted', 'na', 'A card was inserted.');
    } else {
      this.present.delete(event.label);
      this.options.log.event('card-removed', 'na', 'The card was removed.');
      this.dispatchStaff({ type: 'card-removed', label: event.label });
      this.emitVoter({ type: 'removed', label: event.label });
    }
    await this.authenticator.handle(event);
    this.options.onChange?.();
  }

  onVoterCard(listener: (e: VoterCardEvent) => void): () => void {
    this.voterListeners.add(listener);
    return () => this.voterListeners.delete(listener);
  }

  submitPin(pin: string): Promise<CardAuthState> {
    return this.authenticator.submitPin(pin);
  }

  signWithCard(message: Uint8Array): ReturnType<CardAuthenticator['signWithCard']> {
    return this.authenticator.signWithCard(message);
  }

  /** The certificate (DER) of the signed-in card, for a kiosk enrolment. */
  signedInCertificate(): Uint8Array | null {
    const s = this.authenticator.getState();
    return s.status === 'authenticated' ? s.identity.certificate : null;
  }

  async signOut(): Promise<void> {
    const role = this.staff.status === 'logged-in' ? this.staff.role : null;
    this.dispatchStaff({ type: 'sign-out' });
    await this.authenticator.logOut();
    if (role) this.options.log.event('staff-logged-out', 'success', 'Signed out.', { user: role });
    this.options.onChange?.();
  }

  /** Ends a staff session past its limit; called by the kiosk's periodic tick. */
  tick(now: number): void {
    const before = this.staff;
    this.dispatchStaff({ type: 'tick', now });
    if (before !== this.staff) void this.authenticator.logOut().then(() => this.options.onChange?.());
  }

  staffState(): StaffSessionState {
    return this.staff;
  }

  staffView(): StaffView | null {
    return this.staff.status === 'logged-in' ? { role: this.staff.role, name: this.staff.name } : null;
  }

  cardView(): CardView {
    const view = cardView(this.authenticator.getState());
    // The driver's machine stays "ended" after a sign-out; once the card is out there is no card.
    if (view.status === 'signed-out' && !this.present.has(view.label)) return { status: 'no-card' };
    return view;
  }

  async close(): Promise<void> {
    this.stopWatch?.();
    this.stopWatch = null;
    await this.authenticator.idle();
  }

  private dispatchStaff(event: StaffSessionEvent): void {
    this.staff = staffSessionTransition(this.staff, event);
  }

  private emitVoter(event: VoterCardEvent): void {
    for (const l of this.voterListeners) l(event);
  }

  private onCardState(state: CardAuthState, event: CardAuthEvent['type']): void {
    const log = this.options.log;
    switch (state.status) {
      case 'reading-certificate':
        this.dispatchStaff({ type: 'card-inserted', label: state.card.label });
        break;
      case 'awaiting-pin':
        if (event === 'pin-status' && state.identity.role === 'voter') {
          this.emitVoter({ type: 'detected', label: state.card.label });
        }
        if (event === 'pin-rejected') {
          log.event('card-pin-refused', 'failure', 'A card PIN was refused.', {
            details: { role: state.identity.role, count: state.prompt.kioskFailures },
          });
        }
        break;
      case 'authenticated': {
        const { role } = state.identity;
        this.dispatchStaff({
          type: 'card-authenticated',
          label: state.card.label,
          role,
          name: role === 'voter' ? 'voter' : commonName(state.identity.certificate),
          now: this.clock(),
        });
        log.event('card-authenticated', 'success', `A ${role} card was authenticated.`, {
          details: { role },
          ...(role === 'voter' ? {} : { user: role }),
        });
        if (role === 'voter') {
          this.emitVoter({
            type: 'authenticated',
            label: state.card.label,
            credentialKey: state.identity.credentialKey,
          });
        }
        break;
      }
      case 'failed':
        this.dispatchStaff({ type: 'card-failed', label: state.card.label });
        log.event('card-authenticated', 'failure', `Card authentication failed: ${state.error.kind}.`, {
          details: { reason: state.error.kind },
        });
        this.emitVoter({ type: 'failed', label: state.card.label, message: state.error.message });
        break;
      case 'no-card':
      case 'ended':
      case 'validating-chain':
      case 'checking-pin-status':
      case 'verifying-pin':
      case 'signing-challenge':
      case 'verifying-signature':
        break;
    }
    this.options.onChange?.();
  }
}

export type SignResult = Result<Uint8Array, Pkcs11Error | { kind: 'not-authenticated'; message: string }>;
