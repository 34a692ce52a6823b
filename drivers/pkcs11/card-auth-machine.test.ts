import { describe, expect, it } from 'vitest';
import type { CertificateError } from '../../protocol/certificates';
import {
  cardAuthTransition,
  initialCardAuthState,
  type CardAuthEvent,
  type CardAuthState,
  type CardIdentity,
  type CardRef,
  type PinPrompt,
} from './card-auth-machine';
import { CKR } from './pkcs11-constants';
import { pkcs11ErrorFromCkr } from './pkcs11-errors';
import type { PinFlags } from './pkcs11-types';

const card: CardRef = { label: 'card-1', sessionId: '00'.repeat(16) };
const identity: CardIdentity = {
  role: 'official',
  credentialKey: `card:${'ab'.repeat(32)}`,
  certificate: new Uint8Array([1, 2, 3]),
  keyAlgorithm: 'ecdsa-p256',
  notAfter: '2030-01-01T00:00:00.000Z',
  attemptKey: 'cd'.repeat(32),
};
const fresh: PinFlags = {
  countLow: false,
  finalTry: false,
  locked: false,
  toBeChanged: false,
  protectedPath: false,
};
const low: PinFlags = { ...fresh, countLow: true };
const final: PinFlags = { ...fresh, countLow: true, finalTry: true };
const locked: PinFlags = { ...fresh, locked: true };
const prompt: PinPrompt = { card: fresh, kioskFailures: 0, lockedUntil: null, lastError: null };
const challenge = new Uint8Array(113);
const signature = new Uint8Array(64);
const certError: CertificateError = {
  kind: 'expired',
  message: 'this card expired on 2020-01-01T00:00:00Z; it must be replaced',
};

const S = {
  noCard: initialCardAuthState,
  ended: { status: 'ended', label: 'card-1', reason: 'card-removed' },
  reading: { status: 'reading-certificate', card },
  validating: { status: 'validating-chain', card, certificate: identity.certificate },
  checking: { status: 'checking-pin-status', card, identity },
  awaiting: { status: 'awaiting-pin', card, identity, prompt },
  awaitingLocked: {
    status: 'awaiting-pin',
    card,
    identity,
    prompt: { ...prompt, kioskFailures: 3, lockedUntil: 31_000 },
  },
  verifying: { status: 'verifying-pin', card, identity, prompt },
  signing: { status: 'signing-challenge', card, identity, challenge },
  checkingSig: { status: 'verifying-signature', card, identity, challenge, signature },
  authenticated: { status: 'authenticated', card, identity },
  failed: { status: 'failed', card, error: { kind: 'signature-invalid', message: 'x' } },
} satisfies Record<string, CardAuthState>;

