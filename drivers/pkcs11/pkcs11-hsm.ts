/**
 * The kiosk HSM over PKCS#11 (DESIGN §8): a token found by label holds an AES-256 key (CKA_TOKEN,
 * CKA_SENSITIVE, not CKA_EXTRACTABLE, labelled) that seals the kiosk's ML-DSA secret key with CKM_AES_GCM
 * (fresh 96-bit IV, 128-bit tag, the blob header as AAD). SoftHSM2 in tests; a real HSM or a token like
 * a Nitrokey HSM on a kiosk.
 */
import { randomBytes } from 'node:crypto';
import type { DeviceDiagnostics, SelfTestResult } from '../diagnostics';
import { bytesEqual } from '../../protocol/bytes';
import { err, ok, type Result } from '../../protocol/result';
import { DeviceCalls } from './device-calls';
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
import { CKM, CKR } from './pkcs11-constants';
import { isCardGone, type Pkcs11Error } from './pkcs11-errors';
import type { Pkcs11Host } from './pkcs11-host';
import type { SecretKeyInfo } from './pkcs11-types';
import {
  bindingProblem,
  encodeSealedBlob,
  encodeSealedHeader,
  SEAL_IV_BYTES,
  type SealBinding,
} from './sealed-blob';

export interface Pkcs11HsmOptions {
  /** CKA_LABEL of the token (never a slot number). */
  readonly tokenLabel: string;
  readonly keyLabel?: string;
  /** Diagnostics id. */
  readonly id?: string;
}

/** What a decrypt failure on a well-formed blob means: the tag did not verify (SoftHSM2 2.6 says GENERAL_ERROR). */
function isTagFailure(error: Pkcs11Error): boolean {
  if (error.kind === 'decrypt-failed') return true;
  return (
    'ckr' in error &&
    error.call === 'C_Decrypt' &&
    (error.ckr === CKR.GENERAL_ERROR || error.ckr === CKR.FUNCTION_FAILED || error.ckr === CKR.DATA_INVALID)
  );
}

export class Pkcs11Hsm implements Hsm {
  readonly real = true;
  readonly keyLabel: string;
  private readonly calls: DeviceCalls;
  private session: number | null = null;

  constructor(
    host: Pkcs11Host,
    private readonly options: Pkcs11HsmOptions,
  ) {
    this.calls = new DeviceCalls(host);
    this.keyLabel = options.keyLabel ?? DEFAULT_SEALING_KEY_LABEL;
  }

  isUnlocked(): boolean {
    return this.session !== null;
  }

  /** A PKCS#11 failure; an HSM that was unplugged is locked again (its session is gone). */
  private failed<T>(error: Pkcs11Error): Result<T, HsmError> {
    if (isCardGone(error)) this.session = null;
    return err(hsmPkcs11Error(error));
  }

  async unlock(pin: string): Promise<Result<void, HsmError>> {
    await this.lock();
    const opened = await this.calls.call('openSession', { label: this.options.tokenLabel, readWrite: true });
    if (!opened.ok) return this.failed(opened.error);
    const login = await this.calls.call('login', { session: opened.value.session, pin });
    if (!login.ok) {
      await this.calls.call('closeSession', { session: opened.value.session });
      return this.failed(login.error);
    }
    this.session = opened.value.session;
    return ok(undefined);
  }

  async lock(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (session !== null) await this.calls.call('closeSession', { session });
  }

  async sealingKey(): Promise<Result<SecretKeyInfo | null, HsmError>> {
    if (this.session === null) return err(HSM_LOCKED);
    const r = await this.calls.call('secretKeyInfo', { session: this.session, label: this.keyLabel });
    return r.ok ? r : this.failed(r.error);
  }

  async createSealingKey(): Promise<Result<SecretKeyInfo, HsmError>> {
    const existing = await this.sealingKey();
    if (!existing.ok) return existing;
    if (existing.value) {
      return err({
        kind: 'key-exists',
        keyLabel: this.keyLabel,
        message: `The HSM already holds the sealing key "${this.keyLabel}"; it was kept (a new key would orphan the sealed kiosk key).`,
      });
    }
    const r = await this.calls.call('generateAesKey', { session: this.session!, label: this.keyLabel });
    return r.ok ? r : this.failed(r.error);
  }

  async seal(plaintext: Uint8Array, binding: SealBinding): Promise<Result<Uint8Array, HsmError>> {
    const problem = bindingProblem(binding, this.keyLabel);
    if (problem) throw new RangeError(problem);
    if (this.session === null) return err(HSM_LOCKED);
    const header = { ...binding, keyLabel: this.keyLabel, iv: new Uint8Array(randomBytes(SEAL_IV_BYTES)) };
    const aad = encodeSealedHeader(header);
    const r = await this.calls.call('aesGcmEncrypt', {
      session: this.session,
      label: this.keyLabel,
      iv: header.iv,
      aad,
      plaintext,
    });
    if (!r.ok)
      return r.error.kind === 'object-not-found' ? err(noSealingKey(this.keyLabel)) : this.failed(r.error);
    return ok(encodeSealedBlob(header, r.value));
  }

  async unseal(bytes: Uint8Array, binding: SealBinding): Promise<Result<Uint8Array, HsmError>> {
    const blob = openBlob(bytes, binding, this.keyLabel);
    if (!blob.ok) return blob;
    if (this.session === null) return err(HSM_LOCKED);
    const r = await this.calls.call('aesGcmDecrypt', {
      session: this.session,
      label: this.keyLabel,
      iv: blob.value.iv,
      aad: blob.value.aad,
      ciphertext: blob.value.ciphertext,
    });
    if (r.ok) return r;
    if (r.error.kind === 'object-not-found') return err(noSealingKey(this.keyLabel));
    return isTagFailure(r.error) ? err(BLOB_REFUSED) : this.failed(r.error);
  }

