/**
 * The low-level PKCS#11 layer: one loaded module (any PKCS#11 library, by path), synchronous, run only
 * inside the PKCS#11 worker (pkcs11-worker.ts) so its blocking calls never stall the event loop
 * (DESIGN §2). Tokens are found by label. Expected failures are thrown as `Pkcs11Failure` and turned
 * into Result values at the worker boundary; anything else thrown is a bug. The HSM's secret-key
 * operations live in pkcs11-secret-keys.ts.
 */
import { createHash } from 'node:crypto';
import type { PKCS11 } from 'pkcs11js';
import { concatBytes, fromHex, toHex } from '../../protocol/bytes';
import { CKA, CKC_X_509, CKF, CKK, CKM, CKO, CKR, CKU_USER } from './pkcs11-constants';
import { pkcs11ErrorFromCkr, pkcs11ErrorFromThrown, tokenNotFound } from './pkcs11-errors';
import { findObjects, getAttributes, guarded, Pkcs11Failure, ulong } from './pkcs11-objects';
import { aesGcmDecrypt, aesGcmEncrypt, generateAesKey, secretKeyInfo } from './pkcs11-secret-keys';
import {
  pinFlags,
  type CardSignature,
  type ModuleSummary,
  type OpenedSession,
  type SecretKeyInfo,
  type SlotEvent,
  type TokenCertificate,
  type TokenSummary,
} from './pkcs11-types';

/** DER DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1), for cards that only offer CKM_RSA_PKCS. */
const SHA256_DIGEST_INFO = fromHex('3031300d060960864801650304020105000420');

const version = (v: { major: number; minor: number }) => `${v.major}.${v.minor}`;
const text = (s: string) => s.replace(/[\s\0]+$/, '');

function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

interface OpenSession {
  readonly handle: Buffer;
  readonly label: string;
  loggedIn: boolean;
}

export class Pkcs11Module {
  private readonly sessions = new Map<number, OpenSession>();
  private nextSession = 1;
  private finalized = false;

  private constructor(
    private readonly api: PKCS11,
    private readonly summary: ModuleSummary,
  ) {}

  /**
   * Calls C_Initialize on a loaded module (`api`: a pkcs11js.PKCS11, or a fault-injecting wrapper around
   * one). CKR_CRYPTOKI_ALREADY_INITIALIZED means another part of this process initialised it: we use it
   * and leave finalising to that owner (PKCS#11 3.2 §5.4).
   */
  static open(api: PKCS11, modulePath: string): Pkcs11Module {
    let initializedByUs = true;
    try {
      api.C_Initialize();
    } catch (e) {
      const error = pkcs11ErrorFromThrown(e, 'C_Initialize');
      if (error?.kind !== 'cryptoki-already-initialized') {
        if (error) throw new Pkcs11Failure(error);
        throw e;
      }
      initializedByUs = false;
    }
    const info = guarded('C_GetInfo', () => api.C_GetInfo());
    return new Pkcs11Module(api, {
      modulePath,
      manufacturer: text(info.manufacturerID),
      libraryDescription: text(info.libraryDescription),
      libraryVersion: version(info.libraryVersion),
      cryptokiVersion: version(info.cryptokiVersion),
      initializedByUs,
    });
  }

  info(): ModuleSummary {
    return this.summary;
  }

  /** Every slot with a token present, with its token's description and PIN flags. */
  tokens(): TokenSummary[] {
    const out: TokenSummary[] = [];
    for (const slot of guarded('C_GetSlotList', () => this.api.C_GetSlotList(true))) {
      try {
        out.push(this.describe(slot));
      } catch (e) {
        // A card pulled out between C_GetSlotList and C_GetTokenInfo is simply not there any more.
        if (e instanceof Pkcs11Failure && e.error.kind === 'token-not-present') continue;
        throw e;
      }
    }
    return out;
  }

  private describe(slot: Buffer): TokenSummary {
    const t = guarded('C_GetTokenInfo', () => this.api.C_GetTokenInfo(slot));
    const s = guarded('C_GetSlotInfo', () => this.api.C_GetSlotInfo(slot));
    return {
      slotId: toHex(slot),
      label: text(t.label),
      manufacturer: text(t.manufacturerID),
      model: text(t.model),
      serialNumber: text(t.serialNumber),
      flags: t.flags,
      initialized: (t.flags & CKF.TOKEN_INITIALIZED) !== 0,
      pin: pinFlags(t.flags),
      firmwareVersion: version(t.firmwareVersion),
      hardwareVersion: version(t.hardwareVersion),
      minPinLength: t.minPinLen,
      maxPinLength: t.maxPinLen,
      slotDescription: text(s.slotDescription),
    };
  }

