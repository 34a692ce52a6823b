/**
 * The PKCS#11 numbers this driver uses, copied from the OASIS headers (PKCS#11 3.2 `pkcs11t.h`), so the
 * main thread can name them without loading the native module (DESIGN §2: only the PKCS#11 worker loads
 * pkcs11js). pkcs11js 2.1 speaks PKCS#11 2.40 and has no name for the 3.x codes (CKR_AEAD_DECRYPT_FAILED,
 * CKM_ML_DSA), which is one more reason to keep our own table.
 */

/** Return values (pkcs11t.h "CKR_*"). DESIGN §8 lists the ones that map to typed errors. */
export const CKR = {
  OK: 0x00,
  HOST_MEMORY: 0x02,
  SLOT_ID_INVALID: 0x03,
  GENERAL_ERROR: 0x05,
  FUNCTION_FAILED: 0x06,
  ARGUMENTS_BAD: 0x07,
  NO_EVENT: 0x08,
  ATTRIBUTE_SENSITIVE: 0x11,
  DATA_INVALID: 0x20,
  DATA_LEN_RANGE: 0x21,
  DEVICE_ERROR: 0x30,
  DEVICE_MEMORY: 0x31,
  DEVICE_REMOVED: 0x32,
  /** PKCS#11 3.0: AEAD tag check failed. */
  AEAD_DECRYPT_FAILED: 0x35,
  ENCRYPTED_DATA_INVALID: 0x40,
  ENCRYPTED_DATA_LEN_RANGE: 0x41,
  FUNCTION_NOT_SUPPORTED: 0x54,
  KEY_HANDLE_INVALID: 0x60,
  MECHANISM_INVALID: 0x70,
  OBJECT_HANDLE_INVALID: 0x82,
  OPERATION_ACTIVE: 0x90,
  PIN_INCORRECT: 0xa0,
  PIN_LEN_RANGE: 0xa2,
  PIN_EXPIRED: 0xa3,
  PIN_LOCKED: 0xa4,
  SESSION_CLOSED: 0xb0,
  SESSION_HANDLE_INVALID: 0xb3,
  SESSION_READ_ONLY: 0xb5,
  SIGNATURE_INVALID: 0xc0,
  TOKEN_NOT_PRESENT: 0xe0,
  TOKEN_NOT_RECOGNIZED: 0xe1,
  TOKEN_WRITE_PROTECTED: 0xe2,
  USER_ALREADY_LOGGED_IN: 0x100,
  USER_NOT_LOGGED_IN: 0x101,
  USER_PIN_NOT_INITIALIZED: 0x102,
  USER_TYPE_INVALID: 0x103,
  CRYPTOKI_NOT_INITIALIZED: 0x190,
  CRYPTOKI_ALREADY_INITIALIZED: 0x191,
} as const;

const CKR_NAMES = new Map<number, string>(Object.entries(CKR).map(([name, code]) => [code, `CKR_${name}`]));

/** "CKR_PIN_INCORRECT" for 0xA0; "CKR_0x000001F3" for a code outside our table (vendor codes included). */
export function ckrName(code: number): string {
  return CKR_NAMES.get(code) ?? `CKR_0x${code.toString(16).toUpperCase().padStart(8, '0')}`;
}

/** Token and slot flags (CK_TOKEN_INFO.flags, CK_SLOT_INFO.flags). */
export const CKF = {
  TOKEN_PRESENT: 0x1,
  REMOVABLE_DEVICE: 0x2,
  HW_SLOT: 0x4,
  RNG: 0x1,
  LOGIN_REQUIRED: 0x4,
  USER_PIN_INITIALIZED: 0x8,
  PROTECTED_AUTHENTICATION_PATH: 0x100,
  TOKEN_INITIALIZED: 0x400,
  USER_PIN_COUNT_LOW: 0x10000,
  USER_PIN_FINAL_TRY: 0x20000,
  USER_PIN_LOCKED: 0x40000,
  USER_PIN_TO_BE_CHANGED: 0x80000,
  /** Session flags. */
  RW_SESSION: 0x2,
  SERIAL_SESSION: 0x4,
  /** C_WaitForSlotEvent flag. */
  DONT_BLOCK: 0x1,
} as const;

export const CKU_USER = 1;

export const CKO = { CERTIFICATE: 1, PUBLIC_KEY: 2, PRIVATE_KEY: 3, SECRET_KEY: 4 } as const;

export const CKK = { RSA: 0x0, EC: 0x3, AES: 0x1f, ML_DSA: 0x4a } as const;

export const CKC_X_509 = 0;

export const CKA = {
  CLASS: 0x0,
  TOKEN: 0x1,
  PRIVATE: 0x2,
  LABEL: 0x3,
  VALUE: 0x11,
  CERTIFICATE_TYPE: 0x80,
  KEY_TYPE: 0x100,
  ID: 0x102,
  SENSITIVE: 0x103,
  ENCRYPT: 0x104,
  DECRYPT: 0x105,
  WRAP: 0x106,
  UNWRAP: 0x107,
  SIGN: 0x108,
  VERIFY: 0x10a,
  DERIVE: 0x10c,
  VALUE_LEN: 0x161,
  EXTRACTABLE: 0x162,
  NEVER_EXTRACTABLE: 0x164,
  ALWAYS_SENSITIVE: 0x165,
  MODIFIABLE: 0x170,
} as const;

export const CKM = {
  RSA_PKCS: 0x1,
  SHA256_RSA_PKCS: 0x40,
  /** PKCS#11 3.2 (pkcs11t.h): ML-DSA signatures, offered by a few HSMs, by no smartcard yet (DESIGN §8). */
  ML_DSA_KEY_PAIR_GEN: 0x1c,
  ML_DSA: 0x1d,
  SHA256: 0x250,
  ECDSA: 0x1041,
  ECDSA_SHA256: 0x1044,
  AES_KEY_GEN: 0x1080,
  AES_GCM: 0x1087,
} as const;
