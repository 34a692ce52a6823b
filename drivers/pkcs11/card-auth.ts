/**
 * The I/O edge of card authentication (DESIGN §8): drives cardAuthTransition with what the card reader,
 * the certificate checks (protocol/certificates), the kiosk's PIN counter and the clock say. One card at
 * a time; steps for one card never interleave. A card pulled out at any step ends the session at once
 * (the state changes before any I/O is awaited); the session is closed once the call in flight has
 * answered, so no worker call is left dangling and no login stays open.
 */
import { randomBytes } from 'node:crypto';
import { verifyCardForElection, verifyCardSignature, type TrustAnchors } from '../../protocol/certificates';
import { err, ok, type Result } from '../../protocol/result';
import type { CardRole } from '../../protocol/roles';
import { cardChallenge, newCardSessionId } from './card-challenge';
import {
  cardAuthTransition,
  hasCard,
  initialCardAuthState,
  type CardAuthEvent,
  type CardAuthState,
  type CardIdentity,
} from './card-auth-machine';
import type { CardEvent, CardReader, CardSession } from './card-reader';
import type { Pkcs11Error } from './pkcs11-errors';
import type { PinFlags } from './pkcs11-types';
import { pinAttemptKey, systemClock, type Clock, type PinAttemptTracker } from './pin-attempts';

export interface CardAuthConfig {
  readonly reader: CardReader;
  /** The election package's `trust` (DESIGN §4): voter cards chain to `voters`, others to `officials`. */
  readonly trust: TrustAnchors;
  /** Roles accepted by this authenticator (e.g. officials only on the provisioning screen); any when omitted. */
  readonly roles?: readonly CardRole[];
  /** The kiosk id (hex SHA-256 of its ML-DSA public key, DESIGN §3) the challenge is bound to. */
  readonly kioskId: string;
  readonly attempts: PinAttemptTracker;
  /** At least 32 bytes; keys the PIN counter by an HMAC of the certificate. */
  readonly attemptSecret: Uint8Array;
  readonly clock?: Clock;
  /** For tests: deterministic session ids and nonces. */
  readonly newSessionId?: () => string;
  readonly newNonce?: () => Uint8Array;
}

export type CardAuthListener = (state: CardAuthState, event: CardAuthEvent['type']) => void;

export class CardAuthenticator {
  private state: CardAuthState = initialCardAuthState;
  private session: CardSession | null = null;
  private work: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<CardAuthListener>();
  private readonly clock: Clock;

  constructor(private readonly config: CardAuthConfig) {
    this.clock = config.clock ?? systemClock;
  }

  getState(): CardAuthState {
    return this.state;
  }

