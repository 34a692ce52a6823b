/**
 * PKCS#11 failures as values (CONVENTIONS: Errors). Every return code DESIGN §8 lists has its own kind
 * and a message a poll worker can act on; any other CKR_* keeps its name and number in `other`.
 * Failures that are not return codes (the module file cannot be loaded, no token has the label, the
 * worker stopped) are kinds of their own, so the caller handles one union.
 */
import { CKR, ckrName } from './pkcs11-constants';

/** The return codes with a kind of their own (DESIGN §8), and what to tell the person at the kiosk. */
const CKR_KINDS = {
  [CKR.DEVICE_REMOVED]: ['device-removed', 'The card was removed. Insert it again and start over.'],
  [CKR.TOKEN_NOT_PRESENT]: ['token-not-present', 'No card is in the reader. Insert the card and start over.'],
  [CKR.SESSION_HANDLE_INVALID]: [
    'session-handle-invalid',
    'The card was removed or reset during the operation. Insert it again and start over.',
  ],
  [CKR.SESSION_CLOSED]: [
    'session-closed',
    'The card was removed or reset during the operation. Insert it again and start over.',
  ],
  [CKR.PIN_INCORRECT]: ['pin-incorrect', 'The PIN is wrong. Check it and try again.'],
  [CKR.PIN_LEN_RANGE]: [
    'pin-len-range',
    'That PIN has the wrong number of digits for this card. Check it and try again.',
  ],
  [CKR.PIN_EXPIRED]: [
    'pin-expired',
    "The card's PIN has expired. The issuing office must renew it; use another card for now.",
  ],
  [CKR.PIN_LOCKED]: [
    'pin-locked',
    "The card's PIN is locked after too many wrong tries. The issuing office must unlock it; use another card for now.",
  ],
  [CKR.USER_NOT_LOGGED_IN]: [
    'user-not-logged-in',
    'The card asked for the PIN again. Remove the card, insert it again and start over.',
  ],
  [CKR.USER_ALREADY_LOGGED_IN]: [
    'user-already-logged-in',
    'The card was still signed in from an earlier use. Remove it, insert it again and start over.',
  ],
  [CKR.CRYPTOKI_ALREADY_INITIALIZED]: [
    'cryptoki-already-initialized',
    'The card software was started twice in this kiosk. Restart the kiosk; if this repeats, call a technician.',
  ],
  [CKR.TOKEN_NOT_RECOGNIZED]: [
    'token-not-recognized',
    'The reader does not recognise this card. Check that it is inserted the right way round, or use another card.',
  ],
  [CKR.DEVICE_ERROR]: [
    'device-error',
    'The card or reader reported a fault. Remove the card, insert it again and start over; if this repeats, call a technician.',
  ],
  [CKR.SIGNATURE_INVALID]: [
    'signature-invalid',
    "The card's signature did not verify. Use another card and report this one to an election official.",
  ],
  [CKR.FUNCTION_NOT_SUPPORTED]: [
    'function-not-supported',
    'This card or reader cannot do what the kiosk needs. Use another card, or call a technician.',
  ],
  [CKR.AEAD_DECRYPT_FAILED]: [
    'decrypt-failed',
    'The sealed data was changed, or was sealed by another HSM key. It was refused.',
  ],
  [CKR.ENCRYPTED_DATA_INVALID]: [
    'decrypt-failed',
    'The sealed data was changed, or was sealed by another HSM key. It was refused.',
  ],
  [CKR.ENCRYPTED_DATA_LEN_RANGE]: [
    'decrypt-failed',
    'The sealed data was changed, or was sealed by another HSM key. It was refused.',
  ],
  [CKR.ATTRIBUTE_SENSITIVE]: [
    'attribute-sensitive',
    'The token refused to reveal a secret value, as a non-extractable key must.',
  ],
} as const satisfies Record<number, readonly [string, string]>;

type CkrKindTable = typeof CKR_KINDS;
export type CkrErrorKind = CkrKindTable[keyof CkrKindTable][0];

/** The kinds that mean "the card (or token) is gone": the session must end (DESIGN §8). */
export const CARD_GONE_KINDS = [
  'device-removed',
  'token-not-present',
  'session-handle-invalid',
  'session-closed',
] as const satisfies readonly CkrErrorKind[];

export type Pkcs11Error =
  | {
      readonly kind: CkrErrorKind | 'other';
      readonly ckr: number;
      readonly ckrName: string;
      /** The PKCS#11 function that returned it, e.g. "C_Login". */
      readonly call: string;
      readonly message: string;
    }
  | { readonly kind: 'module-not-loadable'; readonly modulePath: string; readonly message: string }
  | { readonly kind: 'token-not-found'; readonly label: string; readonly message: string }
  | { readonly kind: 'object-not-found'; readonly what: string; readonly message: string }
  | { readonly kind: 'worker-stopped'; readonly message: string };

export type Pkcs11ErrorKind = Pkcs11Error['kind'];

/** The typed error for a CKR_* code returned by `call`. */
export function pkcs11ErrorFromCkr(ckr: number, call: string): Pkcs11Error {
  const known = (CKR_KINDS as Record<number, readonly [CkrErrorKind, string]>)[ckr];
  if (known) return { kind: known[0], ckr, ckrName: ckrName(ckr), call, message: known[1] };
  return {
    kind: 'other',
    ckr,
    ckrName: ckrName(ckr),
    call,
    message:
      `The card or HSM answered ${ckrName(ckr)} to ${call}. Remove the card, insert it again and start ` +
      'over; if this repeats, call a technician.',
  };
}

/**
 * The typed error for something pkcs11js threw, or null when it is not a PKCS#11 return code (a bug
 * in our call: bad arguments, a wrong type), which the caller must rethrow.
 * pkcs11js 2.x throws `Pkcs11Error` with `message` "CKR_NAME" and numeric `code`.
 */
export function pkcs11ErrorFromThrown(e: unknown, call: string): Pkcs11Error | null {
  if (typeof e !== 'object' || e === null) return null;
  const { code, message, method } = e as { code?: unknown; message?: unknown; method?: unknown };
  if (typeof code !== 'number' || !Number.isInteger(code) || code <= 0) return null;
  if (typeof message !== 'string' || !message.startsWith('CKR_')) return null;
  return pkcs11ErrorFromCkr(code, typeof method === 'string' && method !== '' ? method : call);
}

export function isCardGone(error: Pkcs11Error): boolean {
  return (CARD_GONE_KINDS as readonly string[]).includes(error.kind);
}

/** The key diagnostics count errors under: the CKR name where there is one, the kind otherwise. */
export function errorCountKey(error: Pkcs11Error): string {
  return 'ckrName' in error ? error.ckrName : error.kind;
}

export function tokenNotFound(label: string): Pkcs11Error {
  return {
    kind: 'token-not-found',
    label,
    message: `No token labelled "${label}" is present. Insert the card (or connect the HSM) and try again.`,
  };
}
