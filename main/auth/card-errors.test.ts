import { describe, expect, it } from 'vitest';
import {
  cardAuthTransition,
  type AuthError,
  type CardAuthState,
  type CardIdentity,
} from '../../drivers/pkcs11/card-auth-machine';
import { CKR } from '../../drivers/pkcs11/pkcs11-constants';
import {
  pkcs11ErrorFromCkr,
  tokenNotFound,
  type Pkcs11Error,
  type Pkcs11ErrorKind,
} from '../../drivers/pkcs11/pkcs11-errors';
import type { PinFlags } from '../../drivers/pkcs11/pkcs11-types';
import type { CertificateErrorKind } from '../../protocol/certificates';
import type { CardFailureReason, PinErrorCode } from '../rpc/api';
import {
  cardFailureReason,
  certificateFailureReason,
  pinErrorCode,
  pkcs11FailureReason,
} from './card-errors';
import { cardView } from './card-view';

// Each table is typed as a Record over the whole union: a new kind in a driver fails to compile here
// too, so the tests always cover every kind there is.

const CERTIFICATE: Record<CertificateErrorKind, CardFailureReason> = {
  expired: 'expired',
  'not-yet-valid': 'not-yet-valid',
  'untrusted-issuer': 'not-trusted',
  'bad-signature': 'not-trusted',
  'wrong-key-usage': 'not-trusted',
  'wrong-role': 'wrong-role',
  'missing-role': 'wrong-role',
  'unknown-role': 'wrong-role',
  malformed: 'unreadable',
};

/** DESIGN §8's return codes, by number, through the driver's own mapping. */
const CKR_CODES = [
  [CKR.DEVICE_REMOVED, 'device-removed', 'removed'],
  [CKR.TOKEN_NOT_PRESENT, 'token-not-present', 'removed'],
  [CKR.SESSION_HANDLE_INVALID, 'session-handle-invalid', 'removed'],
  [CKR.SESSION_CLOSED, 'session-closed', 'removed'],
  [CKR.PIN_INCORRECT, 'pin-incorrect', 'other'],
  [CKR.PIN_LEN_RANGE, 'pin-len-range', 'other'],
  [CKR.PIN_EXPIRED, 'pin-expired', 'pin-expired'],
  [CKR.PIN_LOCKED, 'pin-locked', 'pin-locked'],
  [CKR.USER_NOT_LOGGED_IN, 'user-not-logged-in', 'unreadable'],
  [CKR.USER_ALREADY_LOGGED_IN, 'user-already-logged-in', 'unreadable'],
  [CKR.CRYPTOKI_ALREADY_INITIALIZED, 'cryptoki-already-initialized', 'other'],
  [CKR.TOKEN_NOT_RECOGNIZED, 'token-not-recognized', 'unreadable'],
  [CKR.DEVICE_ERROR, 'device-error', 'unreadable'],
  [CKR.SIGNATURE_INVALID, 'signature-invalid', 'not-trusted'],
  [CKR.FUNCTION_NOT_SUPPORTED, 'function-not-supported', 'unreadable'],
  [CKR.AEAD_DECRYPT_FAILED, 'decrypt-failed', 'other'],
  [CKR.ATTRIBUTE_SENSITIVE, 'attribute-sensitive', 'other'],
  [CKR.GENERAL_ERROR, 'other', 'other'],
] as const satisfies readonly (readonly [number, Pkcs11ErrorKind, CardFailureReason])[];

const NOT_CKR: Record<
  Exclude<Pkcs11ErrorKind, (typeof CKR_CODES)[number][1]>,
  [Pkcs11Error, CardFailureReason]
> = {
  'module-not-loadable': [
    { kind: 'module-not-loadable', modulePath: '/x.so', message: 'cannot load' },
    'other',
  ],
  'token-not-found': [tokenNotFound('voter-1'), 'unreadable'],
  'object-not-found': [
    { kind: 'object-not-found', what: 'certificate', message: 'no certificate' },
    'unreadable',
  ],
  'worker-stopped': [{ kind: 'worker-stopped', message: 'stopped' }, 'other'],
};

const PIN_FLAGS: PinFlags = {
  countLow: false,
  finalTry: false,
  locked: false,
  toBeChanged: false,
  protectedPath: false,
};

const UNTIL = Date.parse('2030-05-01T10:00:30Z');

/** Every AuthError kind: its failure reason and its PIN-prompt code. */
const AUTH: Record<AuthError['kind'], [AuthError, CardFailureReason, PinErrorCode]> = {
  certificate: [
    { kind: 'certificate', error: { kind: 'expired', message: 'expired' }, message: 'expired' },
    'expired',
    'other',
  ],
  card: [
    { kind: 'card', error: pkcs11ErrorFromCkr(CKR.DEVICE_ERROR, 'C_Sign'), message: 'fault' },
    'unreadable',
    'other',
  ],
  'pin-incorrect': [{ kind: 'pin-incorrect', message: 'wrong' }, 'other', 'incorrect'],
  'pin-format': [{ kind: 'pin-format', message: 'digits' }, 'other', 'length'],
  'card-pin-locked': [{ kind: 'card-pin-locked', message: 'locked' }, 'pin-locked', 'other'],
  'card-pin-expired': [{ kind: 'card-pin-expired', message: 'expired' }, 'pin-expired', 'other'],
  'kiosk-locked-out': [
    { kind: 'kiosk-locked-out', until: UNTIL, failures: 5, message: 'wait' },
    'locked-out',
    'locked-out',
  ],
  'signature-invalid': [{ kind: 'signature-invalid', message: 'bad' }, 'not-trusted', 'other'],
};