const E = {
  inserted: { type: 'card-inserted', label: 'card-1', sessionId: card.sessionId },
  removed: { type: 'card-removed', label: 'card-1' },
  otherRemoved: { type: 'card-removed', label: 'card-2' },
  certRead: { type: 'certificate-read', certificate: identity.certificate },
  chainOk: { type: 'chain-validated', identity },
  chainBad: { type: 'chain-rejected', error: certError },
  pinStatus: { type: 'pin-status', card: fresh, kioskFailures: 0, lockedUntil: null },
  pinStatusLocked: { type: 'pin-status', card: locked, kioskFailures: 0, lockedUntil: null },
  pinEntered: { type: 'pin-entered', now: 1_000 },
  pinEnteredLater: { type: 'pin-entered', now: 40_000 },
  pinOk: { type: 'pin-accepted', challenge },
  pinWrong: {
    type: 'pin-rejected',
    error: pkcs11ErrorFromCkr(CKR.PIN_INCORRECT, 'C_Login'),
    card: low,
    now: 1_000,
    kioskFailures: 1,
    lockedUntil: null,
  },
  pinWrongFinal: {
    type: 'pin-rejected',
    error: pkcs11ErrorFromCkr(CKR.PIN_INCORRECT, 'C_Login'),
    card: final,
    now: 1_000,
    kioskFailures: 2,
    lockedUntil: null,
  },
  pinWrongKioskLock: {
    type: 'pin-rejected',
    error: pkcs11ErrorFromCkr(CKR.PIN_INCORRECT, 'C_Login'),
    card: low,
    now: 1_000,
    kioskFailures: 3,
    lockedUntil: 31_000,
  },
  pinWrongCardLocks: {
    type: 'pin-rejected',
    error: pkcs11ErrorFromCkr(CKR.PIN_INCORRECT, 'C_Login'),
    card: locked,
    now: 1_000,
    kioskFailures: 3,
    lockedUntil: null,
  },
  pinLocked: {
    type: 'pin-rejected',
    error: pkcs11ErrorFromCkr(CKR.PIN_LOCKED, 'C_Login'),
    card: fresh,
    now: 1_000,
    kioskFailures: 0,
    lockedUntil: null,
  },
  pinLen: {
    type: 'pin-rejected',
    error: pkcs11ErrorFromCkr(CKR.PIN_LEN_RANGE, 'C_Login'),
    card: fresh,
    now: 1_000,
    kioskFailures: 0,
    lockedUntil: null,
  },
  pinExpired: {
    type: 'pin-rejected',
    error: pkcs11ErrorFromCkr(CKR.PIN_EXPIRED, 'C_Login'),
    card: fresh,
    now: 1_000,
    kioskFailures: 0,
    lockedUntil: null,
  },
  pinRemoved: {
    type: 'pin-rejected',
    error: pkcs11ErrorFromCkr(CKR.DEVICE_REMOVED, 'C_Login'),
    card: fresh,
    now: 1_000,
    kioskFailures: 0,
    lockedUntil: null,
  },
  signed: { type: 'challenge-signed', signature },
  sigOk: { type: 'signature-checked', valid: true },
  sigBad: { type: 'signature-checked', valid: false },
  deviceRemoved: { type: 'io-failed', error: pkcs11ErrorFromCkr(CKR.DEVICE_REMOVED, 'C_Sign') },
  tokenGone: { type: 'io-failed', error: pkcs11ErrorFromCkr(CKR.TOKEN_NOT_PRESENT, 'C_OpenSession') },
  sessionInvalid: { type: 'io-failed', error: pkcs11ErrorFromCkr(CKR.SESSION_HANDLE_INVALID, 'C_Sign') },
  sessionClosed: { type: 'io-failed', error: pkcs11ErrorFromCkr(CKR.SESSION_CLOSED, 'C_Sign') },
  deviceError: { type: 'io-failed', error: pkcs11ErrorFromCkr(CKR.DEVICE_ERROR, 'C_Sign') },
  logOut: { type: 'log-out' },
} satisfies Record<string, CardAuthEvent>;

type Row = [
  from: keyof typeof S,
  event: keyof typeof E,
  to: CardAuthState['status'],
  check?: (s: CardAuthState) => void,
];

const happyPath: Row[] = [
  ['noCard', 'inserted', 'reading-certificate'],
  ['ended', 'inserted', 'reading-certificate'],
  ['reading', 'certRead', 'validating-chain'],
  ['validating', 'chainOk', 'checking-pin-status'],
  ['checking', 'pinStatus', 'awaiting-pin'],
  ['awaiting', 'pinEntered', 'verifying-pin'],
  ['verifying', 'pinOk', 'signing-challenge', (s) => expect(s).toMatchObject({ challenge })],
  ['signing', 'signed', 'verifying-signature', (s) => expect(s).toMatchObject({ signature })],
  ['checkingSig', 'sigOk', 'authenticated', (s) => expect(s).toMatchObject({ identity })],
];

const failures: Row[] = [
  [
    'validating',
    'chainBad',
    'failed',
    (s) => expect(s).toMatchObject({ error: { kind: 'certificate', error: certError } }),
  ],
  [
    'checking',
    'pinStatusLocked',
    'failed',
    (s) => expect(s).toMatchObject({ error: { kind: 'card-pin-locked' } }),
  ],
  [
    'checkingSig',
    'sigBad',
    'failed',
    (s) => expect(s).toMatchObject({ error: { kind: 'signature-invalid' } }),
  ],
  [
    'signing',
    'deviceError',
    'failed',
    (s) => expect(s).toMatchObject({ error: { kind: 'card', error: { kind: 'device-error' } } }),
  ],
  ['reading', 'deviceError', 'failed'],
  [
    'failed',
    'deviceError',
    'failed',
    (s) => expect(s).toMatchObject({ error: { kind: 'signature-invalid' } }),
  ],
];

