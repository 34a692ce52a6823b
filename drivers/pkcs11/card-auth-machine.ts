/**
 * Card authentication as PIV does it (FIPS 201-3 §6.2.3.1 PKI-AUTH; DESIGN §8), as a pure transition
 * function `(state, event) → state` in the manner of VxSuite libs/auth: no I/O, no clock, no randomness
 * (times and challenges come in events), so every path is tested by tables. CardAuthenticator
 * (card-auth.ts) does the I/O each state asks for and feeds the outcome back as events.
 *
 *   no-card → reading-certificate → validating-chain → checking-pin-status → awaiting-pin
 *     → verifying-pin → signing-challenge → verifying-signature → authenticated
 *
 * A card removed at any step ends the session (`ended`); failures are typed `failed` states that stay
 * until the card is removed. An event that does not fit the current state is ignored (the state is
 * returned unchanged): a late answer for a card already pulled out changes nothing.
 */
import type { CertificateError, CardSignatureAlgorithm } from '../../protocol/certificates';
import type { CardRole } from '../../protocol/roles';
import { isCardGone, type Pkcs11Error } from './pkcs11-errors';
import type { PinFlags } from './pkcs11-types';

export interface CardRef {
  readonly label: string;
  /** 16 random bytes (hex) chosen at insertion; the challenge is bound to it. */
  readonly sessionId: string;
}

export interface CardIdentity {
  readonly role: CardRole;
  /** DESIGN §4 credential key: "card:" + hex SHA-256 of the certificate's SubjectPublicKeyInfo. */
  readonly credentialKey: string;
  /** DER of the verified certificate. */
  readonly certificate: Uint8Array;
  readonly keyAlgorithm: CardSignatureAlgorithm;
  /** ISO 8601 end of the certificate's validity. */
  readonly notAfter: string;
  /** The kiosk's PIN-counter key for this card (HMAC of the certificate, pin-attempts.ts). */
  readonly attemptKey: string;
}

export type AuthError =
  | { readonly kind: 'certificate'; readonly error: CertificateError; readonly message: string }
  | { readonly kind: 'card'; readonly error: Pkcs11Error; readonly message: string }
  | { readonly kind: 'pin-incorrect'; readonly message: string }
  | { readonly kind: 'pin-format'; readonly message: string }
  | { readonly kind: 'card-pin-locked'; readonly message: string }
  | { readonly kind: 'card-pin-expired'; readonly message: string }
  | {
      readonly kind: 'kiosk-locked-out';
      readonly until: number;
      readonly failures: number;
      readonly message: string;
    }
  | { readonly kind: 'signature-invalid'; readonly message: string };

export interface PinPrompt {
  /** The card's own PIN flags (DESIGN §8), fresh from the token. */
  readonly card: PinFlags;
  /** Wrong PINs this kiosk has counted for this card. */
  readonly kioskFailures: number;
  /** Epoch ms until which this kiosk refuses a PIN for this card, or null. */
  readonly lockedUntil: number | null;
  /** Why the last PIN was refused, or null. */
  readonly lastError: AuthError | null;
}

type WithCard<S extends string, T = object> = { readonly status: S; readonly card: CardRef } & T;

export type CardAuthState =
  | { readonly status: 'no-card' }
  | { readonly status: 'ended'; readonly label: string; readonly reason: 'card-removed' | 'logged-out' }
  | WithCard<'reading-certificate'>
  | WithCard<'validating-chain', { readonly certificate: Uint8Array }>
  | WithCard<'checking-pin-status', { readonly identity: CardIdentity }>
  | WithCard<'awaiting-pin', { readonly identity: CardIdentity; readonly prompt: PinPrompt }>
  | WithCard<'verifying-pin', { readonly identity: CardIdentity; readonly prompt: PinPrompt }>
  | WithCard<'signing-challenge', { readonly identity: CardIdentity; readonly challenge: Uint8Array }>
  | WithCard<
      'verifying-signature',
      { readonly identity: CardIdentity; readonly challenge: Uint8Array; readonly signature: Uint8Array }
    >
  | WithCard<'authenticated', { readonly identity: CardIdentity }>
  | WithCard<'failed', { readonly error: AuthError }>;

export type CardAuthStatus = CardAuthState['status'];

export interface KioskPinCount {
  readonly kioskFailures: number;
  readonly lockedUntil: number | null;
}

export type CardAuthEvent =
  | { readonly type: 'card-inserted'; readonly label: string; readonly sessionId: string }
  | { readonly type: 'card-removed'; readonly label: string }
  | { readonly type: 'certificate-read'; readonly certificate: Uint8Array }
  | { readonly type: 'chain-validated'; readonly identity: CardIdentity }
  | { readonly type: 'chain-rejected'; readonly error: CertificateError }
  | ({ readonly type: 'pin-status'; readonly card: PinFlags } & KioskPinCount)
  | { readonly type: 'pin-entered'; readonly now: number }
  | { readonly type: 'pin-accepted'; readonly challenge: Uint8Array }
  | ({
      readonly type: 'pin-rejected';
      readonly error: Pkcs11Error;
      readonly card: PinFlags;
      readonly now: number;
    } & KioskPinCount)
  | { readonly type: 'challenge-signed'; readonly signature: Uint8Array }
  | { readonly type: 'signature-checked'; readonly valid: boolean }
  | { readonly type: 'io-failed'; readonly error: Pkcs11Error }
  | { readonly type: 'log-out' };

export const initialCardAuthState: CardAuthState = { status: 'no-card' };

const CARD_PIN_LOCKED: AuthError = {
  kind: 'card-pin-locked',
  message:
    "This card's PIN is locked after too many wrong tries. The issuing office must unlock it; remove the card.",
};

