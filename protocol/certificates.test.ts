import * as crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, issueCardCertificate, type TestCa } from '../drivers/pkcs11/test-ca';
import { sha256Hex } from './hash';
import {
  cardKeyAlgorithm,
  parseCertificate,
  spkiSha256Hex,
  verifyCardCertificate,
  verifyCardForElection,
  verifyCardSignature,
  type CertificateErrorKind,
} from './certificates';
import { utf8 } from './bytes';
import { x509 } from './x509';

const NOW = new Date();
const DAY = 86_400_000;

let voters: TestCa;
let officials: TestCa;
let rsaCa: TestCa;

beforeAll(async () => {
  voters = await createTestCa('Voters CA');
  officials = await createTestCa('Officials CA');
  rsaCa = await createTestCa('RSA CA', { keyAlgorithm: 'rsa-2048' });
});

function expectError(
  r: ReturnType<typeof verifyCardCertificate>,
  kind: CertificateErrorKind,
  message: RegExp,
): void {
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.error.kind).toBe(kind);
  expect(r.error.message).toMatch(message);
}

function signWith(pkcs8: Uint8Array, message: Uint8Array, ec: boolean): Uint8Array {
  const key = crypto.createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  return new Uint8Array(crypto.sign('sha256', message, ec ? { key, dsaEncoding: 'ieee-p1363' } : { key }));
}

describe('verifyCardCertificate', () => {
  it('accepts a good ECDSA voter card and reports role, key and credential hash', async () => {
    const card = await issueCardCertificate(voters, { commonName: 'Voter 1', role: 'voter' });
    const r = verifyCardCertificate(card.certificate, [voters.certificatePem], { at: NOW });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.role).toBe('voter');
    expect(r.value.commonName).toBe('Voter 1');
    expect(r.value.keyAlgorithm).toBe('ecdsa-p256');
    const spki = new crypto.X509Certificate(card.certificate).publicKey.export({
      format: 'der',
      type: 'spki',
    });
    expect(r.value.spkiSha256).toBe(sha256Hex(new Uint8Array(spki)));
    expect(spkiSha256Hex(card.certificate)).toBe(r.value.spkiSha256);
  });

  it('accepts a good RSA card given as PEM', async () => {
    const card = await issueCardCertificate(rsaCa, {
      commonName: 'Official R',
      role: 'official',
      keyAlgorithm: 'rsa-2048',
    });
    const r = verifyCardCertificate(card.certificatePem, [voters.certificatePem, rsaCa.certificatePem], {
      at: NOW,
      roles: ['official'],
    });
    expect(r.ok && r.value.keyAlgorithm).toBe('rsa');
  });

  it('refuses an expired card and one not yet valid, naming the date', async () => {
    const old = await issueCardCertificate(voters, {
      commonName: 'Old',
      role: 'voter',
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
    });
    expectError(
      verifyCardCertificate(old.certificate, [voters.certificatePem], { at: NOW }),
      'expired',
      /expired on 2021-01-01T00:00:00Z; it must be replaced/,
    );
    const future = await issueCardCertificate(voters, {
      commonName: 'Future',
      role: 'voter',
      notBefore: new Date(NOW.getTime() + 10 * DAY),
    });
    expectError(
      verifyCardCertificate(future.certificate, [voters.certificatePem], { at: NOW }),
      'not-yet-valid',
      /not valid before .*check the kiosk clock/,
    );
    // The same card is fine at a time inside its validity.
    const later = new Date(NOW.getTime() + 11 * DAY);
    expect(verifyCardCertificate(future.certificate, [voters.certificatePem], { at: later }).ok).toBe(true);
  });

  it('refuses a card whose CA certificate has expired', async () => {
    const oldCa = await createTestCa('Old CA', {
      notBefore: new Date('2019-01-01T00:00:00Z'),
      notAfter: new Date('2022-01-01T00:00:00Z'),
    });
    const card = await issueCardCertificate(oldCa, {
      commonName: 'V',
      role: 'voter',
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2030-01-01T00:00:00Z'),
    });
    expectError(
      verifyCardCertificate(card.certificate, [oldCa.certificatePem], { at: NOW }),
      'expired',
      /issuing authority's certificate .*Old CA.* expired on 2022-01-01/,
    );
  });

  it('refuses a card from a CA the election does not trust', async () => {
    const card = await issueCardCertificate(officials, { commonName: 'O', role: 'official' });
    expectError(
      verifyCardCertificate(card.certificate, [voters.certificatePem], { at: NOW }),
      'untrusted-issuer',
      /issued by "CN=Officials CA, O=OGAS test PKI", which is not a certificate authority this election trusts/,
    );
    expectError(
      verifyCardCertificate(card.certificate, [], { at: NOW }),
      'untrusted-issuer',
      /trusts no certificate authority/,
    );
  });

  it('refuses a card signed by an impostor CA with the same name', async () => {
    const impostor = await createTestCa('Voters CA');
    const card = await issueCardCertificate(impostor, { commonName: 'Fake', role: 'voter' });
    expectError(
      verifyCardCertificate(card.certificate, [voters.certificatePem], { at: NOW }),
      'bad-signature',
      /does not verify: the certificate was altered or forged/,
    );
  });

  it('refuses a certificate whose signature was altered', async () => {
    const card = await issueCardCertificate(voters, { commonName: 'V', role: 'voter' });
    const tampered = card.certificate.slice();
    tampered[tampered.length - 5]! ^= 0x01;
    const r = verifyCardCertificate(tampered, [voters.certificatePem], { at: NOW });
    expect(r.ok).toBe(false);
    expect(!r.ok && ['bad-signature', 'malformed']).toContain(!r.ok && r.error.kind);
  });

  it('refuses a CA certificate used as a card', () => {
    expectError(
      verifyCardCertificate(voters.certificate, [voters.certificatePem], { at: NOW }),
      'wrong-key-usage',
      /certificate authority certificate, not a card certificate/,
    );
  });

  it('refuses a card without digitalSignature key usage', async () => {
    const card = await issueCardCertificate(voters, {
      commonName: 'Enc',
      role: 'voter',
      keyUsage: x509.KeyUsageFlags.keyEncipherment,
    });
    expectError(
      verifyCardCertificate(card.certificate, [voters.certificatePem], { at: NOW }),
      'wrong-key-usage',
      /keyUsage lacks digitalSignature/,
    );
  });

  it('refuses an unknown role, a missing role and a role not wanted here', async () => {
    const mayor = await issueCardCertificate(officials, { commonName: 'M', role: 'mayor' });
    expectError(
      verifyCardCertificate(mayor.certificate, [officials.certificatePem], { at: NOW }),
      'unknown-role',
      /role "mayor" is not one of voter, poll-worker, official, technician/,
    );
    const noOu = await noOuCertificate(officials);
    expectError(
      verifyCardCertificate(noOu, [officials.certificatePem], { at: NOW }),
      'missing-role',
      /names no role \(its subject has no OU\)/,
    );
    const worker = await issueCardCertificate(officials, { commonName: 'W', role: 'poll-worker' });
    expectError(
      verifyCardCertificate(worker.certificate, [officials.certificatePem], { at: NOW, roles: ['official'] }),
      'wrong-role',
      /this is a poll-worker card; a official card is needed here/,
    );
  });

  it('refuses garbage as malformed', () => {
    expectError(
      verifyCardCertificate(new Uint8Array([1, 2, 3]), [voters.certificatePem], { at: NOW }),
      'malformed',
      /not a readable X.509 certificate/,
    );
    expectError(verifyCardCertificate('hello', [voters.certificatePem], { at: NOW }), 'malformed', /not PEM/);
    const card = parseCertificate(voters.certificatePem);
    expect(card.ok).toBe(true);
  });
});

