/**
 * Cosigner keys: key IDs and verifier keys ("vkeys") for ML-DSA-44 cosignatures (C2SP
 * tlog-cosignature, "Format"; DESIGN §6):
 *
 *     key ID = SHA-256(name ‖ "\n" ‖ 0x06 ‖ 1312-byte ML-DSA-44 public key)[:4]
 *     vkey   = <name>+<hex(key ID)>+<base64(0x06 ‖ public key)>
 *
 * The vkey form is that of golang.org/x/mod/sumdb/note verifier keys (C2SP signed-note links to it).
 */
import { bytesEqual, concatBytes, fromHex, isHex, toBase64, toHex, utf8 } from '../bytes';
import { sha256 } from '../hash';
import { ML_DSA_SIZES } from '../ml-dsa';
import { err, ok, type Result } from '../result';
import { decodeCanonicalBase64, isValidKeyName, quote } from './text-rules';

/** C2SP signed-note signature type of ML-DSA-44 cosignatures (tlog-cosignature). */
export const ML_DSA_44_SIGNATURE_TYPE = 0x06;

/** A trusted cosigner (the log itself, or a witness): its name, key ID and ML-DSA-44 public key. */
export interface CosignerKey {
  readonly name: string;
  readonly keyId: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** The 4-byte key ID of an ML-DSA-44 cosigner key. */
export function keyId(name: string, publicKey: Uint8Array): Uint8Array {
  return sha256(utf8(name), new Uint8Array([0x0a, ML_DSA_44_SIGNATURE_TYPE]), publicKey).slice(0, 4);
}

/** A cosigner key from its name and public key; an invalid name or key length is a bug and throws. */
export function cosignerKey(name: string, publicKey: Uint8Array): CosignerKey {
  if (!isValidKeyName(name)) throw new RangeError(`invalid key name ${quote(name)}`);
  const want = ML_DSA_SIZES[44].publicKey;
  if (publicKey.length !== want) throw new RangeError(`ML-DSA-44 public key must be ${want} bytes`);
  return { name, keyId: keyId(name, publicKey), publicKey: publicKey.slice() };
}

/** `name+hex(keyID)+base64(0x06 ‖ key)`. */
export function encodeVkey(name: string, publicKey: Uint8Array): string {
  const key = cosignerKey(name, publicKey);
  const typed = concatBytes(new Uint8Array([ML_DSA_44_SIGNATURE_TYPE]), key.publicKey);
  return `${key.name}+${toHex(key.keyId)}+${toBase64(typed)}`;
}

/** Parses a vkey, checking that its key ID is the one its name and key give. */
export function parseVkey(vkey: string): Result<CosignerKey, string> {
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first < 0 || second < 0) return err(`vkey ${quote(vkey)} is not <name>+<key ID>+<key>`);
  const name = vkey.slice(0, first);
  const idHex = vkey.slice(first + 1, second);
  const keyB64 = vkey.slice(second + 1);
  if (!isValidKeyName(name)) return err(`vkey name ${quote(name)} is empty or contains a space or plus`);
  if (!isHex(idHex, 4)) return err(`vkey ${name}: key ID ${quote(idHex)} is not 8 lowercase hex digits`);
  const typed = decodeCanonicalBase64(keyB64);
  if (!typed) return err(`vkey ${name}: key is not canonical standard base64`);
  if (typed[0] !== ML_DSA_44_SIGNATURE_TYPE) {
    const type = typed[0] === undefined ? 'missing' : `0x${typed[0].toString(16).padStart(2, '0')}`;
    return err(`vkey ${name}: signature type ${type} is not ML-DSA-44 cosignature (0x06)`);
  }
  const publicKey = typed.slice(1);
  const want = ML_DSA_SIZES[44].publicKey;
  if (publicKey.length !== want) {
    return err(`vkey ${name}: ML-DSA-44 public key is ${publicKey.length} bytes, not ${want}`);
  }
  const id = keyId(name, publicKey);
  if (!bytesEqual(id, fromHex(idHex))) {
    return err(`vkey ${name}: key ID ${idHex} does not match its name and key (${toHex(id)})`);
  }
  return ok({ name, keyId: id, publicKey });
}