describe('card failure reasons (exhaustive tables)', () => {
  it.each(Object.entries(CERTIFICATE))('certificate %s → %s', (kind, reason) => {
    expect(certificateFailureReason(kind as CertificateErrorKind)).toBe(reason);
  });

  it.each(CKR_CODES)('CKR %d: kind %s → %s', (ckr, kind, reason) => {
    const error = pkcs11ErrorFromCkr(ckr, 'C_Login');
    expect(error.kind).toBe(kind);
    expect(pkcs11FailureReason(error)).toBe(reason);
  });

  it.each(Object.entries(NOT_CKR))('driver error %s → %s', (_, [error, reason]) => {
    expect(pkcs11FailureReason(error)).toBe(reason);
  });

  it.each(Object.entries(AUTH))('auth error %s → failure %s, PIN code %s', (_, [error, reason, code]) => {
    expect(cardFailureReason(error)).toBe(reason);
    expect(pinErrorCode(error)).toBe(code);
  });
});

describe('card views carry the codes', () => {
  const card = { label: 'voter-1', sessionId: '00'.repeat(16) };
  const identity: CardIdentity = {
    role: 'voter',
    credentialKey: `card:${'ab'.repeat(32)}`,
    certificate: new Uint8Array([1]),
    keyAlgorithm: 'ecdsa-p256',
    notAfter: '2031-01-01T00:00:00Z',
    attemptKey: 'cd'.repeat(32),
  };
  const validating: CardAuthState = { status: 'validating-chain', card, certificate: new Uint8Array([1]) };
  const verifying: CardAuthState = {
    status: 'verifying-pin',
    card,
    identity,
    prompt: { card: PIN_FLAGS, kioskFailures: 0, lockedUntil: null, lastError: null },
  };
  const rejected = (ckr: number, kioskFailures: number, lockedUntil: number | null, now = UNTIL - 30_000) =>
    cardView(
      cardAuthTransition(verifying, {
        type: 'pin-rejected',
        error: pkcs11ErrorFromCkr(ckr, 'C_Login'),
        card: PIN_FLAGS,
        now,
        kioskFailures,
        lockedUntil,
      }),
    );

  it('a certificate refused by the chain check: failed with its reason, the English message kept', () => {
    const view = cardView(
      cardAuthTransition(validating, {
        type: 'chain-rejected',
        error: { kind: 'not-yet-valid', message: 'not valid before 2031-01-01Z; check the kiosk clock' },
      }),
    );
    expect(view).toEqual({
      status: 'failed',
      label: 'voter-1',
      reason: 'not-yet-valid',
      lockedUntil: null,
      message: 'not valid before 2031-01-01Z; check the kiosk clock',
    });
  });

  it('a wrong PIN, a PIN of the wrong length and the kiosk lock-out, as prompt codes', () => {
    const wrong = rejected(CKR.PIN_INCORRECT, 1, null);
    expect(wrong.status === 'awaiting-pin' && wrong.prompt).toMatchObject({
      lastErrorCode: 'incorrect',
      lastError: expect.stringMatching(/PIN is wrong/) as string,
    });
    const length = rejected(CKR.PIN_LEN_RANGE, 0, null);
    expect(length.status === 'awaiting-pin' && length.prompt.lastErrorCode).toBe('length');
    const out = rejected(CKR.PIN_INCORRECT, 5, UNTIL);
    expect(out.status === 'awaiting-pin' && out.prompt).toMatchObject({
      lastErrorCode: 'locked-out',
      lockedUntil: '2030-05-01T10:00:30.000Z',
      lastError: 'Too many wrong PINs for this card at this kiosk. Wait 30 s, then try again.',
    });
  });

  it('a card that locks its PIN or has an expired PIN fails with that reason', () => {
    expect(rejected(CKR.PIN_LOCKED, 3, null)).toMatchObject({ status: 'failed', reason: 'pin-locked' });
    expect(rejected(CKR.PIN_EXPIRED, 0, null)).toMatchObject({ status: 'failed', reason: 'pin-expired' });
    expect(rejected(CKR.DEVICE_ERROR, 0, null)).toMatchObject({ status: 'failed', reason: 'unreadable' });
  });

  it('a failed state with the kiosk lock-out gives its end time', () => {
    const [error] = AUTH['kiosk-locked-out'];
    expect(cardView({ status: 'failed', card, error })).toEqual({
      status: 'failed',
      label: 'voter-1',
      reason: 'locked-out',
      lockedUntil: '2030-05-01T10:00:30.000Z',
      message: 'wait',
    });
  });

  it('a fresh prompt has no error and no code', () => {
    const view = cardView({
      status: 'awaiting-pin',
      card,
      identity,
      prompt: { card: PIN_FLAGS, kioskFailures: 0, lockedUntil: null, lastError: null },
    });
    expect(view.status === 'awaiting-pin' && view.prompt).toMatchObject({
      lastError: null,
      lastErrorCode: null,
    });
  });
});