  /** Called after every transition with the new state and the event type (no PINs ever pass here). */
  subscribe(listener: CardAuthListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private dispatch(event: CardAuthEvent): CardAuthState {
    const next = cardAuthTransition(this.state, event);
    if (next !== this.state) {
      this.state = next;
      for (const l of this.listeners) l(next, event.type);
    }
    return next;
  }

  /** Is the card session `sessionId` still the one in progress? */
  private current(sessionId: string): boolean {
    return hasCard(this.state) && this.state.card.sessionId === sessionId;
  }

  /** Runs `step` after the steps before it; closes the card session if the state no longer needs it. */
  private serial<T>(step: () => Promise<T>): Promise<T> {
    const run = this.work.then(step).finally(() => this.closeIfDone());
    this.work = run.catch(() => undefined);
    return run;
  }

  private async closeIfDone(): Promise<void> {
    const s = this.state.status;
    const needsSession = hasCard(this.state) && s !== 'failed';
    if (!needsSession && this.session) {
      const session = this.session;
      this.session = null;
      await session.close();
    }
  }

  /** Feeds a reader event (wire `reader.watch(e => auth.handle(e))`). */
  handle(event: CardEvent): Promise<CardAuthState> {
    return event.type === 'card-inserted'
      ? this.cardInserted(event.card.label)
      : this.cardRemoved(event.label);
  }

  /** A card was inserted: read its certificate, check its chain and role, and get ready for the PIN. */
  cardInserted(label: string): Promise<CardAuthState> {
    if (hasCard(this.state)) return Promise.resolve(this.state);
    const sessionId = (this.config.newSessionId ?? newCardSessionId)();
    this.dispatch({ type: 'card-inserted', label, sessionId });
    return this.serial(async () => {
      const fail = (error: Pkcs11Error) => this.dispatch({ type: 'io-failed', error });
      const opened = await this.config.reader.open(label);
      if (!opened.ok) {
        if (this.current(sessionId)) fail(opened.error);
        return this.state;
      }
      this.session = opened.value;
      if (!this.current(sessionId)) return this.state;
      const cert = await opened.value.readCertificate();
      if (!this.current(sessionId)) return this.state;
      if (!cert.ok) return fail(cert.error);
      this.dispatch({ type: 'certificate-read', certificate: cert.value.der });
      const verified = verifyCardForElection(cert.value.der, this.config.trust, {
        at: new Date(this.clock.now()),
        ...(this.config.roles ? { roles: this.config.roles } : {}),
      });
      if (!verified.ok) return this.dispatch({ type: 'chain-rejected', error: verified.error });
      const identity: CardIdentity = {
        role: verified.value.role,
        credentialKey: `card:${verified.value.spkiSha256}`,
        certificate: verified.value.certificate,
        keyAlgorithm: verified.value.keyAlgorithm,
        notAfter: verified.value.notAfter.toISOString(),
        attemptKey: pinAttemptKey(this.config.attemptSecret, verified.value.certificate),
      };
      this.dispatch({ type: 'chain-validated', identity });
      const flags = await opened.value.pinStatus();
      if (!this.current(sessionId)) return this.state;
      if (!flags.ok) return fail(flags.error);
      const count = await this.config.attempts.status(identity.attemptKey);
      return this.dispatch({
        type: 'pin-status',
        card: flags.value,
        kioskFailures: count.failures,
        lockedUntil: count.lockedUntil,
      });
    });
  }

  /**
   * The PIN was entered: the kiosk's lock-out is checked, then the card's own PIN check (C_Login);
   * on success a fresh challenge bound to this kiosk and session is signed by the card and verified
   * with the certificate's key.
   */
  submitPin(pin: string): Promise<CardAuthState> {
    return this.serial(async () => {
      const before = this.state;
      if (before.status !== 'awaiting-pin' || !this.session) return this.state;
      const { sessionId } = before.card;
      const { attemptKey } = before.identity;
      if (this.dispatch({ type: 'pin-entered', now: this.clock.now() }).status !== 'verifying-pin')
        return this.state;
      const session = this.session;
      const login = await session.login(pin);
      if (!this.current(sessionId)) return this.state;
      if (!login.ok) return this.pinRejected(session, login.error, attemptKey, before.prompt.card);
      await this.config.attempts.recordSuccess(attemptKey);
      const nonce = (this.config.newNonce ?? (() => new Uint8Array(randomBytes(32))))();
      const challenge = cardChallenge(this.config.kioskId, sessionId, nonce);
      this.dispatch({ type: 'pin-accepted', challenge });
      const signature = await session.sign(challenge);
      if (!this.current(sessionId)) return this.state;
      if (!signature.ok) return this.dispatch({ type: 'io-failed', error: signature.error });
      this.dispatch({ type: 'challenge-signed', signature: signature.value });
      const valid = verifyCardSignature(before.identity.certificate, challenge, signature.value);
      return this.dispatch({ type: 'signature-checked', valid });
    });
  }

  private async pinRejected(
    session: CardSession,
    error: Pkcs11Error,
    attemptKey: string,
    previousFlags: PinFlags,
  ): Promise<CardAuthState> {
    const sessionId = hasCard(this.state) ? this.state.card.sessionId : '';
    const count =
      error.kind === 'pin-incorrect'
        ? await this.config.attempts.recordFailure(attemptKey)
        : await this.config.attempts.status(attemptKey);
    const flags = error.kind === 'pin-incorrect' ? await session.pinStatus() : ok(previousFlags);
    if (!this.current(sessionId)) return this.state;
    if (!flags.ok) return this.dispatch({ type: 'io-failed', error: flags.error });
    return this.dispatch({
      type: 'pin-rejected',
      error,
      card: flags.value,
      now: this.clock.now(),
      kioskFailures: count.failures,
      lockedUntil: count.lockedUntil,
    });
  }

  /**
   * Signs with the authenticated card (e.g. an official's kiosk enrolment, DESIGN §5): SHA-256 over
   * `message`, ECDSA P1363 or RSA PKCS#1 v1.5. Only in the `authenticated` state.
   */
  signWithCard(
    message: Uint8Array,
  ): Promise<Result<Uint8Array, Pkcs11Error | { kind: 'not-authenticated'; message: string }>> {
    return this.serial(async () => {
      if (this.state.status !== 'authenticated' || !this.session) {
        return err({
          kind: 'not-authenticated' as const,
          message: 'No card is signed in. Insert a card and enter its PIN.',
        });
      }
      const { sessionId } = this.state.card;
      const r = await this.session.sign(message);
      if (!r.ok && this.current(sessionId)) this.dispatch({ type: 'io-failed', error: r.error });
      return r;
    });
  }

  /** The card was pulled out: the session ends now; the card session is closed once in-flight I/O answers. */
  async cardRemoved(label: string): Promise<CardAuthState> {
    this.dispatch({ type: 'card-removed', label });
    await this.serial(() => Promise.resolve());
    return this.state;
  }

  /** Ends the session (the card must be removed and inserted again to sign in again). */
  async logOut(): Promise<CardAuthState> {
    this.dispatch({ type: 'log-out' });
    await this.serial(() => Promise.resolve());
    return this.state;
  }

  /** Resolves when no step is running (tests, shutdown). */
  async idle(): Promise<void> {
    await this.serial(() => Promise.resolve());
  }
}
