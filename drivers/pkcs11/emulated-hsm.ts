/**
 * An emulated kiosk HSM for the demo and tests of the kiosk backend: the same interface, blob format
 * and refusals as the PKCS#11 one, with the AES-256 key held in this process's memory (node:crypto
 * AES-256-GCM) or, for a demo that keeps its state across restarts, in a key file
 * (emulated-hsm-key-file.ts; `EmulatedHsm.withKeyFile`). It protects nothing and says so in its
 * diagnostics.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DeviceDiagnostics } from '../diagnostics';
import { ErrorCounter, LatencyRecorder } from '../diagnostics';
import { concatBytes } from '../../protocol/bytes';
import { err, ok, type Result } from '../../protocol/result';
import {
  BLOB_REFUSED,
  DEFAULT_SEALING_KEY_LABEL,
  HSM_LOCKED,
  hsmPkcs11Error,
  noSealingKey,
  openBlob,
  type Hsm,
  type HsmError,
} from './hsm';
import { CKR } from './pkcs11-constants';
import { pkcs11ErrorFromCkr } from './pkcs11-errors';
import type { SecretKeyInfo } from './pkcs11-types';
import { createEmulatedHsmKey, readEmulatedHsmKey } from './emulated-hsm-key-file';
import {
  bindingProblem,
  encodeSealedBlob,
  encodeSealedHeader,
  SEAL_IV_BYTES,
  SEAL_TAG_BYTES,
  type SealBinding,
} from './sealed-blob';

export interface EmulatedHsmOptions {
  /** The PIN `unlock` accepts. */
  readonly pin: string;
  readonly keyLabel?: string;
  /** Start with a sealing key already made (a provisioned kiosk in the demo). */
  readonly withKey?: boolean;
  readonly id?: string;
}

export class EmulatedHsm implements Hsm {
  readonly real = false;
  readonly keyLabel: string;
  private key: Buffer | null;
  /** Where the key is kept across restarts, or null when it lives in memory only. */
  private keyFile: string | null = null;
  private unlocked = false;
  private readonly latency = new LatencyRecorder();
  private readonly errors = new ErrorCounter();

  constructor(private readonly options: EmulatedHsmOptions) {
    this.keyLabel = options.keyLabel ?? DEFAULT_SEALING_KEY_LABEL;
    this.key = options.withKey ? randomBytes(32) : null;
  }

  /**
   * An emulated HSM whose sealing key is kept in `keyFile` (written with mode 0600 when the key is
   * created, read back here), so a demo kiosk can unseal its kiosk key after a restart. Refused when the
   * file exists but is not a key file for this HSM's key label.
   */
  static withKeyFile(
    options: Omit<EmulatedHsmOptions, 'withKey'>,
    keyFile: string,
  ): Result<EmulatedHsm, string> {
    const hsm = new EmulatedHsm(options);
    const key = readEmulatedHsmKey(keyFile, hsm.keyLabel);
    if (!key.ok) return key;
    hsm.key = key.value;
    hsm.keyFile = keyFile;
    return ok(hsm);
  }

  /** Whether the sealing key exists (no PIN needed: for the demo's own start-up checks). */
  hasSealingKey(): boolean {
    return this.key !== null;
  }

  isUnlocked(): boolean {
    return this.unlocked;
  }

  private fail<T>(error: HsmError): Promise<Result<T, HsmError>> {
    this.errors.add(error.kind === 'pkcs11' && 'ckrName' in error.error ? error.error.ckrName : error.kind);
    return Promise.resolve(err(error));
  }

  unlock(pin: string): Promise<Result<void, HsmError>> {
    this.unlocked = false;
    if (pin !== this.options.pin)
      return this.fail(hsmPkcs11Error(pkcs11ErrorFromCkr(CKR.PIN_INCORRECT, 'C_Login')));
    this.unlocked = true;
    return Promise.resolve(ok(undefined));
  }

  lock(): Promise<void> {
    this.unlocked = false;
    return Promise.resolve();
  }

  private info(): SecretKeyInfo {
    return {
      label: this.keyLabel,
      valueLength: 32,
      token: true,
      sensitive: true,
      extractable: false,
      alwaysSensitive: true,
      neverExtractable: true,
      valueQuery: 'CKR_ATTRIBUTE_SENSITIVE',
    };
  }