  /**
   * C_WaitForSlotEvent with CKF_DONT_BLOCK (never blocking: the worker serves other calls). Modules
   * that do not implement it answer CKR_FUNCTION_NOT_SUPPORTED; SoftHSM2 always answers "no event".
   */
  slotEvent(): SlotEvent {
    try {
      const slot = this.api.C_WaitForSlotEvent(CKF.DONT_BLOCK);
      return { supported: true, slotId: slot ? toHex(slot) : null };
    } catch (e) {
      const error = pkcs11ErrorFromThrown(e, 'C_WaitForSlotEvent');
      if (error && 'ckr' in error && error.ckr === CKR.NO_EVENT) return { supported: true, slotId: null };
      if (error?.kind === 'function-not-supported') return { supported: false, slotId: null };
      if (error) throw new Pkcs11Failure(error);
      throw e;
    }
  }

  private slotFor(label: string): Buffer {
    for (const slot of guarded('C_GetSlotList', () => this.api.C_GetSlotList(true))) {
      let tokenLabel: string;
      try {
        tokenLabel = text(guarded('C_GetTokenInfo', () => this.api.C_GetTokenInfo(slot)).label);
      } catch (e) {
        if (e instanceof Pkcs11Failure && e.error.kind === 'token-not-present') continue;
        throw e;
      }
      if (tokenLabel === label) return slot;
    }
    throw new Pkcs11Failure(tokenNotFound(label));
  }

  mechanisms(label: string): number[] {
    const slot = this.slotFor(label);
    return guarded('C_GetMechanismList', () => this.api.C_GetMechanismList(slot));
  }

  openSession(label: string, readWrite: boolean): OpenedSession {
    const slot = this.slotFor(label);
    const flags = CKF.SERIAL_SESSION | (readWrite ? CKF.RW_SESSION : 0);
    const handle = guarded('C_OpenSession', () => this.api.C_OpenSession(slot, flags));
    const id = this.nextSession++;
    this.sessions.set(id, { handle, label, loggedIn: false });
    return { session: id, token: this.describe(slot) };
  }

  private session(id: number): OpenSession {
    const s = this.sessions.get(id);
    if (!s) {
      throw new Pkcs11Failure(pkcs11ErrorFromCkr(CKR.SESSION_HANDLE_INVALID, 'session lookup'));
    }
    return s;
  }

  /**
   * Logs out (if logged in) and closes. A session whose card is gone is already closed by the module;
   * either way it is forgotten here, so nothing half-done remains (issue 4).
   */
  closeSession(id: number): void {
    const s = this.sessions.get(id);
    if (!s) return;
    this.sessions.delete(id);
    try {
      if (s.loggedIn) this.api.C_Logout(s.handle);
    } catch {
      // The card may be gone; closing the session below (or its absence) ends the login anyway.
    }
    try {
      this.api.C_CloseSession(s.handle);
    } catch (e) {
      const error = pkcs11ErrorFromThrown(e, 'C_CloseSession');
      if (!error) throw e;
      // Already closed by a removal: the session is gone, which is what was asked.
    }
  }

  /**
   * C_Login as the user. CKR_USER_ALREADY_LOGGED_IN (a login left by an earlier session of this
   * process) is not taken as success: we log out and check the PIN again, so a PIN is always verified.
   */
  login(id: number, pin: string): void {
    const s = this.session(id);
    try {
      this.api.C_Login(s.handle, CKU_USER, pin);
    } catch (e) {
      const error = pkcs11ErrorFromThrown(e, 'C_Login');
      if (error?.kind !== 'user-already-logged-in') {
        if (error) throw new Pkcs11Failure(error);
        throw e;
      }
      guarded('C_Logout', () => this.api.C_Logout(s.handle));
      guarded('C_Login', () => this.api.C_Login(s.handle, CKU_USER, pin));
    }
    s.loggedIn = true;
  }

  logout(id: number): void {
    const s = this.session(id);
    guarded('C_Logout', () => this.api.C_Logout(s.handle));
    s.loggedIn = false;
  }

  /** The X.509 certificate objects on the token (public objects: readable before login). */
  certificates(id: number): TokenCertificate[] {
    const s = this.session(id);
    const objects = findObjects(this.api, s.handle, [
      { type: CKA.CLASS, value: CKO.CERTIFICATE },
      { type: CKA.CERTIFICATE_TYPE, value: CKC_X_509 },
    ]);
    return objects.map((o) => {
      const [value, keyId, label] = getAttributes(this.api, s.handle, o, [CKA.VALUE, CKA.ID, CKA.LABEL]);
      return { id: toHex(keyId!), label: label!.toString('utf8'), der: new Uint8Array(value!) };
    });
  }