const pin: Row[] = [
  [
    'verifying',
    'pinWrong',
    'awaiting-pin',
    (s) =>
      expect(s).toMatchObject({
        prompt: { card: low, kioskFailures: 1, lockedUntil: null, lastError: { kind: 'pin-incorrect' } },
      }),
  ],
  [
    'verifying',
    'pinWrongFinal',
    'awaiting-pin',
    (s) =>
      expect(s).toMatchObject({ prompt: { lastError: { message: expect.stringMatching(/one more try/) } } }),
  ],
  [
    'verifying',
    'pinWrongKioskLock',
    'awaiting-pin',
    (s) =>
      expect(s).toMatchObject({
        prompt: {
          lockedUntil: 31_000,
          lastError: {
            kind: 'kiosk-locked-out',
            until: 31_000,
            failures: 3,
            message: expect.stringMatching(/Wait 30 s/),
          },
        },
      }),
  ],
  [
    'verifying',
    'pinWrongCardLocks',
    'failed',
    (s) => expect(s).toMatchObject({ error: { kind: 'card-pin-locked' } }),
  ],
  [
    'verifying',
    'pinLocked',
    'failed',
    (s) => expect(s).toMatchObject({ error: { kind: 'card-pin-locked' } }),
  ],
  [
    'verifying',
    'pinLen',
    'awaiting-pin',
    (s) => expect(s).toMatchObject({ prompt: { lastError: { kind: 'pin-format' } } }),
  ],
  [
    'verifying',
    'pinExpired',
    'failed',
    (s) => expect(s).toMatchObject({ error: { kind: 'card-pin-expired' } }),
  ],
  ['verifying', 'pinRemoved', 'ended'],
  // The kiosk lock-out holds until its time, then the PIN may be tried.
  [
    'awaitingLocked',
    'pinEntered',
    'awaiting-pin',
    (s) =>
      expect(s).toMatchObject({
        prompt: { lastError: { kind: 'kiosk-locked-out', message: expect.stringMatching(/Wait 30 s/) } },
      }),
  ],
  ['awaitingLocked', 'pinEnteredLater', 'verifying-pin'],
];

const cardStates = [
  'reading',
  'validating',
  'checking',
  'awaiting',
  'verifying',
  'signing',
  'checkingSig',
  'authenticated',
  'failed',
] as const;

// Removal at any step ends the session cleanly, whichever way the reader tells it.
const removal: Row[] = cardStates.flatMap((from) =>
  (['removed', 'deviceRemoved', 'tokenGone', 'sessionInvalid', 'sessionClosed'] as const).map(
    (event): Row => [
      from,
      event,
      'ended',
      (s) => expect(s).toEqual({ status: 'ended', label: 'card-1', reason: 'card-removed' }),
    ],
  ),
);
const logOut: Row[] = cardStates.map((from): Row => [
  from,
  'logOut',
  'ended',
  (s) => expect(s).toMatchObject({ reason: 'logged-out' }),
]);

// Events that do not fit the state change nothing (a late answer for a pulled card, a second card).
const ignored: Row[] = [
  ['noCard', 'removed', 'no-card'],
  ['noCard', 'certRead', 'no-card'],
  ['noCard', 'deviceRemoved', 'no-card'],
  ['ended', 'sigOk', 'ended'],
  ['ended', 'pinOk', 'ended'],
  ['authenticated', 'otherRemoved', 'authenticated'],
  ['awaiting', 'inserted', 'awaiting-pin'],
  ['reading', 'chainOk', 'reading-certificate'],
  ['awaiting', 'pinOk', 'awaiting-pin'],
  ['signing', 'sigOk', 'signing-challenge'],
  ['authenticated', 'pinEntered', 'authenticated'],
  ['failed', 'sigOk', 'failed'],
];

describe('cardAuthTransition', () => {
  for (const [name, rows] of Object.entries({ happyPath, failures, pin, removal, logOut, ignored })) {
    describe(name, () => {
      it.each(rows)('%s + %s → %s', (from, event, to, check) => {
        const before = S[from];
        const after = cardAuthTransition(before, E[event]);
        expect(after.status).toBe(to);
        check?.(after);
        if (name === 'ignored') expect(after).toBe(before);
      });
    });
  }

  it('every state reached from a card state keeps the same card (label and session id)', () => {
    for (const from of cardStates) {
      for (const event of Object.keys(E) as (keyof typeof E)[]) {
        const after = cardAuthTransition(S[from], E[event]);
        if ('card' in after) expect(after.card).toBe(card);
        if (after.status === 'ended') expect(after.label).toBe('card-1');
      }
    }
  });

  it('runs the whole PIV sequence from no card to authenticated', () => {
    const events = [
      'inserted',
      'certRead',
      'chainOk',
      'pinStatus',
      'pinEntered',
      'pinWrong',
      'pinEntered',
      'pinOk',
      'signed',
      'sigOk',
    ] as const;
    const statuses = [];
    let s: CardAuthState = initialCardAuthState;
    for (const e of events) {
      s = cardAuthTransition(s, E[e]);
      statuses.push(s.status);
    }
    expect(statuses).toEqual([
      'reading-certificate',
      'validating-chain',
      'checking-pin-status',
      'awaiting-pin',
      'verifying-pin',
      'awaiting-pin',
      'verifying-pin',
      'signing-challenge',
      'verifying-signature',
      'authenticated',
    ]);
    expect(s).toMatchObject({
      status: 'authenticated',
      identity: { role: 'official', credentialKey: identity.credentialKey },
    });
  });
});