describe('verifyCardForElection', () => {
  it('picks trust.voters for voter cards and trust.officials for the others', async () => {
    const trust = { voters: [voters.certificatePem], officials: [officials.certificatePem] };
    const voter = await issueCardCertificate(voters, { commonName: 'V', role: 'voter' });
    const tech = await issueCardCertificate(officials, { commonName: 'T', role: 'technician' });
    expect(verifyCardForElection(voter.certificate, trust, { at: NOW }).ok).toBe(true);
    expect(verifyCardForElection(tech.certificate, trust, { at: NOW }).ok).toBe(true);
    // A "voter" card issued by the officials CA does not pass: voters chain to trust.voters only.
    const crossed = await issueCardCertificate(officials, { commonName: 'X', role: 'voter' });
    const r = verifyCardForElection(crossed.certificate, trust, { at: NOW });
    expect(!r.ok && r.error.kind).toBe('untrusted-issuer');
  });
});

describe('verifyCardSignature', () => {
  const message = utf8('challenge bound to kiosk and session');

  it('verifies ECDSA P-256 (IEEE P1363) and RSA PKCS#1 v1.5 signatures and refuses altered ones', async () => {
    const ec = await issueCardCertificate(voters, { commonName: 'E', role: 'voter' });
    const rsa = await issueCardCertificate(rsaCa, {
      commonName: 'R',
      role: 'voter',
      keyAlgorithm: 'rsa-2048',
    });
    const ecSig = signWith(ec.privateKeyPkcs8, message, true);
    const rsaSig = signWith(rsa.privateKeyPkcs8, message, false);
    expect(ecSig.length).toBe(64);
    expect(verifyCardSignature(ec.certificate, message, ecSig)).toBe(true);
    expect(verifyCardSignature(rsa.certificate, message, rsaSig)).toBe(true);
    expect(verifyCardSignature(ec.certificate, utf8('other'), ecSig)).toBe(false);
    expect(
      verifyCardSignature(
        rsa.certificate,
        message,
        rsaSig.map((b, i) => (i === 9 ? b ^ 1 : b)),
      ),
    ).toBe(false);
    // A DER-encoded ECDSA signature is not the P1363 form the design fixes.
    const key = crypto.createPrivateKey({
      key: Buffer.from(ec.privateKeyPkcs8),
      format: 'der',
      type: 'pkcs8',
    });
    const derSig = new Uint8Array(crypto.sign('sha256', message, key));
    expect(verifyCardSignature(ec.certificate, message, derSig)).toBe(false);
    // Another card's key does not verify it.
    expect(verifyCardSignature(rsa.certificate, message, ecSig)).toBe(false);
    expect(verifyCardSignature(new Uint8Array(4), message, ecSig)).toBe(false);
    expect(cardKeyAlgorithm(rsa.certificate)).toEqual({ ok: true, value: 'rsa' });
  });
});

/** A card certificate with no OU in its subject (the test CA always writes one). */
async function noOuCertificate(ca: TestCa): Promise<Uint8Array> {
  const keys = await crypto.webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  const caCert = new x509.X509Certificate(ca.certificate.slice());
  const cert = await x509.X509CertificateGenerator.create({
    subject: 'CN=No role, O=OGAS test PKI',
    issuer: caCert.subject,
    publicKey: keys.publicKey,
    signingKey: ca.signingKey,
    notBefore: new Date(NOW.getTime() - DAY),
    notAfter: new Date(NOW.getTime() + DAY),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  return new Uint8Array(cert.rawData);
}