  /**
   * Signs SHA-256(message) with the private key whose CKA_ID is `keyId` (after login):
   * EC keys with CKM_ECDSA over the hash (the result is r‖s, IEEE P1363); RSA keys with
   * CKM_SHA256_RSA_PKCS, or CKM_RSA_PKCS over the DigestInfo where the card only offers that
   * (PKCS#1 v1.5, RFC 8017 §8.2), as many PIV cards through OpenSC do.
   */
  sign(id: number, keyId: string, message: Uint8Array): CardSignature {
    const s = this.session(id);
    const keys = findObjects(this.api, s.handle, [
      { type: CKA.CLASS, value: CKO.PRIVATE_KEY },
      { type: CKA.ID, value: Buffer.from(fromHex(keyId)) },
    ]);
    const key = keys[0];
    if (!key) {
      throw new Pkcs11Failure({
        kind: 'object-not-found',
        what: `private key with id ${keyId}`,
        message: 'This card has no private key for its certificate. Use another card.',
      });
    }
    const keyType = ulong(getAttributes(this.api, s.handle, key, [CKA.KEY_TYPE])[0]);
    const out = Buffer.alloc(1024);
    if (keyType === CKK.EC) {
      guarded('C_SignInit', () => this.api.C_SignInit(s.handle, { mechanism: CKM.ECDSA }, key));
      const sig = guarded('C_Sign', () => this.api.C_Sign(s.handle, sha256(message), out));
      return { signature: new Uint8Array(sig), keyType: 'ec', mechanism: CKM.ECDSA };
    }
    if (keyType === CKK.RSA) {
      const offered = this.mechanisms(s.label);
      if (offered.includes(CKM.SHA256_RSA_PKCS)) {
        guarded('C_SignInit', () => this.api.C_SignInit(s.handle, { mechanism: CKM.SHA256_RSA_PKCS }, key));
        const sig = guarded('C_Sign', () => this.api.C_Sign(s.handle, Buffer.from(message), out));
        return { signature: new Uint8Array(sig), keyType: 'rsa', mechanism: CKM.SHA256_RSA_PKCS };
      }
      const digestInfo = Buffer.from(concatBytes(SHA256_DIGEST_INFO, sha256(message)));
      guarded('C_SignInit', () => this.api.C_SignInit(s.handle, { mechanism: CKM.RSA_PKCS }, key));
      const sig = guarded('C_Sign', () => this.api.C_Sign(s.handle, digestInfo, out));
      return { signature: new Uint8Array(sig), keyType: 'rsa', mechanism: CKM.RSA_PKCS };
    }
    throw new Pkcs11Failure({
      kind: 'object-not-found',
      what: `EC or RSA private key with id ${keyId} (key type ${keyType})`,
      message:
        'The key on this card is of a kind the kiosk does not use (EC P-256 or RSA). Use another card.',
    });
  }

  secretKeyInfo(id: number, label: string): SecretKeyInfo | null {
    return secretKeyInfo(this.api, this.session(id).handle, label);
  }

  generateAesKey(id: number, label: string): SecretKeyInfo {
    return generateAesKey(this.api, this.session(id).handle, label);
  }

  aesGcmEncrypt(
    id: number,
    label: string,
    iv: Uint8Array,
    aad: Uint8Array,
    plaintext: Uint8Array,
  ): Uint8Array {
    return aesGcmEncrypt(this.api, this.session(id).handle, label, iv, aad, plaintext);
  }

  aesGcmDecrypt(
    id: number,
    label: string,
    iv: Uint8Array,
    aad: Uint8Array,
    ciphertext: Uint8Array,
  ): Uint8Array {
    return aesGcmDecrypt(this.api, this.session(id).handle, label, iv, aad, ciphertext);
  }

  /** Closes every session and, if we initialised the module, calls C_Finalize. */
  finalize(): void {
    if (this.finalized) return;
    this.finalized = true;
    for (const id of [...this.sessions.keys()]) this.closeSession(id);
    if (this.summary.initializedByUs) {
      try {
        this.api.C_Finalize();
      } catch (e) {
        if (!pkcs11ErrorFromThrown(e, 'C_Finalize')) throw e;
      }
    }
  }

  openSessionCount(): number {
    return this.sessions.size;
  }
}
