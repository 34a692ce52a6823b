import { createPublicKey, verify, X509Certificate } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { utf8 } from '../../protocol/bytes';
import { CKM, CKR } from './pkcs11-constants';
import { Pkcs11Host, SOFTHSM2_MODULE } from './pkcs11-host';
import { SoftHsmTestTokens } from './softhsm-test-tokens';
import { createTestCa, issueCardCertificate } from './test-ca';

/** Unwraps a Result in a test, failing with the error's message. */
function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('Pkcs11Host over real SoftHSM2 tokens', () => {
  let tokens: SoftHsmTestTokens;
  let host: Pkcs11Host;

  beforeEach(async () => {
    tokens = new SoftHsmTestTokens();
    const ca = await createTestCa('Host test CA');
    for (const alg of ['ecdsa-p256', 'rsa-2048'] as const) {
      const card = await issueCardCertificate(ca, {
        commonName: `card ${alg}`,
        role: 'voter',
        keyAlgorithm: alg,
      });
      tokens.importCard({ label: `card-${alg}`, pin: '123456', ...card });
    }
    tokens.initToken('kiosk-hsm', '999999');
    tokens.activate();
    host = Pkcs11Host.open(SOFTHSM2_MODULE, { faultInjection: true });
  });

  afterEach(async () => {
    await host.close();
    tokens.cleanup();
  });

  it('loads the module once, lists tokens by label, and refuses a second owner', async () => {
    const info = must(await host.call('info', {}));
    expect(info.manufacturer).toBe('SoftHSM');
    expect(info.initializedByUs).toBe(true);
    const listed = must(await host.call('tokens', {}));
    const labels = listed.filter((t) => t.initialized).map((t) => t.label);
    expect(labels.sort()).toEqual(['card-ecdsa-p256', 'card-rsa-2048', 'kiosk-hsm']);
    // SoftHSM2 always offers one more, blank token to initialise: listed, but not initialised.
    expect(listed.filter((t) => !t.initialized).map((t) => t.label)).toEqual(['']);
    expect(() => Pkcs11Host.open(SOFTHSM2_MODULE)).toThrow(/already open/);
    // SoftHSM2 implements C_WaitForSlotEvent only as "no event" when asked not to block (DESIGN §8).
    expect(must(await host.call('slotEvent', {}))).toEqual({ supported: true, slotId: null });
  });

  it('finds a token by label and reports token-not-found for an unknown one', async () => {
    const r = await host.call('openSession', { label: 'no-such-card', readWrite: false });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ kind: 'token-not-found', label: 'no-such-card' });
  });

  for (const alg of ['ecdsa-p256', 'rsa-2048'] as const) {
    it(`logs in and signs with the ${alg} card; the certificate's key verifies it`, async () => {
      const { session } = must(await host.call('openSession', { label: `card-${alg}`, readWrite: false }));
      const [cert] = must(await host.call('certificates', { session }));
      expect(cert?.id).toBe('01');
      const wrong = await host.call('login', { session, pin: '000000' });
      expect(!wrong.ok && wrong.error.kind).toBe('pin-incorrect');
      must(await host.call('login', { session, pin: '123456' }));
      const message = utf8('challenge');
      const sig = must(await host.call('sign', { session, keyId: cert!.id, message }));
      const key = createPublicKey(
        new X509Certificate(cert!.der).publicKey.export({ type: 'spki', format: 'pem' }),
      );
      const good =
        alg === 'ecdsa-p256'
          ? verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, sig.signature)
          : verify('sha256', message, key, sig.signature);
      expect(good).toBe(true);
      expect(sig.mechanism).toBe(alg === 'ecdsa-p256' ? CKM.ECDSA : CKM.SHA256_RSA_PKCS);
      must(await host.call('closeSession', { session }));
    });
  }

  it('reports a pulled card as device-removed, then token-not-present, and leaves nothing pending', async () => {
    const { session } = must(await host.call('openSession', { label: 'card-ecdsa-p256', readWrite: false }));
    must(await host.call('login', { session, pin: '123456' }));
    await host.injectFault({ kind: 'remove-token', label: 'card-ecdsa-p256' });
    const [cert] = [{ id: '01' }];
    const sign = await host.call('sign', { session, keyId: cert.id, message: utf8('x') });
    expect(!sign.ok && sign.error.kind).toBe('device-removed');
    expect(!sign.ok && sign.error.message).toBe('The card was removed. Insert it again and start over.');
    const again = await host.call('sign', { session, keyId: cert.id, message: utf8('x') });
    expect(!again.ok && again.error.kind).toBe('session-handle-invalid');
    const labels = must(await host.call('tokens', {})).map((t) => t.label);
    expect(labels).not.toContain('card-ecdsa-p256');
    const reopen = await host.call('openSession', { label: 'card-ecdsa-p256', readWrite: false });
    expect(!reopen.ok && reopen.error.kind).toBe('token-not-found');
    must(await host.call('closeSession', { session }));
    expect(host.pendingCalls()).toBe(0);
    expect(host.errorCounts()).toMatchObject({ CKR_DEVICE_REMOVED: 1, CKR_SESSION_HANDLE_INVALID: 1 });
  });

  it('maps injected CKR_PIN_LOCKED and CKR_DEVICE_ERROR to typed errors with advice', async () => {
    const { session } = must(await host.call('openSession', { label: 'card-rsa-2048', readWrite: false }));
    await host.injectFault({ kind: 'fail-call', method: 'C_Login', ckr: CKR.PIN_LOCKED, times: 1 });
    const locked = await host.call('login', { session, pin: '123456' });
    expect(locked.ok).toBe(false);
    if (!locked.ok) {
      expect(locked.error).toMatchObject({
        kind: 'pin-locked',
        ckr: 0xa4,
        ckrName: 'CKR_PIN_LOCKED',
        call: 'C_Login',
      });
      expect(locked.error.message).toMatch(/issuing office/);
    }
    await host.injectFault({ kind: 'fail-call', method: 'C_GetSlotList', ckr: CKR.DEVICE_ERROR, times: 1 });
    const broken = await host.call('tokens', {});
    expect(!broken.ok && broken.error.kind).toBe('device-error');
    // The rule was for one call only: the next listing works.
    expect(must(await host.call('tokens', {})).filter((t) => t.initialized).length).toBe(3);
  });

  it('answers calls in flight with worker-stopped when closed, and every later call too', async () => {
    const inFlight = host.call('tokens', {});
    await host.close();
    const r = await inFlight;
    // Either the listing finished before the finalize, or it was cut: never left hanging.
    expect(r.ok || r.error.kind === 'worker-stopped').toBe(true);
    const later = await host.call('tokens', {});
    expect(!later.ok && later.error.kind).toBe('worker-stopped');
    expect(host.pendingCalls()).toBe(0);
  });

  it('keeps the event loop free while the worker runs PKCS#11 calls', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const calls = Array.from({ length: 20 }, () => host.call('tokens', {}));
    await Promise.all(calls);
    clearInterval(timer);
    // Timers ran between the replies: the calls did not hold the main thread.
    expect(ticks).toBeGreaterThan(0);
  });
});

describe('Pkcs11Host with a module that cannot be loaded', () => {
  it('answers module-not-loadable with the path and what to check', async () => {
    const host = Pkcs11Host.open('/nonexistent/libnothing.so');
    const r = await host.call('tokens', {});
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.kind).toBe('module-not-loadable');
      expect(r.error.message).toMatch(/\/nonexistent\/libnothing\.so.*OpenSC, SoftHSM2/);
    }
    await host.close();
  });
});
