/**
 * The HSM's secret-key operations in the worker (DESIGN §8): find the sealing key by label, create it
 * (AES-256, on the token, sensitive, never extractable), report its protection, and AES-GCM through it
 * (NIST SP 800-38D; PKCS#11 3.2 §6.13.6 CKM_AES_GCM with CK_GCM_PARAMS).
 */
import type { PKCS11 } from 'pkcs11js';
import { CKA, CKK, CKM, CKO, CKR, ckrName } from './pkcs11-constants';
import { pkcs11ErrorFromThrown } from './pkcs11-errors';
import { bool, findObjects, getAttributes, guarded, Pkcs11Failure, ulong } from './pkcs11-objects';
import type { SecretKeyInfo } from './pkcs11-types';

/** pkcs11js's parameter-type tag for CK_GCM_PARAMS (pkcs11js `CK_PARAMS_AES_GCM`). */
const CK_PARAMS_AES_GCM = 3;

function findSecretKey(api: PKCS11, session: Buffer, label: string): Buffer | null {
  const found = findObjects(api, session, [
    { type: CKA.CLASS, value: CKO.SECRET_KEY },
    { type: CKA.LABEL, value: label },
  ]);
  if (found.length > 1) {
    throw new Pkcs11Failure({
      kind: 'object-not-found',
      what: `exactly one secret key labelled "${label}"`,
      message: `The HSM holds ${found.length} keys labelled "${label}"; a technician must remove the extra ones.`,
    });
  }
  return found[0] ?? null;
}

/** The attributes of the secret key `label`, or null when there is none (needs login). */
export function secretKeyInfo(api: PKCS11, session: Buffer, label: string): SecretKeyInfo | null {
  const key = findSecretKey(api, session, label);
  if (!key) return null;
  const [len, token, sensitive, extractable, alwaysSensitive, neverExtractable] = getAttributes(
    api,
    session,
    key,
    [CKA.VALUE_LEN, CKA.TOKEN, CKA.SENSITIVE, CKA.EXTRACTABLE, CKA.ALWAYS_SENSITIVE, CKA.NEVER_EXTRACTABLE],
  );
  // Ask for the value itself: a protected key must be refused with CKR_ATTRIBUTE_SENSITIVE.
  let valueQuery = 'readable';
  try {
    api.C_GetAttributeValue(session, key, [{ type: CKA.VALUE }]);
  } catch (e) {
    const error = pkcs11ErrorFromThrown(e, 'C_GetAttributeValue');
    if (!error) throw e;
    valueQuery = 'ckrName' in error ? error.ckrName : error.kind;
  }
  return {
    label,
    valueLength: Math.max(0, ulong(len)),
    token: bool(token),
    sensitive: bool(sensitive),
    extractable: bool(extractable),
    alwaysSensitive: bool(alwaysSensitive),
    neverExtractable: bool(neverExtractable),
    valueQuery,
  };
}

/** A new AES-256 key on the token: private, sensitive, not extractable, not modifiable, encrypt/decrypt only. */
export function generateAesKey(api: PKCS11, session: Buffer, label: string): SecretKeyInfo {
  if (findSecretKey(api, session, label)) {
    throw new Pkcs11Failure({
      kind: 'other',
      ckr: CKR.FUNCTION_FAILED,
      ckrName: ckrName(CKR.FUNCTION_FAILED),
      call: 'C_GenerateKey',
      message: `The HSM already holds a key labelled "${label}"; it was kept and no new key was made.`,
    });
  }
  guarded('C_GenerateKey', () =>
    api.C_GenerateKey(session, { mechanism: CKM.AES_KEY_GEN }, [
      { type: CKA.CLASS, value: CKO.SECRET_KEY },
      { type: CKA.KEY_TYPE, value: CKK.AES },
      { type: CKA.VALUE_LEN, value: 32 },
      { type: CKA.LABEL, value: label },
      { type: CKA.TOKEN, value: true },
      { type: CKA.PRIVATE, value: true },
      { type: CKA.SENSITIVE, value: true },
      { type: CKA.EXTRACTABLE, value: false },
      { type: CKA.MODIFIABLE, value: false },
      { type: CKA.ENCRYPT, value: true },
      { type: CKA.DECRYPT, value: true },
      { type: CKA.WRAP, value: false },
      { type: CKA.UNWRAP, value: false },
      { type: CKA.SIGN, value: false },
      { type: CKA.VERIFY, value: false },
      { type: CKA.DERIVE, value: false },
    ]),
  );
  return secretKeyInfo(api, session, label)!;
}

function gcm(api: PKCS11, session: Buffer, label: string, iv: Uint8Array, aad: Uint8Array) {
  const key = findSecretKey(api, session, label);
  if (!key) {
    throw new Pkcs11Failure({
      kind: 'object-not-found',
      what: `secret key "${label}"`,
      message: `The HSM has no key labelled "${label}". Provision this kiosk's HSM key first.`,
    });
  }
  const mechanism = {
    mechanism: CKM.AES_GCM,
    parameter: {
      type: CK_PARAMS_AES_GCM,
      iv: Buffer.from(iv),
      aad: Buffer.from(aad),
      ivBits: iv.length * 8,
      tagBits: 128,
    },
  };
  return { key, mechanism };
}

/** AES-GCM encryption through the token: returns ciphertext ‖ 16-byte tag. */
export function aesGcmEncrypt(
  api: PKCS11,
  session: Buffer,
  label: string,
  iv: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array {
  const { key, mechanism } = gcm(api, session, label, iv, aad);
  guarded('C_EncryptInit', () => api.C_EncryptInit(session, mechanism, key));
  const out = Buffer.alloc(plaintext.length + 16);
  return new Uint8Array(guarded('C_Encrypt', () => api.C_Encrypt(session, Buffer.from(plaintext), out)));
}

/**
 * The inverse. A failed tag check comes back from C_Decrypt as CKR_AEAD_DECRYPT_FAILED (3.x),
 * CKR_ENCRYPTED_DATA_INVALID (2.40), or CKR_GENERAL_ERROR (SoftHSM2 2.6); pkcs11-hsm.ts reads those as
 * "refused".
 */
export function aesGcmDecrypt(
  api: PKCS11,
  session: Buffer,
  label: string,
  iv: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
): Uint8Array {
  const { key, mechanism } = gcm(api, session, label, iv, aad);
  guarded('C_DecryptInit', () => api.C_DecryptInit(session, mechanism, key));
  const out = Buffer.alloc(ciphertext.length);
  return new Uint8Array(guarded('C_Decrypt', () => api.C_Decrypt(session, Buffer.from(ciphertext), out)));
}
