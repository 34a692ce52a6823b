/**
 * The kiosk's ML-DSA-65 key (DESIGN §3, §8): created at provisioning and never at rest in the clear.
 * The secret key is sealed by the HSM (AES-256-GCM under a non-extractable key on the token, bound to
 * the kiosk id and purpose) and unsealed only after an official enters the HSM PIN; until then the
 * kiosk is locked. The kiosk enrolment (DESIGN §5) is countersigned by the provisioning official's
 * card: the card signs the JCS of the entry without `official`.
 */
import { KIOSK_KEY_PURPOSE } from '../../drivers/pkcs11/sealed-blob';
import type { Hsm, HsmError } from '../../drivers/pkcs11/hsm';
import { bytesEqual, toBase64 } from '../../protocol/bytes';
import {
  checkEnrolmentOfficial,
  enrolmentSigningBytes,
  kioskId,
  signEntry,
  type KioskEnrolmentEntry,
  type KioskId,
} from '../../protocol/entries';
import type { LoadedElection } from '../../protocol/election';
import { mlDsaKeygen, mlDsaPublicKey, type MlDsaKeyPair } from '../../protocol/ml-dsa';
import { err, ok, type Result } from '../../protocol/result';
import type { RpcError } from '../rpc/api';

export interface CreatedKey {
  readonly keys: MlDsaKeyPair;
  readonly kioskId: KioskId;
  readonly sealedKey: Uint8Array;
}

function hsmError(e: HsmError, doing: string): RpcError {
  return { code: 'hsm', message: `${doing}: ${e.message}` };
}

/** Unlocks the HSM, creates its sealing key if it has none, creates and seals a new kiosk key. */
export async function createSealedKioskKey(hsm: Hsm, pin: string): Promise<Result<CreatedKey, RpcError>> {
  const unlocked = await hsm.unlock(pin);
  if (!unlocked.ok) return err(hsmError(unlocked.error, 'The HSM refused the PIN'));
  const existing = await hsm.sealingKey();
  if (!existing.ok) return err(hsmError(existing.error, 'The HSM sealing key cannot be read'));
  if (existing.value === null) {
    const created = await hsm.createSealingKey();
    if (!created.ok) return err(hsmError(created.error, 'The HSM could not create its sealing key'));
  }
  const keys = mlDsaKeygen(65);
  const id = kioskId(keys.publicKey);
  const sealed = await hsm.seal(keys.secretKey, { kioskId: id, purpose: KIOSK_KEY_PURPOSE });
  if (!sealed.ok) return err(hsmError(sealed.error, 'The HSM could not seal the kiosk key'));
  return ok({ keys, kioskId: id, sealedKey: sealed.value });
}

/** After a restart: the HSM PIN unseals the stored kiosk key, which must match the stored public key. */
export async function unsealKioskKey(
  hsm: Hsm,
  pin: string,
  stored: { readonly kioskId: string; readonly publicKey: Uint8Array; readonly sealedKey: Uint8Array },
): Promise<Result<MlDsaKeyPair, RpcError>> {
  const unlocked = await hsm.unlock(pin);
  if (!unlocked.ok) return err(hsmError(unlocked.error, 'The HSM refused the PIN'));
  const opened = await hsm.unseal(stored.sealedKey, { kioskId: stored.kioskId, purpose: KIOSK_KEY_PURPOSE });
  if (!opened.ok) return err(hsmError(opened.error, 'The kiosk key could not be unsealed'));
  let publicKey: Uint8Array;
  try {
    publicKey = mlDsaPublicKey(65, opened.value);
  } catch (e) {
    return err({
      code: 'hsm',
      message: `The unsealed kiosk key is not an ML-DSA-65 key: ${(e as Error).message}`,
    });
  }
  if (!bytesEqual(publicKey, stored.publicKey)) {
    return err({
      code: 'hsm',
      message: "The unsealed key is not this kiosk's key: provision the kiosk again.",
    });
  }
  return ok({ publicKey, secretKey: opened.value });
}

export interface OfficialCard {
  /** DER of the signed-in official's card certificate. */
  readonly certificate: Uint8Array;
  /** Signs SHA-256(message) with the card (ECDSA P1363 or RSA PKCS#1 v1.5). */
  sign(message: Uint8Array): Promise<Result<Uint8Array, { readonly message: string }>>;
}

/**
 * Builds and signs the kiosk-enrolment leaf (DESIGN §5): the official's card signs the entry without
 * `official`, the result is checked against the package's `trust.officials` (so a card the ledger would
 * refuse is refused here, with the reason), and the envelope is signed by the kiosk key.
 */
export async function signEnrolment(
  election: LoadedElection,
  keys: MlDsaKeyPair,
  card: OfficialCard,
  now: Date,
): Promise<Result<Uint8Array, RpcError>> {
  const unsigned: Omit<KioskEnrolmentEntry, 'official'> = {
    v: 1,
    type: 'kiosk-enrolment',
    election: election.electionId,
    kiosk: kioskId(keys.publicKey),
    publicKey: toBase64(keys.publicKey),
  };
  const sig = await card.sign(enrolmentSigningBytes(unsigned));
  if (!sig.ok)
    return err({
      code: 'card',
      message: `The official card could not sign the enrolment: ${sig.error.message}`,
    });
  const entry: KioskEnrolmentEntry = {
    ...unsigned,
    official: { cert: toBase64(card.certificate), sig: toBase64(sig.value) },
  };
  const checked = checkEnrolmentOfficial(entry, election.package.trust.officials, now);
  if (!checked.ok) {
    return err({
      code: 'card',
      message: `This official card cannot enrol a kiosk for this election: ${checked.error.message}`,
    });
  }
  return ok(signEntry(entry, keys.secretKey, keys.publicKey));
}
