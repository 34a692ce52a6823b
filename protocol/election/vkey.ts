/**
 * Structural check of a C2SP signed-note verifier key as DESIGN §6 uses them for ML-DSA-44 (type
 * 0x06): `name+hex(keyID)+base64(0x06 ‖ 1312-byte key)`, keyID = SHA-256(name ‖ "\n" ‖ 0x06 ‖ key)[:4].
 * The package schema needs only this much to refuse a mistyped key; protocol/checkpoint does the
 * signing and verifying with it.
 */
import { bytesEqual, fromBase64, fromHex, isBase64, toBase64, toHex, utf8 } from '../bytes';
import { sha256 } from '../hash';
import { ML_DSA_SIZES } from '../ml-dsa';
import { err, ok, type Result } from '../result';

export const VKEY_TYPE_ML_DSA_44 = 0x06;

export interface ParsedVkey {
  readonly name: string;
  readonly keyId: Uint8Array;
  /** The raw ML-DSA-44 public key (1312 bytes), without the type byte. */
  readonly publicKey: Uint8Array;
}

export function vkeyKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  return sha256(utf8(name), new Uint8Array([0x0a, VKEY_TYPE_ML_DSA_44]), publicKey).slice(0, 4);
}

export function parseVkeyStructure(vkey: string): Result<ParsedVkey, string> {
  const parts = vkey.split('+');
  // The base64 part may itself contain '+': name and key id are the first two fields.
  const [name, keyIdHex] = parts;
  const b64 = parts.slice(2).join('+');
  if (name === undefined || name === '' || keyIdHex === undefined || !/^[0-9a-f]{8}$/.test(keyIdHex)) {
    return err('is not name+keyid+key');
  }
  if (!isBase64(b64)) return err('key part is not standard base64');
  const body = fromBase64(b64);
  if (body[0] !== VKEY_TYPE_ML_DSA_44 || body.length !== 1 + ML_DSA_SIZES[44].publicKey) {
    return err(`must hold an ML-DSA-44 key (type 0x06 and ${ML_DSA_SIZES[44].publicKey} bytes)`);
  }
  const publicKey = body.slice(1);
  const keyId = fromHex(keyIdHex);
  if (!bytesEqual(keyId, vkeyKeyId(name, publicKey))) {
    return err(`key id ${keyIdHex} does not match the name and key (C2SP signed-note key ID)`);
  }
  return ok({ name, keyId, publicKey });
}

/** Writes a C2SP vkey for an ML-DSA-44 public key (the inverse of parseVkeyStructure). */
export function formatVkey(name: string, publicKey: Uint8Array): string {
  if (publicKey.length !== ML_DSA_SIZES[44].publicKey) {
    throw new RangeError(`ML-DSA-44 public key must be ${ML_DSA_SIZES[44].publicKey} bytes`);
  }
  const body = new Uint8Array(1 + publicKey.length);
  body[0] = VKEY_TYPE_ML_DSA_44;
  body.set(publicKey, 1);
  return `${name}+${toHex(vkeyKeyId(name, publicKey))}+${toBase64(body)}`;
}
