/**
 * Card certificate checks (DESIGN §4 `trust`, §5 kiosk enrolment, §8 card authentication as PIV does
 * it): parse a card certificate, build its chain to the election's trust anchors, and check dates,
 * signatures, CA flags, key usage and the role in the subject OU, at a given time.
 *
 * Parsing goes through @peculiar/x509 (protocol/x509.ts). Certificate and card signatures are checked
 * with node:crypto (OpenSSL) because it is synchronous: the ledger checks enrolments inside its append
 * path and the kiosk inside its auth state machine, where an await per certificate buys nothing.
 *
 * Every failure is a value with a `kind` a program can switch on and a `message` a poll worker can act
 * on ("this card expired on …, it must be replaced"), never a bare "invalid certificate".
 */
import * as crypto from 'node:crypto';
import { bytesEqual } from './bytes';
import { sha256Hex } from './hash';
import { err, ok, type Result } from './result';
import { CARD_ROLES, isCardRole, type CardRole } from './roles';
import { x509 } from './x509';

export type CertificateErrorKind =
  | 'malformed'
  | 'expired'
  | 'not-yet-valid'
  | 'untrusted-issuer'
  | 'bad-signature'
  | 'wrong-key-usage'
  | 'missing-role'
  | 'unknown-role'
  | 'wrong-role';

export interface CertificateError {
  readonly kind: CertificateErrorKind;
  /** What is wrong and what to do, for a poll worker or an official. */
  readonly message: string;
  /** Subject of the certificate at fault (the card or one of its issuers), when it could be read. */
  readonly subject?: string;
}

/** A card certificate that passed every check. */
export interface VerifiedCard {
  readonly role: CardRole;
  readonly subject: string;
  readonly commonName: string | undefined;
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** DER of the card certificate. */
  readonly certificate: Uint8Array;
  /** Hex SHA-256 of the SubjectPublicKeyInfo DER (DESIGN §4 `card:` credential key). */
  readonly spkiSha256: string;
  readonly keyAlgorithm: CardSignatureAlgorithm;
}

export type CardSignatureAlgorithm = 'ecdsa-p256' | 'rsa';

export interface CertificateCheckOptions {
  /** The time the card is used (the kiosk's clock, or the ledger's on receiving an enrolment). */
  readonly at: Date;
  /** Intermediate CA certificates the card presented (DER or PEM); anchors need not be repeated. */
  readonly intermediates?: readonly (Uint8Array | string)[];
  /** Roles accepted here; any card role when omitted. */
  readonly roles?: readonly CardRole[];
}

/** The package's `trust` object (DESIGN §4). */
export interface TrustAnchors {
  readonly voters: readonly string[];
  readonly officials: readonly string[];
}

// RFC 5280 §4.2: a certificate with a critical extension we do not process must be refused.
const OID_BASIC_CONSTRAINTS = '2.5.29.19';
const OID_KEY_USAGE = '2.5.29.15';
const KNOWN_CRITICAL = new Set([OID_BASIC_CONSTRAINTS, OID_KEY_USAGE, '2.5.29.37', '2.5.29.17', '2.5.29.32']);
const MAX_CHAIN = 8;

type Cert = InstanceType<typeof x509.X509Certificate>;

function fail(kind: CertificateErrorKind, message: string, subject?: string) {
  return err<CertificateError>(subject === undefined ? { kind, message } : { kind, message, subject });
}

/** Parses one certificate from DER bytes or PEM text. */
export function parseCertificate(input: Uint8Array | string): Result<Cert, CertificateError> {
  if (typeof input === 'string' && !input.includes('-----BEGIN CERTIFICATE-----')) {
    return fail('malformed', 'certificate text is not PEM (no "-----BEGIN CERTIFICATE-----" line)');
  }
  try {
    const cert = new x509.X509Certificate(typeof input === 'string' ? input : input.slice());
    // Touch the fields every check reads, so a certificate that parses lazily fails here, once.
    void cert.subject;
    void cert.issuer;
    void cert.notBefore;
    void cert.publicKey.rawData;
    return ok(cert);
  } catch (e) {
    return fail('malformed', `not a readable X.509 certificate: ${(e as Error).message}`);
  }
}

function der(cert: Cert): Uint8Array {
  return new Uint8Array(cert.rawData);
}

/** Hex SHA-256 of the certificate's SubjectPublicKeyInfo DER: the `card:` credential key body (DESIGN §4). */
export function spkiSha256Hex(certificateDer: Uint8Array): string {
  const parsed = parseCertificate(certificateDer);
  if (!parsed.ok) throw new RangeError(parsed.error.message);
  return sha256Hex(new Uint8Array(parsed.value.publicKey.rawData));
}

