/**
 * The PKCS#11 driver's costs on SoftHSM2 (software tokens: the figures are the worker round trip and
 * the driver's share, not what a smartcard's chip takes): a bare worker call, a card's challenge
 * signature (ECDSA P-256 and RSA-2048, login kept) and sealing / unsealing an ML-DSA-65 secret key
 * through the HSM's AES-GCM key.
 */
import { sha256Hex } from '../protocol/hash';
import { mlDsaKeygen } from '../protocol/ml-dsa';
import { Pkcs11Hsm } from '../drivers/pkcs11/pkcs11-hsm';
import { Pkcs11Host, SOFTHSM2_MODULE } from '../drivers/pkcs11/pkcs11-host';
import { KIOSK_KEY_PURPOSE } from '../drivers/pkcs11/sealed-blob';
import { SoftHsmTestTokens } from '../drivers/pkcs11/softhsm-test-tokens';
import { createTestCa, issueCardCertificate } from '../drivers/pkcs11/test-ca';
import { benchSeconds, type Report } from './report';

/** Calls per second of an async operation, after a warm-up of a quarter of the time. */
async function rate(op: () => Promise<unknown>): Promise<{ perSecond: number; msEach: number }> {
  const seconds = benchSeconds();
  const warm = performance.now() + (seconds * 1000) / 4;
  while (performance.now() < warm) await op();
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < seconds * 1000) {
    await op();
    n++;
  }
  const elapsed = performance.now() - start;
  return { perSecond: (n * 1000) / elapsed, msEach: elapsed / n };
}

function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

export async function run(report: Report): Promise<void> {
  const tokens = new SoftHsmTestTokens();
  try {
    const ca = await createTestCa('bench CA');
    for (const keyAlgorithm of ['ecdsa-p256', 'rsa-2048'] as const) {
      const card = await issueCardCertificate(ca, { commonName: 'bench', role: 'official', keyAlgorithm });
      tokens.importCard({ label: keyAlgorithm, pin: '123456', ...card });
    }
    tokens.initToken('kiosk-hsm', '24681357');
    tokens.activate();
    const host = Pkcs11Host.open(SOFTHSM2_MODULE);
    try {
      const bare = await rate(() => host.call('status', {}));
      report(
        'worker round trip (status)',
        bare.perSecond,
        'calls/s',
        `${(bare.msEach * 1000).toFixed(0)} µs each`,
      );

      const challenge = new Uint8Array(113);
      for (const keyAlgorithm of ['ecdsa-p256', 'rsa-2048'] as const) {
        const { session } = must(await host.call('openSession', { label: keyAlgorithm, readWrite: false }));
        must(await host.call('login', { session, pin: '123456' }));
        const sign = await rate(async () =>
          must(await host.call('sign', { session, keyId: '01', message: challenge })),
        );
        report(
          `card challenge signature, ${keyAlgorithm}`,
          sign.msEach,
          'ms',
          'SoftHSM2 token through the worker',
        );
        must(await host.call('closeSession', { session }));
      }

      const hsm = new Pkcs11Hsm(host, { tokenLabel: 'kiosk-hsm' });
      must(await hsm.unlock('24681357'));
      must(await hsm.createSealingKey());
      const kiosk = mlDsaKeygen(65);
      const binding = { kioskId: sha256Hex(kiosk.publicKey), purpose: KIOSK_KEY_PURPOSE };
      const seal = await rate(async () => must(await hsm.seal(kiosk.secretKey, binding)));
      report('seal the ML-DSA-65 secret key (4032 B)', seal.msEach, 'ms', 'CKM_AES_GCM on SoftHSM2');
      const blob = must(await hsm.seal(kiosk.secretKey, binding));
      const unseal = await rate(async () => must(await hsm.unseal(blob, binding)));
      report('unseal the ML-DSA-65 secret key', unseal.msEach, 'ms', 'CKM_AES_GCM on SoftHSM2');
      await hsm.close();
    } finally {
      await host.close();
    }
  } finally {
    tokens.cleanup();
  }
}