function lockedOut(until: number, failures: number, now: number): AuthError {
  const seconds = Math.max(1, Math.ceil((until - now) / 1000));
  return {
    kind: 'kiosk-locked-out',
    until,
    failures,
    message: `Too many wrong PINs for this card at this kiosk. Wait ${seconds} s, then try again.`,
  };
}

function wrongPin(card: PinFlags): AuthError {
  const tries = card.finalTry
    ? ' The card allows one more try before it locks itself.'
    : card.countLow
      ? ' The card has few tries left before it locks itself.'
      : '';
  return { kind: 'pin-incorrect', message: `The PIN is wrong. Check it and try again.${tries}` };
}

function cardFailure(error: Pkcs11Error): AuthError {
  return { kind: 'card', error, message: error.message };
}

function pinRejected(
  state: Extract<CardAuthState, { status: 'verifying-pin' }>,
  e: Extract<CardAuthEvent, { type: 'pin-rejected' }>,
): CardAuthState {
  const { card, identity } = state;
  const awaiting = (lastError: AuthError): CardAuthState => ({
    status: 'awaiting-pin',
    card,
    identity,
    prompt: { card: e.card, kioskFailures: e.kioskFailures, lockedUntil: e.lockedUntil, lastError },
  });
  if (e.error.kind === 'pin-locked' || e.card.locked)
    return { status: 'failed', card, error: CARD_PIN_LOCKED };
  const kind = e.error.kind;
  if (kind === 'pin-incorrect') {
    return awaiting(
      e.lockedUntil !== null && e.lockedUntil > e.now
        ? lockedOut(e.lockedUntil, e.kioskFailures, e.now)
        : wrongPin(e.card),
    );
  }
  if (kind === 'pin-len-range') return awaiting({ kind: 'pin-format', message: e.error.message });
  if (kind === 'pin-expired') {
    return { status: 'failed', card, error: { kind: 'card-pin-expired', message: e.error.message } };
  }
  // Not a PIN verdict: the card is gone, or failed.
  return isCardGone(e.error)
    ? { status: 'ended', label: card.label, reason: 'card-removed' }
    : { status: 'failed', card, error: cardFailure(e.error) };
}

export function cardAuthTransition(state: CardAuthState, event: CardAuthEvent): CardAuthState {
  if (event.type === 'card-inserted') {
    return state.status === 'no-card' || state.status === 'ended'
      ? { status: 'reading-certificate', card: { label: event.label, sessionId: event.sessionId } }
      : state;
  }
  if (state.status === 'no-card' || state.status === 'ended') return state;
  const { card } = state;

  switch (event.type) {
    case 'card-removed':
      return event.label === card.label
        ? { status: 'ended', label: card.label, reason: 'card-removed' }
        : state;
    case 'log-out':
      return { status: 'ended', label: card.label, reason: 'logged-out' };
    case 'io-failed':
      if (isCardGone(event.error)) return { status: 'ended', label: card.label, reason: 'card-removed' };
      return state.status === 'failed' ? state : { status: 'failed', card, error: cardFailure(event.error) };
    case 'certificate-read':
      return state.status === 'reading-certificate'
        ? { status: 'validating-chain', card, certificate: event.certificate }
        : state;
    case 'chain-validated':
      return state.status === 'validating-chain'
        ? { status: 'checking-pin-status', card, identity: event.identity }
        : state;
    case 'chain-rejected':
      return state.status === 'validating-chain'
        ? {
            status: 'failed',
            card,
            error: { kind: 'certificate', error: event.error, message: event.error.message },
          }
        : state;
    case 'pin-status':
      if (state.status !== 'checking-pin-status') return state;
      if (event.card.locked) return { status: 'failed', card, error: CARD_PIN_LOCKED };
      return {
        status: 'awaiting-pin',
        card,
        identity: state.identity,
        prompt: {
          card: event.card,
          kioskFailures: event.kioskFailures,
          lockedUntil: event.lockedUntil,
          lastError: null,
        },
      };
    case 'pin-entered': {
      if (state.status !== 'awaiting-pin') return state;
      const { prompt } = state;
      if (prompt.lockedUntil !== null && prompt.lockedUntil > event.now) {
        return {
          ...state,
          prompt: { ...prompt, lastError: lockedOut(prompt.lockedUntil, prompt.kioskFailures, event.now) },
        };
      }
      return { status: 'verifying-pin', card, identity: state.identity, prompt };
    }
    case 'pin-accepted':
      return state.status === 'verifying-pin'
        ? { status: 'signing-challenge', card, identity: state.identity, challenge: event.challenge }
        : state;
    case 'pin-rejected':
      return state.status === 'verifying-pin' ? pinRejected(state, event) : state;
    case 'challenge-signed':
      return state.status === 'signing-challenge'
        ? {
            status: 'verifying-signature',
            card,
            identity: state.identity,
            challenge: state.challenge,
            signature: event.signature,
          }
        : state;
    case 'signature-checked':
      if (state.status !== 'verifying-signature') return state;
      return event.valid
        ? { status: 'authenticated', card, identity: state.identity }
        : {
            status: 'failed',
            card,
            error: {
              kind: 'signature-invalid',
              message:
                "The card's signature did not match its certificate. Remove the card and report it to an election official.",
            },
          };
  }
}

/** True in the states where the card is in use (a session may be open). */
export function hasCard(
  state: CardAuthState,
): state is Exclude<CardAuthState, { status: 'no-card' | 'ended' }> {
  return state.status !== 'no-card' && state.status !== 'ended';
}