/** The role in the subject OU (DESIGN §4): exactly one OU, one of CARD_ROLES. */
export function certificateRole(cert: Cert): Result<CardRole, CertificateError> {
  const ous = cert.subjectName.getField('OU');
  const [ou] = ous;
  if (ou === undefined) {
    return fail(
      'missing-role',
      'the card certificate names no role (its subject has no OU); ask the issuing authority for a proper card',
      cert.subject,
    );
  }
  if (ous.length > 1 || !isCardRole(ou)) {
    return fail(
      'unknown-role',
      `the card certificate's role ${JSON.stringify(ous.join(', '))} is not one of ${CARD_ROLES.join(', ')}`,
      cert.subject,
    );
  }
  return ok(ou);
}

function isCa(cert: Cert): boolean {
  return cert.getExtension(x509.BasicConstraintsExtension)?.ca === true;
}

function keyUsage(cert: Cert): number | undefined {
  return cert.getExtension(x509.KeyUsagesExtension)?.usages;
}

function day(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

function checkDates(cert: Cert, at: Date, what: string): Result<true, CertificateError> {
  if (at.getTime() < cert.notBefore.getTime()) {
    return fail(
      'not-yet-valid',
      `${what} is not valid before ${day(cert.notBefore)} (now ${day(at)}); check the kiosk clock`,
      cert.subject,
    );
  }
  // RFC 5280 §4.1.2.5: the validity period includes notAfter.
  if (at.getTime() > cert.notAfter.getTime()) {
    return fail('expired', `${what} expired on ${day(cert.notAfter)}; it must be replaced`, cert.subject);
  }
  return ok(true);
}

function checkCriticalExtensions(cert: Cert, what: string): Result<true, CertificateError> {
  for (const ext of cert.extensions) {
    if (ext.critical && !KNOWN_CRITICAL.has(ext.type)) {
      return fail('malformed', `${what} has a critical extension ${ext.type} this kiosk cannot process`);
    }
  }
  return ok(true);
}

function signedBy(cert: Cert, issuer: Cert): boolean {
  try {
    const key = crypto.createPublicKey({
      key: Buffer.from(issuer.publicKey.rawData),
      format: 'der',
      type: 'spki',
    });
    return new crypto.X509Certificate(Buffer.from(cert.rawData)).verify(key);
  } catch {
    return false;
  }
}

function parseAll(inputs: readonly (Uint8Array | string)[], what: string): Result<Cert[], CertificateError> {
  const out: Cert[] = [];
  for (const [i, input] of inputs.entries()) {
    const parsed = parseCertificate(input);
    if (!parsed.ok) return fail('malformed', `${what}[${i}]: ${parsed.error.message}`);
    out.push(parsed.value);
  }
  return out.length === 0 && what === 'trust anchor'
    ? fail('untrusted-issuer', 'the election trusts no certificate authority for this kind of card')
    : ok(out);
}

/**
 * Builds the path leaf → … → anchor (RFC 5280 §6.1, simplified to what card PKIs use: names match,
 * each signature verifies with the next key, every issuer is a CA allowed to sign certificates).
 */
function buildChain(leaf: Cert, anchors: readonly Cert[], intermediates: readonly Cert[]) {
  const chain: Cert[] = [leaf];
  let current = leaf;
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    const named = [...anchors, ...intermediates].filter((c) => c.subject === current.issuer);
    const what = depth === 0 ? 'the card certificate' : `the CA certificate "${current.subject}"`;
    if (named.length === 0) {
      return fail(
        'untrusted-issuer',
        `${what} was issued by "${current.issuer}", which is not a certificate authority this election trusts for this card`,
        current.subject,
      );
    }
    const issuer = named.find((c) => signedBy(current, c));
    if (issuer === undefined) {
      return fail(
        'bad-signature',
        `the signature on ${what} by "${current.issuer}" does not verify: the certificate was altered or forged`,
        current.subject,
      );
    }
    if (
      !isCa(issuer) ||
      ((keyUsage(issuer) ?? x509.KeyUsageFlags.keyCertSign) & x509.KeyUsageFlags.keyCertSign) === 0
    ) {
      return fail(
        'untrusted-issuer',
        `"${issuer.subject}" is not a certificate authority (no basicConstraints CA, or no keyCertSign)`,
        issuer.subject,
      );
    }
    chain.push(issuer);
    if (anchors.some((a) => bytesEqual(der(a), der(issuer)))) return ok(chain);
    if (bytesEqual(der(issuer), der(current))) break;
    current = issuer;
  }
  return fail('untrusted-issuer', 'the card certificate does not chain to a trusted authority', leaf.subject);
}

/**
 * Checks a card certificate against trust anchors (PEM list, as in the package's `trust.voters` or
 * `trust.officials`) at `options.at`: chain and signatures, validity of every certificate on the path,
 * CA flags on issuers, an end-entity certificate with keyUsage digitalSignature, and the role in OU.
 */
