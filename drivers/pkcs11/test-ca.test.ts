import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTestCa, issueCardCertificate, parseCardFile, toCardFile } from './test-ca';

describe('test CA', () => {
  it('issues an ECDSA card certificate that chains to the CA and carries the role in OU', async () => {
    const ca = await createTestCa('Demo Officials CA');
    const card = await issueCardCertificate(ca, { commonName: 'Official 1', role: 'official' });
    const caCert = new X509Certificate(ca.certificate);
    const cert = new X509Certificate(card.certificate);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.subject).toContain('OU=official');
    expect(caCert.ca).toBe(true);
    expect(cert.ca).toBe(false);
  });

  it('issues RSA cards from an RSA CA', async () => {
    const ca = await createTestCa('RSA CA', { keyAlgorithm: 'rsa-2048' });
    const card = await issueCardCertificate(ca, {
      commonName: 'Voter',
      role: 'voter',
      keyAlgorithm: 'rsa-2048',
    });
    const cert = new X509Certificate(card.certificate);
    expect(cert.publicKey.asymmetricKeyType).toBe('rsa');
    expect(cert.verify(new X509Certificate(ca.certificate).publicKey)).toBe(true);
  });

  it('honours validity dates (an expired certificate for tests)', async () => {
    const ca = await createTestCa('CA');
    const card = await issueCardCertificate(ca, {
      commonName: 'Old',
      role: 'voter',
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
    });
    expect(new Date(new X509Certificate(card.certificate).validTo).getUTCFullYear()).toBe(2021);
  });

  it('round-trips a card file and names a bad field', async () => {
    const ca = await createTestCa('CA');
    const card = await issueCardCertificate(ca, { commonName: 'T', role: 'technician' });
    const file = toCardFile('tech-1', 'technician', '123456', card, ca);
    expect(parseCardFile(JSON.stringify(file))).toEqual(file);
    expect(() => parseCardFile(JSON.stringify({ ...file, pin: 5 }))).toThrow(
      'pin must be a non-empty string',
    );
    expect(() => parseCardFile(JSON.stringify({ ...file, certificate: 'A*' }))).toThrow(
      'certificate is not standard base64',
    );
    expect(() => parseCardFile('{')).toThrow('card file is not JSON');
  });
});
