/**
 * Credential keys and the credential-table key (DESIGN §4 "Voters, credentials and the random sample",
 * step 2). A kiosk holds SHA-256(rollSalt ‖ UTF-8 credential key) → {voterRef, style}; the credential
 * key names what the voter presented:
 * - `card:` + hex SHA-256 of the card certificate's SubjectPublicKeyInfo DER;
 * - `doc:` + issuing state (MRZ alpha-3, or AAMVA `USA-`/`CAN-` + jurisdiction, e.g. `USA-CA`) + `:` +
 *   document number without `<` fillers (AAMVA: the `DAQ` field).
 */
import { toHex, utf8 } from '../bytes';
import { sha256 } from '../hash';
import { err, ok, type Result } from '../result';
import { ROLL_SALT_BYTES } from './voter-ref';

/**
 * The MRZ issuing-state code with its `<` fillers removed (ICAO 9303-3 §5: three letters, except
 * Germany's one-letter "D" and a few two-letter codes), or AAMVA country + jurisdiction (US states,
 * Canadian provinces).
 */
export const ISSUING_STATE_RE = /^(?:[A-Z]{1,3}|(?:USA|CAN)-[A-Z]{2})$/;
/**
 * Document numbers as printed: printable ASCII without the MRZ `<` filler, 1 to 25 characters (AAMVA
 * DL/ID 2020 gives DAQ at most 25; an MRZ number is shorter). Some jurisdictions print inner spaces in
 * DAQ, so a space is allowed inside but never at either end (the authority and the kiosk must agree).
 */
export const DOCUMENT_NUMBER_RE = /^[!-;=-~](?:[ -;=-~]{0,23}[!-;=-~])?$/;

/** `card:` credential key from the hex SHA-256 of the card's SPKI DER (protocol/certificates spkiSha256Hex). */
export function cardCredentialKey(spkiSha256Hex: string): string {
  if (!/^[0-9a-f]{64}$/.test(spkiSha256Hex))
    throw new RangeError('SPKI hash must be 64 lowercase hex characters');
  return `card:${spkiSha256Hex}`;
}

/** `doc:` credential key, or a refusal naming what is wrong with the state or the number. */
export function docCredentialKey(issuingState: string, documentNumber: string): Result<string, string> {
  if (!ISSUING_STATE_RE.test(issuingState)) {
    return err(
      `issuing state ${JSON.stringify(issuingState)} is neither an MRZ alpha-3 code nor USA-/CAN- and a jurisdiction`,
    );
  }
  if (documentNumber.includes('<')) {
    return err('document number must be given without "<" fillers');
  }
  if (!DOCUMENT_NUMBER_RE.test(documentNumber)) {
    return err(
      `document number ${JSON.stringify(documentNumber)} must be 1 to 25 printable ASCII characters, with no space at either end`,
    );
  }
  return ok(`doc:${issuingState}:${documentNumber}`);
}

/** The credential table's key: hex SHA-256(rollSalt ‖ UTF-8 credential key). */
export function credentialTableKey(rollSalt: Uint8Array, credentialKey: string): string {
  if (rollSalt.length !== ROLL_SALT_BYTES)
    throw new RangeError(`rollSalt must be ${ROLL_SALT_BYTES} bytes, got ${rollSalt.length}`);
  return toHex(sha256(rollSalt, utf8(credentialKey)));
}