  sealingKey(): Promise<Result<SecretKeyInfo | null, HsmError>> {
    if (!this.unlocked) return this.fail(HSM_LOCKED);
    return Promise.resolve(ok(this.key ? this.info() : null));
  }

  createSealingKey(): Promise<Result<SecretKeyInfo, HsmError>> {
    if (!this.unlocked) return this.fail(HSM_LOCKED);
    if (this.key) {
      return this.fail({
        kind: 'key-exists',
        keyLabel: this.keyLabel,
        message: `The HSM already holds the sealing key "${this.keyLabel}"; it was kept.`,
      });
    }
    if (this.keyFile === null) {
      this.key = randomBytes(32);
      return Promise.resolve(ok(this.info()));
    }
    const created = createEmulatedHsmKey(this.keyFile, this.keyLabel);
    if (!created.ok) {
      return this.fail({
        kind: 'pkcs11',
        error: pkcs11ErrorFromCkr(CKR.DEVICE_ERROR, 'C_GenerateKey'),
        message: created.error,
      });
    }
    this.key = created.value;
    return Promise.resolve(ok(this.info()));
  }

  seal(plaintext: Uint8Array, binding: SealBinding): Promise<Result<Uint8Array, HsmError>> {
    const problem = bindingProblem(binding, this.keyLabel);
    if (problem) throw new RangeError(problem);
    if (!this.unlocked) return this.fail(HSM_LOCKED);
    if (!this.key) return this.fail(noSealingKey(this.keyLabel));
    const started = performance.now();
    const header = { ...binding, keyLabel: this.keyLabel, iv: new Uint8Array(randomBytes(SEAL_IV_BYTES)) };
    const cipher = createCipheriv('aes-256-gcm', this.key, header.iv, { authTagLength: SEAL_TAG_BYTES });
    cipher.setAAD(encodeSealedHeader(header));
    const ciphertext = concatBytes(cipher.update(plaintext), cipher.final(), cipher.getAuthTag());
    this.latency.record(performance.now() - started);
    return Promise.resolve(ok(encodeSealedBlob(header, ciphertext)));
  }

  unseal(bytes: Uint8Array, binding: SealBinding): Promise<Result<Uint8Array, HsmError>> {
    const blob = openBlob(bytes, binding, this.keyLabel);
    if (!blob.ok) return this.fail(blob.error);
    if (!this.unlocked) return this.fail(HSM_LOCKED);
    if (!this.key) return this.fail(noSealingKey(this.keyLabel));
    const { iv, aad, ciphertext } = blob.value;
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: SEAL_TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - SEAL_TAG_BYTES));
    try {
      const body = ciphertext.subarray(0, ciphertext.length - SEAL_TAG_BYTES);
      return Promise.resolve(ok(new Uint8Array(concatBytes(decipher.update(body), decipher.final()))));
    } catch {
      return this.fail(BLOB_REFUSED);
    }
  }

  offersMlDsa(): Promise<boolean> {
    return Promise.resolve(false);
  }

  close(): Promise<void> {
    return this.lock();
  }

  diagnostics(): Promise<DeviceDiagnostics> {
    const where = this.keyFile === null ? 'in process memory' : `in the file ${this.keyFile}`;
    return Promise.resolve({
      kind: 'hsm',
      id: this.options.id ?? 'hsm-emulated',
      real: false,
      present: true,
      identity: {
        description: `Emulated HSM (AES-256-GCM key ${where}; demo and tests only)`,
        tokenLabel: 'emulated',
        manufacturer: 'OGAS',
        model: 'emulated',
      },
      selfTest: [
        {
          name: 'sealing-key',
          passed: this.key !== null,
          detail: this.key ? `AES-256 key present, ${where}` : noSealingKey(this.keyLabel).message,
          durationMs: 0,
        },
      ],
      latency: this.latency.stats(),
      errorCounts: this.errors.snapshot(),
      advice: [
        `This HSM is emulated: its key lives ${where} and protects nothing. Never use it in an election.`,
      ],
      checkedAt: new Date().toISOString(),
    });
  }
}