  async offersMlDsa(): Promise<boolean> {
    const r = await this.calls.call('mechanisms', { label: this.options.tokenLabel });
    return r.ok && r.value.includes(CKM.ML_DSA);
  }

  async close(): Promise<void> {
    await this.lock();
  }

  /** Seal, unseal and tamper round trip with a throwaway value (needs unlock and the sealing key). */
  private async roundTrip(): Promise<SelfTestResult> {
    const started = performance.now();
    const binding = { kioskId: '00'.repeat(32), purpose: 'hsm-self-test' };
    const secret = new Uint8Array(randomBytes(32));
    const sealed = await this.seal(secret, binding);
    const done = (passed: boolean, detail: string) => ({
      name: 'seal-unseal',
      passed,
      detail,
      durationMs: performance.now() - started,
    });
    if (!sealed.ok) return done(false, sealed.error.message);
    const opened = await this.unseal(sealed.value, binding);
    if (!opened.ok || !bytesEqual(opened.value, secret)) {
      return done(
        false,
        `unsealing a fresh blob failed: ${opened.ok ? 'different bytes' : opened.error.message}`,
      );
    }
    const tampered = sealed.value.slice();
    tampered[tampered.length - 1]! ^= 0x01;
    const refused = await this.unseal(tampered, binding);
    if (refused.ok || refused.error.kind !== 'blob-refused') {
      return done(false, 'a changed blob was not refused: the HSM does not check the GCM tag');
    }
    return done(true, 'AES-256-GCM seal and unseal round trip through the HSM; a changed blob is refused');
  }

  private keyCheck(key: SecretKeyInfo | null): SelfTestResult {
    if (!key)
      return {
        name: 'sealing-key',
        passed: false,
        detail: noSealingKey(this.keyLabel).message,
        durationMs: 0,
      };
    const good =
      key.valueLength === 32 &&
      key.token &&
      key.sensitive &&
      !key.extractable &&
      key.valueQuery === 'CKR_ATTRIBUTE_SENSITIVE';
    return {
      name: 'sealing-key',
      passed: good,
      detail: good
        ? `AES-256 key "${key.label}" on the token: sensitive, not extractable, its value refused (${key.valueQuery})`
        : `key "${key.label}" is not protected as required (length ${key.valueLength}, sensitive ${key.sensitive}, extractable ${key.extractable}, value ${key.valueQuery}); provision a new HSM key`,
      durationMs: 0,
    };
  }

  async diagnostics(): Promise<DeviceDiagnostics> {
    const host = this.calls.host;
    const selfTest: SelfTestResult[] = [];
    const advice: string[] = [];
    const info = await host.info();
    const tokens = info.ok ? await this.calls.call('tokens', {}) : info;
    const token = tokens.ok ? tokens.value.find((t) => t.label === this.options.tokenLabel) : undefined;
    selfTest.push({
      name: 'token',
      passed: token !== undefined,
      detail: token
        ? `token "${token.label}" present`
        : tokens.ok
          ? `no token labelled "${this.options.tokenLabel}"`
          : tokens.error.message,
      durationMs: 0,
    });
    if (token) {
      const mechanisms = await this.calls.call('mechanisms', { label: token.label });
      const offered = mechanisms.ok ? mechanisms.value : [];
      selfTest.push({
        name: 'mechanisms',
        passed: offered.includes(CKM.AES_GCM) && offered.includes(CKM.AES_KEY_GEN),
        detail:
          (offered.includes(CKM.AES_GCM)
            ? 'CKM_AES_GCM offered'
            : 'CKM_AES_GCM missing: this token cannot seal') +
          (offered.includes(CKM.ML_DSA)
            ? '; CKM_ML_DSA offered (PKCS#11 3.2): the kiosk key could live on the token'
            : '; CKM_ML_DSA not offered: the kiosk ML-DSA key is sealed by AES-GCM instead'),
        durationMs: 0,
      });
      if (this.session === null) {
        selfTest.push({ name: 'unlocked', passed: false, detail: HSM_LOCKED.message, durationMs: 0 });
        advice.push('Unlock the HSM (an official enters its PIN) to run the seal and key checks.');
      } else {
        const key = await this.sealingKey();
        selfTest.push(
          key.ok
            ? this.keyCheck(key.value)
            : { name: 'sealing-key', passed: false, detail: key.error.message, durationMs: 0 },
        );
        if (key.ok && key.value) selfTest.push(await this.roundTrip());
      }
      if (token.pin.locked) advice.push('The HSM PIN is locked: the HSM security officer must reset it.');
    } else {
      advice.push(
        `Connect the HSM token "${this.options.tokenLabel}" (or check its label) and its PKCS#11 library.`,
      );
    }
    return {
      kind: 'hsm',
      id: this.options.id ?? 'hsm',
      real: true,
      present: token !== undefined,
      identity:
        info.ok && token
          ? {
              description: `HSM token "${token.label}" through ${info.value.libraryDescription} (${info.value.manufacturer})`,
              tokenLabel: token.label,
              serialNumber: token.serialNumber,
              manufacturer: token.manufacturer,
              model: token.model,
              firmwareVersion: token.firmwareVersion,
              libraryVersion: `${info.value.libraryVersion} (Cryptoki ${info.value.cryptokiVersion})`,
              path: host.modulePath,
            }
          : null,
      selfTest,
      latency: this.calls.latency.stats(),
      errorCounts: this.calls.errors.snapshot(),
      advice,
      checkedAt: new Date().toISOString(),
    };
  }
}
