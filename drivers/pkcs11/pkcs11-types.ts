/**
 * Plain values that cross the worker boundary (structured clone): what a module, a token, a
 * certificate object and a secret key look like to the rest of the kiosk. No handles: sessions are
 * numbered by the worker, tokens are named by label (never by slot number, which changes when a
 * reader is plugged into another port).
 */
import { CKF } from './pkcs11-constants';

export interface ModuleSummary {
  readonly modulePath: string;
  readonly manufacturer: string;
  readonly libraryDescription: string;
  /** "2.6" for SoftHSM 2.6 */
  readonly libraryVersion: string;
  /** "2.40", "3.0" ... */
  readonly cryptokiVersion: string;
  /** false when something else in this process had already called C_Initialize (we then never finalize). */
  readonly initializedByUs: boolean;
}

/** The PIN state a token reports in CK_TOKEN_INFO.flags, shown before a PIN prompt (DESIGN §8). */
export interface PinFlags {
  readonly countLow: boolean;
  readonly finalTry: boolean;
  readonly locked: boolean;
  readonly toBeChanged: boolean;
  /** The reader has its own PIN pad (C_Login is then called without a PIN). */
  readonly protectedPath: boolean;
}

export function pinFlags(tokenFlags: number): PinFlags {
  return {
    countLow: (tokenFlags & CKF.USER_PIN_COUNT_LOW) !== 0,
    finalTry: (tokenFlags & CKF.USER_PIN_FINAL_TRY) !== 0,
    locked: (tokenFlags & CKF.USER_PIN_LOCKED) !== 0,
    toBeChanged: (tokenFlags & CKF.USER_PIN_TO_BE_CHANGED) !== 0,
    protectedPath: (tokenFlags & CKF.PROTECTED_AUTHENTICATION_PATH) !== 0,
  };
}

export interface TokenSummary {
  /** For diagnostics only: slot ids are not stable, labels are. */
  readonly slotId: string;
  readonly label: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly serialNumber: string;
  readonly flags: number;
  /** CKF_TOKEN_INITIALIZED: false for a blank card, or SoftHSM2's spare "free" slot. */
  readonly initialized: boolean;
  readonly pin: PinFlags;
  readonly firmwareVersion: string;
  readonly hardwareVersion: string;
  readonly minPinLength: number;
  readonly maxPinLength: number;
  readonly slotDescription: string;
}

export interface SlotEvent {
  /** false when the module answers CKR_FUNCTION_NOT_SUPPORTED: polling the slot list is then the only way. */
  readonly supported: boolean;
  /** The slot that changed, or null for "no event" (CKR_NO_EVENT / nothing pending). */
  readonly slotId: string | null;
}

export interface OpenedSession {
  readonly session: number;
  readonly token: TokenSummary;
}

export interface TokenCertificate {
  /** CKA_ID as hex: the matching private key carries the same id (PIV: 01 for PKI-AUTH). */
  readonly id: string;
  readonly label: string;
  /** DER */
  readonly der: Uint8Array;
}

export type CardKeyType = 'ec' | 'rsa';

export interface CardSignature {
  readonly signature: Uint8Array;
  readonly keyType: CardKeyType;
  /** The CKM_* used: CKM_ECDSA over SHA-256, CKM_SHA256_RSA_PKCS, or CKM_RSA_PKCS over a DigestInfo. */
  readonly mechanism: number;
}

export interface SecretKeyInfo {
  readonly label: string;
  readonly valueLength: number;
  readonly token: boolean;
  readonly sensitive: boolean;
  readonly extractable: boolean;
  readonly alwaysSensitive: boolean;
  readonly neverExtractable: boolean;
  /** What the token answered when asked for CKA_VALUE: a CKR name (CKR_ATTRIBUTE_SENSITIVE) or "readable". */
  readonly valueQuery: string;
}
