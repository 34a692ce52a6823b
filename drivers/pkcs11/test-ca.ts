/**
 * A certificate authority for tests and the demo: issues CA certificates and card certificates carrying
 * the card's role in the subject OU (DESIGN §4), with ECDSA P-256 or RSA-2048 keys, as PIV
 * authentication certificates are (FIPS 201 PKI-AUTH: digitalSignature key usage).
 *
 * Real elections use the authority's own CA; this one exists so that tests and `ogas election demo`
 * can make SoftHSM2 tokens and emulated cards that behave like real ones.
 */
import { webcrypto } from 'node:crypto';
import { fromBase64, toBase64 } from '../../protocol/bytes';
import type { CardRole } from '../../protocol/roles';
import { x509 } from '../../protocol/x509';

export type CardKeyAlgorithm = 'ecdsa-p256' | 'rsa-2048';

const ALGORITHMS: Record<CardKeyAlgorithm, RsaHashedKeyGenParams | EcKeyGenParams> = {
  'ecdsa-p256': { name: 'ECDSA', namedCurve: 'P-256' },
  'rsa-2048': {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  },
};

const SIGNING: Record<CardKeyAlgorithm, Algorithm | EcdsaParams> = {
  'ecdsa-p256': { name: 'ECDSA', hash: 'SHA-256' },
  'rsa-2048': { name: 'RSASSA-PKCS1-v1_5' },
};

export interface IssuedCertificate {
  /** DER of the certificate. */
  readonly certificate: Uint8Array;
  readonly certificatePem: string;
  /** PKCS#8 DER of the private key (for SoftHSM2 import or an emulated card). */
  readonly privateKeyPkcs8: Uint8Array;
  readonly keyAlgorithm: CardKeyAlgorithm;
}

export interface TestCa extends IssuedCertificate {
  readonly name: string;
  /** The CA's signing key, kept in memory to issue more certificates. */
  readonly signingKey: CryptoKey;
}

export interface Validity {
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

const DAY = 86_400_000;

async function generate(alg: CardKeyAlgorithm): Promise<CryptoKeyPair> {
  return await webcrypto.subtle.generateKey(ALGORITHMS[alg], true, ['sign', 'verify']);
}

async function exportPkcs8(key: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', key));
}

function escapeDn(value: string): string {
  return value.replace(/([,+"\\<>;=#])/g, '\\$1');
}

/** A self-signed CA (basicConstraints CA:true, keyCertSign|cRLSign), valid ten years by default. */
export async function createTestCa(
  name: string,
  options: Validity & { readonly keyAlgorithm?: CardKeyAlgorithm } = {},
): Promise<TestCa> {
  const keyAlgorithm = options.keyAlgorithm ?? 'ecdsa-p256';
  const keys = await generate(keyAlgorithm);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${escapeDn(name)}, O=OGAS test PKI`,
    keys,
    notBefore: options.notBefore ?? new Date(Date.now() - DAY),
    notAfter: options.notAfter ?? new Date(Date.now() + 3650 * DAY),
    signingAlgorithm: SIGNING[keyAlgorithm],
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    name,
    certificate: new Uint8Array(cert.rawData),
    certificatePem: cert.toString('pem'),
    privateKeyPkcs8: await exportPkcs8(keys.privateKey),
    keyAlgorithm,
    signingKey: keys.privateKey,
  };
}

export interface CardCertificateRequest extends Validity {
  readonly commonName: string;
  /** Written as the subject OU. A string outside CARD_ROLES makes a "wrong role" certificate for tests. */
  readonly role: CardRole | (string & {});
  readonly keyAlgorithm?: CardKeyAlgorithm;
  /** Defaults to digitalSignature (PIV authentication key). */
  readonly keyUsage?: number;
}

/** Issues an end-entity card certificate signed by `ca`, valid one year by default. */
export async function issueCardCertificate(
  ca: TestCa,
  request: CardCertificateRequest,
): Promise<IssuedCertificate> {
  const keyAlgorithm = request.keyAlgorithm ?? 'ecdsa-p256';
  const keys = await generate(keyAlgorithm);
  const caCert = new x509.X509Certificate(ca.certificate.slice());
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${escapeDn(request.commonName)}, OU=${escapeDn(request.role)}, O=OGAS test PKI`,
    issuer: caCert.subject,
    publicKey: keys.publicKey,
    signingKey: ca.signingKey,
    notBefore: request.notBefore ?? new Date(Date.now() - DAY),
    notAfter: request.notAfter ?? new Date(Date.now() + 365 * DAY),
    signingAlgorithm: SIGNING[ca.keyAlgorithm],
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(request.keyUsage ?? x509.KeyUsageFlags.digitalSignature, true),
      await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    certificate: new Uint8Array(cert.rawData),
    certificatePem: cert.toString('pem'),
    privateKeyPkcs8: await exportPkcs8(keys.privateKey),
    keyAlgorithm,
  };
}

/**
 * A demo or test card as a JSON file (`ogas election demo` writes them; the emulated card reader and
 * the SoftHSM2 test-token builder read them). The PIN is here because these cards are for demos only.
 */
export interface CardFile {
  readonly v: 1;
  readonly label: string;
  readonly role: string;
  readonly pin: string;
  readonly keyAlgorithm: CardKeyAlgorithm;
  /** base64 DER */
  readonly certificate: string;
  /** base64 PKCS#8 DER */
  readonly privateKey: string;
  /** base64 DER of the issuing CA, for display; trust comes from the election package. */
  readonly issuer: string;
}

export function toCardFile(
  label: string,
  role: string,
  pin: string,
  card: IssuedCertificate,
  ca: TestCa,
): CardFile {
  return {
    v: 1,
    label,
    role,
    pin,
    keyAlgorithm: card.keyAlgorithm,
    certificate: toBase64(card.certificate),
    privateKey: toBase64(card.privateKeyPkcs8),
    issuer: toBase64(ca.certificate),
  };
}

/** Parses a card file, naming the first field that is wrong. */
export function parseCardFile(text: string): CardFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`card file is not JSON: ${(e as Error).message}`, { cause: e });
  }
  if (typeof raw !== 'object' || raw === null) throw new Error('card file: expected a JSON object');
  const o = raw as Record<string, unknown>;
  if (o.v !== 1) throw new Error('card file: v must be 1');
  for (const k of ['label', 'role', 'pin', 'certificate', 'privateKey', 'issuer'] as const) {
    if (typeof o[k] !== 'string' || o[k] === '')
      throw new Error(`card file: ${k} must be a non-empty string`);
  }
  if (o.keyAlgorithm !== 'ecdsa-p256' && o.keyAlgorithm !== 'rsa-2048') {
    throw new Error('card file: keyAlgorithm must be "ecdsa-p256" or "rsa-2048"');
  }
  for (const k of ['certificate', 'privateKey', 'issuer'] as const) {
    try {
      fromBase64(o[k] as string);
    } catch (e) {
      throw new Error(`card file: ${k} is not standard base64`, { cause: e });
    }
  }
  return o as unknown as CardFile;
}
