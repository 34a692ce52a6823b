/**
 * The kiosk HSM as the backend sees it (DESIGN §8): an AES-256 key that never leaves the token seals
 * and unseals the kiosk's ML-DSA secret key. Locked until an official enters the HSM PIN (when polls
 * are opened or resumed after a restart). A real implementation over PKCS#11 (pkcs11-hsm.ts) and an
 * emulated one (emulated-hsm.ts) share this interface, the blob format (sealed-blob.ts) and the checks
 * below.
 */
import type { DeviceDiagnostics } from '../diagnostics';
import { err, ok, type Result } from '../../protocol/result';
import type { Pkcs11Error } from './pkcs11-errors';
import type { SecretKeyInfo } from './pkcs11-types';
import { parseSealedBlob, type SealBinding, type SealedBlob, type SealedBlobError } from './sealed-blob';

export const DEFAULT_SEALING_KEY_LABEL = 'ogas-kiosk-seal-v1';

export type HsmError =
  | { readonly kind: 'locked'; readonly message: string }
  | { readonly kind: 'pkcs11'; readonly error: Pkcs11Error; readonly message: string }
  | { readonly kind: 'no-key'; readonly keyLabel: string; readonly message: string }
  | { readonly kind: 'key-exists'; readonly keyLabel: string; readonly message: string }
  | SealedBlobError
  | { readonly kind: 'blob-binding'; readonly field: 'kioskId' | 'purpose'; readonly message: string }
  | { readonly kind: 'blob-key'; readonly keyLabel: string; readonly message: string }
  | { readonly kind: 'blob-refused'; readonly message: string };

export interface Hsm {
  /** false for the emulated HSM (demo and tests). */
  readonly real: boolean;
  readonly keyLabel: string;
  /** Logs in with the HSM PIN (the token's own verdict: CKR_PIN_INCORRECT, CKR_PIN_LOCKED ...). */
  unlock(pin: string): Promise<Result<void, HsmError>>;
  /** Logs out; seal and unseal answer `locked` until the next unlock. */
  lock(): Promise<void>;
  isUnlocked(): boolean;
  /** The sealing key's attributes, or null when it has not been created (needs unlock). */
  sealingKey(): Promise<Result<SecretKeyInfo | null, HsmError>>;
  /** Creates the AES-256 sealing key (non-extractable, sensitive, on the token); refuses if one exists. */
  createSealingKey(): Promise<Result<SecretKeyInfo, HsmError>>;
  seal(plaintext: Uint8Array, binding: SealBinding): Promise<Result<Uint8Array, HsmError>>;
  /** Refuses a blob that was changed, sealed for another kiosk or purpose, or under another key. */
  unseal(blob: Uint8Array, binding: SealBinding): Promise<Result<Uint8Array, HsmError>>;
  /** Does the token offer CKM_ML_DSA (PKCS#11 3.2)? DESIGN §8: use it where a token offers it. */
  offersMlDsa(): Promise<boolean>;
  diagnostics(): Promise<DeviceDiagnostics>;
  close(): Promise<void>;
}

export const HSM_LOCKED: HsmError = {
  kind: 'locked',
  message: 'The HSM is locked. An election official must enter the HSM PIN (when opening or resuming polls).',
};

export function hsmPkcs11Error(error: Pkcs11Error): HsmError {
  return { kind: 'pkcs11', error, message: error.message };
}

export function noSealingKey(keyLabel: string): HsmError {
  return {
    kind: 'no-key',
    keyLabel,
    message: `The HSM has no sealing key "${keyLabel}". Provision this kiosk (create the key) first.`,
  };
}

export const BLOB_REFUSED: HsmError = {
  kind: 'blob-refused',
  message:
    'The sealed key was changed, or sealed by another HSM: it was refused. Restore it from the provisioning backup, or provision the kiosk again.',
};

/** Parses a blob and checks it was sealed for this kiosk, this purpose and this HSM key. */
export function openBlob(
  bytes: Uint8Array,
  binding: SealBinding,
  keyLabel: string,
): Result<SealedBlob, HsmError> {
  const parsed = parseSealedBlob(bytes);
  if (!parsed.ok) return parsed;
  const blob = parsed.value;
  if (blob.kioskId !== binding.kioskId) {
    return err({
      kind: 'blob-binding',
      field: 'kioskId',
      message: `This sealed key belongs to kiosk ${blob.kioskId.slice(0, 16)}…, not to this kiosk (${binding.kioskId.slice(0, 16)}…).`,
    });
  }
  if (blob.purpose !== binding.purpose) {
    return err({
      kind: 'blob-binding',
      field: 'purpose',
      message: `This sealed blob holds "${blob.purpose}", not "${binding.purpose}".`,
    });
  }
  if (blob.keyLabel !== keyLabel) {
    return err({
      kind: 'blob-key',
      keyLabel: blob.keyLabel,
      message: `This blob was sealed with the HSM key "${blob.keyLabel}"; this HSM uses "${keyLabel}".`,
    });
  }
  return ok(blob);
}
