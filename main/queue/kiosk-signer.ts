/**
 * The kiosk key as the queue sees it: something that signs an entry and returns its leaf data (DESIGN
 * §3). The secret key lives unsealed in memory only while polls are open (DESIGN §8), so the caller
 * hands a signer to the queue when an official unlocks the kiosk and takes it back when it locks; a
 * token that signs ML-DSA itself can stand behind the same interface.
 *
 * Every leaf a signer returns is checked before it is stored: it parses, carries exactly the entry
 * asked for, and its signature verifies under the kiosk key. A bad one never enters the queue, where
 * it would stall the chain at the ledger.
 */
import { canonicalBytes } from '../../protocol/jcs';
import { parseLeafData, signEntry, verifyEnvelope, type Entry, type KioskId } from '../../protocol/entries';
import { kioskId } from '../../protocol/entries';
import { bytesEqual } from '../../protocol/bytes';
import {
  nobleSigner,
  nobleVerifier,
  type MlDsaKeyPair,
  type MlDsaSigner,
  type MlDsaVerifier,
} from '../../protocol/ml-dsa';
import { fastestMlDsaSigner } from '../../native/ml-dsa';
import { err, ok, type Result } from '../../protocol/result';

export interface KioskSigner {
  /** The kiosk's ML-DSA-65 public key (raw 1952 bytes); its hash is the kiosk id. */
  readonly publicKey: Uint8Array;
  /** Signs `entry` (whose `kiosk` is this key's id) and returns the leaf data: JCS({entry, signer, sig}). */
  sign(entry: Entry): Uint8Array | Promise<Uint8Array>;
}

/**
 * A signer over a secret key held in memory (unsealed at open/resume, DESIGN §8), signing with the
 * fastest ML-DSA backend the kiosk has (native PQClean ≈ 0.6 ms a ballot, noble ≈ 8 ms): the signature
 * is part of "press to durable" that the voter waits for.
 */
export function memorySigner(
  keys: MlDsaKeyPair,
  backend: MlDsaSigner = fastestMlDsaSigner(nobleSigner).signer,
): KioskSigner {
  const publicKey = keys.publicKey.slice();
  const secretKey = keys.secretKey;
  return { publicKey, sign: (entry) => signEntry(entry, secretKey, publicKey, backend) };
}

/** Signs with `signer` and checks the result; a failure is a value with a message for the technician. */
export async function signChecked(
  signer: KioskSigner,
  kiosk: KioskId,
  entry: Entry,
  verifier: MlDsaVerifier = nobleVerifier,
): Promise<Result<Uint8Array, string>> {
  if (kioskId(signer.publicKey) !== kiosk) {
    return err(`the key offered for signing is not this kiosk's key (kiosk ${kiosk})`);
  }
  let leaf: Uint8Array;
  try {
    leaf = await signer.sign(entry);
  } catch (e) {
    return err(`the kiosk key could not sign the ${entry.type} entry: ${(e as Error).message}`);
  }
  const parsed = parseLeafData(leaf);
  if (!parsed.ok) {
    return err(
      `the signer returned a leaf that does not parse: ${parsed.error.map((p) => p.message).join('; ')}`,
    );
  }
  if (!bytesEqual(canonicalBytes(parsed.value.entry), canonicalBytes(entry))) {
    return err('the signer returned a leaf for another entry than the one it was asked to sign');
  }
  const verified = verifyEnvelope(parsed.value, signer.publicKey, verifier);
  if (!verified.ok) return err(`the signer's signature does not verify: ${verified.error}`);
  return ok(leaf);
}