export function verifyCardCertificate(
  certificate: Uint8Array | string,
  trustAnchors: readonly (Uint8Array | string)[],
  options: CertificateCheckOptions,
): Result<VerifiedCard, CertificateError> {
  const parsed = parseCertificate(certificate);
  if (!parsed.ok) return parsed;
  const leaf = parsed.value;
  const anchors = parseAll(trustAnchors, 'trust anchor');
  if (!anchors.ok) return anchors;
  const intermediates = parseAll(options.intermediates ?? [], 'intermediate certificate');
  if (!intermediates.ok) return intermediates;

  const chain = buildChain(leaf, anchors.value, intermediates.value);
  if (!chain.ok) return chain;
  for (const [i, cert] of chain.value.entries()) {
    const what = i === 0 ? 'this card' : `the issuing authority's certificate "${cert.subject}"`;
    const dates = checkDates(cert, options.at, what);
    if (!dates.ok) return dates;
    const critical = checkCriticalExtensions(cert, i === 0 ? 'the card certificate' : `"${cert.subject}"`);
    if (!critical.ok) return critical;
  }
  if (isCa(leaf)) {
    return fail(
      'wrong-key-usage',
      'this is a certificate authority certificate, not a card certificate (basicConstraints CA is set)',
      leaf.subject,
    );
  }
  const usage = keyUsage(leaf);
  if (usage === undefined || (usage & x509.KeyUsageFlags.digitalSignature) === 0) {
    return fail(
      'wrong-key-usage',
      'the card certificate is not allowed to sign (keyUsage lacks digitalSignature); the card cannot authenticate',
      leaf.subject,
    );
  }
  const role = certificateRole(leaf);
  if (!role.ok) return role;
  if (options.roles !== undefined && !options.roles.includes(role.value)) {
    return fail(
      'wrong-role',
      `this is a ${role.value} card; a ${options.roles.join(' or ')} card is needed here`,
      leaf.subject,
    );
  }
  const algorithm = cardKeyAlgorithm(der(leaf));
  if (!algorithm.ok) return algorithm;
  return ok({
    role: role.value,
    subject: leaf.subject,
    commonName: leaf.subjectName.getField('CN')[0],
    issuer: leaf.issuer,
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
    certificate: der(leaf),
    spkiSha256: sha256Hex(new Uint8Array(leaf.publicKey.rawData)),
    keyAlgorithm: algorithm.value,
  });
}

/**
 * The package-level check (DESIGN §4): a voter card must chain to `trust.voters`, any other role to
 * `trust.officials`. The role is read first to pick the anchors, then everything is checked.
 */
export function verifyCardForElection(
  certificate: Uint8Array | string,
  trust: TrustAnchors,
  options: CertificateCheckOptions,
): Result<VerifiedCard, CertificateError> {
  const parsed = parseCertificate(certificate);
  if (!parsed.ok) return parsed;
  const role = certificateRole(parsed.value);
  if (!role.ok) return role;
  const anchors = role.value === 'voter' ? trust.voters : trust.officials;
  return verifyCardCertificate(certificate, anchors, options);
}

function publicKeyOf(certificateDer: Uint8Array): crypto.KeyObject | undefined {
  const parsed = parseCertificate(certificateDer);
  if (!parsed.ok) return undefined;
  try {
    return crypto.createPublicKey({
      key: Buffer.from(parsed.value.publicKey.rawData),
      format: 'der',
      type: 'spki',
    });
  } catch {
    return undefined;
  }
}

/** The card signature algorithm of a certificate's key: ECDSA on P-256, or RSA (PKCS#1 v1.5). */
export function cardKeyAlgorithm(
  certificateDer: Uint8Array,
): Result<CardSignatureAlgorithm, CertificateError> {
  const key = publicKeyOf(certificateDer);
  if (key?.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return ok('ecdsa-p256');
  }
  if (key?.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048) {
    return ok('rsa');
  }
  return fail(
    'wrong-key-usage',
    `the card's key (${key?.asymmetricKeyType ?? 'unreadable'}) is neither ECDSA P-256 nor RSA of at least 2048 bits`,
  );
}

/**
 * Verifies a card's signature over `message` with SHA-256 (DESIGN §5 enrolment, §8 card challenge):
 * ECDSA P-256 as IEEE P1363 r‖s (what PKCS#11 CKM_ECDSA returns), or RSA PKCS#1 v1.5. Never throws.
 */
export function verifyCardSignature(
  certificateDer: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  const algorithm = cardKeyAlgorithm(certificateDer);
  const key = publicKeyOf(certificateDer);
  if (!algorithm.ok || key === undefined) return false;
  try {
    if (algorithm.value === 'ecdsa-p256') {
      if (signature.length !== 64) return false;
      return crypto.verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
    }
    return crypto.verify('sha256', message, { key, padding: crypto.constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
}
