/**
 * Machine-readable codes for the card errors a voter may see (main/rpc/api.ts CardFailureReason,
 * PinErrorCode), so the UI can say them in the voter's language while the English `message` stays for
 * the poll worker. Mapped from the driver's typed errors (drivers/pkcs11 AuthError and Pkcs11Error
 * kinds, DESIGN §8) and the certificate checks (protocol/certificates CertificateError kinds), each
 * switch exhaustive: a new kind in a driver fails to compile here until someone decides what a voter
 * should be told.
 */
import type { AuthError } from '../../drivers/pkcs11/card-auth-machine';
import type { Pkcs11Error } from '../../drivers/pkcs11/pkcs11-errors';
import type { CertificateErrorKind } from '../../protocol/certificates';
import { assertNever } from '../../protocol/result';
import type { CardFailureReason, PinErrorCode } from '../rpc/api';

/** Why the card's certificate was refused (DESIGN §4 `trust`, §8: dates, chain, key usage, role). */
export function certificateFailureReason(kind: CertificateErrorKind): CardFailureReason {
  switch (kind) {
    case 'expired':
      return 'expired';
    case 'not-yet-valid':
      return 'not-yet-valid';
    // Not issued (or not issued for authentication) by an authority this election trusts.
    case 'untrusted-issuer':
    case 'bad-signature':
    case 'wrong-key-usage':
      return 'not-trusted';
    // A card for another role, or one whose certificate names no role we know.
    case 'wrong-role':
    case 'missing-role':
    case 'unknown-role':
      return 'wrong-role';
    case 'malformed':
      return 'unreadable';
    default:
      return assertNever(kind, 'certificate error kind');
  }
}

/** A PKCS#11 failure of the card or its reader (DESIGN §8 return codes). */
export function pkcs11FailureReason(error: Pkcs11Error): CardFailureReason {
  const { kind } = error;
  switch (kind) {
    // The card is gone, or was reset under the kiosk.
    case 'device-removed':
    case 'token-not-present':
    case 'session-handle-invalid':
    case 'session-closed':
      return 'removed';
    case 'pin-locked':
      return 'pin-locked';
    case 'pin-expired':
      return 'pin-expired';
    // The card answered something the kiosk cannot use: remove it, insert it again or use another.
    case 'token-not-recognized':
    case 'device-error':
    case 'function-not-supported':
    case 'token-not-found':
    case 'object-not-found':
    case 'user-not-logged-in':
    case 'user-already-logged-in':
      return 'unreadable';
    // The card's signature did not verify: it cannot prove it holds the certificate's key.
    case 'signature-invalid':
      return 'not-trusted';
    // PIN verdicts are not failures of the card (they leave the PIN prompt open); HSM-only kinds and
    // faults of the kiosk's own software are for a technician, not for the voter to act on.
    case 'pin-incorrect':
    case 'pin-len-range':
    case 'decrypt-failed':
    case 'attribute-sensitive':
    case 'cryptoki-already-initialized':
    case 'module-not-loadable':
    case 'worker-stopped':
    case 'other':
      return 'other';
    default:
      return assertNever(kind, 'PKCS#11 error kind');
  }
}

/** Why the card in the reader cannot be used (CardView `failed`). */
export function cardFailureReason(error: AuthError): CardFailureReason {
  switch (error.kind) {
    case 'certificate':
      return certificateFailureReason(error.error.kind);
    case 'card':
      return pkcs11FailureReason(error.error);
    case 'card-pin-locked':
      return 'pin-locked';
    case 'card-pin-expired':
      return 'pin-expired';
    case 'kiosk-locked-out':
      return 'locked-out';
    case 'signature-invalid':
      return 'not-trusted';
    // A wrong PIN keeps the prompt open (PinErrorCode); as a final failure it has no code of its own.
    case 'pin-incorrect':
    case 'pin-format':
      return 'other';
    default:
      return assertNever(error, 'card auth error');
  }
}

/** Why the last PIN was refused (PinPromptView `lastErrorCode`). */
export function pinErrorCode(error: AuthError): PinErrorCode {
  switch (error.kind) {
    case 'pin-incorrect':
      return 'incorrect';
    case 'pin-format':
      return 'length';
    case 'kiosk-locked-out':
      return 'locked-out';
    // These end the PIN prompt (the card state is `failed`); should one ever be shown beside a prompt,
    // the English message is all there is to say.
    case 'certificate':
    case 'card':
    case 'card-pin-locked':
    case 'card-pin-expired':
    case 'signature-invalid':
      return 'other';
    default:
      return assertNever(error, 'card auth error');
  }
}
