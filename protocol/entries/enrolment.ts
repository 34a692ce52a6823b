/**
 * Kiosk enrolment (DESIGN §5): the provisioning official's card signs the JCS of the entry without
 * `official`; the card's certificate has role `official` and chains to the package's `trust.officials`.
 * The envelope around it is signed by the new kiosk key (envelope.ts).
 */
import { fromBase64 } from '../bytes';
import {
  verifyCardCertificate,
  verifyCardSignature,
  type CertificateError,
  type VerifiedCard,
} from '../certificates';
import { canonicalBytes } from '../jcs';
import { err, ok, type Result } from '../result';
import type { KioskEnrolmentEntry } from './schemas';

/** The bytes the official's card signs: JCS of the enrolment entry without `official`. */
export function enrolmentSigningBytes(
  entry: Omit<KioskEnrolmentEntry, 'official'> | KioskEnrolmentEntry,
): Uint8Array {
  const { official: _official, ...rest } = entry as KioskEnrolmentEntry;
  return canonicalBytes(rest);
}

/**
 * Checks the official part of an enrolment at time `at`: the certificate (role official, chain to
 * `officialsTrust`, dates, key usage) and its signature over enrolmentSigningBytes.
 */
export function checkEnrolmentOfficial(
  entry: KioskEnrolmentEntry,
  officialsTrust: readonly string[],
  at: Date,
): Result<VerifiedCard, CertificateError> {
  const certificate = fromBase64(entry.official.cert);
  const card = verifyCardCertificate(certificate, officialsTrust, { at, roles: ['official'] });
  if (!card.ok) return card;
  if (!verifyCardSignature(certificate, enrolmentSigningBytes(entry), fromBase64(entry.official.sig))) {
    return err({
      kind: 'bad-signature',
      message: "the official card's signature on this kiosk enrolment does not verify",
      subject: card.value.subject,
    });
  }
  return ok(card.value);
}
