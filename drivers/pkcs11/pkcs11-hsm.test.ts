import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toHex } from '../../protocol/bytes';
import { sha256Hex } from '../../protocol/hash';
import { mlDsaKeygen } from '../../protocol/ml-dsa';
import { EmulatedHsm } from './emulated-hsm';
import type { Hsm } from './hsm';
import { Pkcs11Hsm } from './pkcs11-hsm';
import { Pkcs11Host, SOFTHSM2_MODULE } from './pkcs11-host';
import { KIOSK_KEY_PURPOSE, parseSealedBlob } from './sealed-blob';
import { SoftHsmTestTokens } from './softhsm-test-tokens';

const PIN = '24681357';
const kiosk = mlDsaKeygen(65);
const kioskId = sha256Hex(kiosk.publicKey);
const binding = { kioskId, purpose: KIOSK_KEY_PURPOSE };

function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** The checks every HSM implementation must pass, real or emulated. */
function sealingContract(name: string, make: () => Promise<Hsm>) {
  describe(`${name}: sealing contract`, () => {
    it('seals the kiosk ML-DSA secret key and unseals it to the same bytes', async () => {
      const hsm = await make();
      const blob = must(await hsm.seal(kiosk.secretKey, binding));
      expect(toHex(blob)).not.toContain(toHex(kiosk.secretKey.subarray(0, 32)));
      const again = must(await hsm.seal(kiosk.secretKey, binding));
      // A fresh IV every time.
      expect(toHex(again)).not.toBe(toHex(blob));
      expect(toHex(must(await hsm.unseal(blob, binding)))).toBe(toHex(kiosk.secretKey));
    });

    it('refuses a changed blob: ciphertext, tag, IV or header', async () => {
      const hsm = await make();
      const blob = must(await hsm.seal(kiosk.secretKey, binding));
      const iv = parseSealedBlob(blob);
      if (!iv.ok) throw new Error('unreadable');
      const ivAt = blob.length - 4 - iv.value.ciphertext.length - 12;
      for (const at of [blob.length - 1, blob.length - 100, ivAt, ivAt + 11]) {
        const changed = blob.slice();
        changed[at]! ^= 0x20;
        const r = await hsm.unseal(changed, binding);
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(r.error.kind).toBe('blob-refused');
          expect(r.error.message).toMatch(/changed, or sealed by another HSM: it was refused/);
        }
      }
    });

    it('refuses a blob for another kiosk or purpose, and a damaged one, naming why', async () => {
      const hsm = await make();
      const blob = must(await hsm.seal(kiosk.secretKey, binding));
      const other = await hsm.unseal(blob, { ...binding, kioskId: 'ff'.repeat(32) });
      expect(!other.ok && other.error).toMatchObject({ kind: 'blob-binding', field: 'kioskId' });
      const purpose = await hsm.unseal(blob, { ...binding, purpose: 'something-else' });
      expect(!purpose.ok && purpose.error).toMatchObject({ kind: 'blob-binding', field: 'purpose' });
      const relabelled = blob.slice();
      relabelled[6]! ^= 1; // the kiosk id inside the blob
      const moved = await hsm.unseal(relabelled, binding);
      expect(!moved.ok && moved.error.kind).toBe('blob-binding');
      const cut = await hsm.unseal(blob.subarray(0, 30), binding);
      expect(!cut.ok && cut.error.kind).toBe('blob-malformed');
    });

    it('is locked until the PIN is given, and after lock', async () => {
      const hsm = await make();
      const blob = must(await hsm.seal(kiosk.secretKey, binding));
      await hsm.lock();
      expect(hsm.isUnlocked()).toBe(false);
      const r = await hsm.unseal(blob, binding);
      expect(!r.ok && r.error.kind).toBe('locked');
      const wrong = await hsm.unlock('00000000');
      expect(!wrong.ok && wrong.error).toMatchObject({ kind: 'pkcs11', error: { kind: 'pin-incorrect' } });
      must(await hsm.unlock(PIN));
      expect(toHex(must(await hsm.unseal(blob, binding)))).toBe(toHex(kiosk.secretKey));
    });
  });
}

describe('Pkcs11Hsm over a real SoftHSM2 token', () => {
  let tokens: SoftHsmTestTokens;
  let host: Pkcs11Host;
  let hsms: Pkcs11Hsm[];

  beforeEach(() => {
    tokens = new SoftHsmTestTokens();
    tokens.initToken('kiosk-hsm', PIN);
    tokens.activate();
    host = Pkcs11Host.open(SOFTHSM2_MODULE, { faultInjection: true });
    hsms = [];
  });
  afterEach(async () => {
    for (const h of hsms) await h.close();
    await host.close();
    tokens.cleanup();
  });

  const provisioned = async () => {
    const hsm = new Pkcs11Hsm(host, { tokenLabel: 'kiosk-hsm' });
    hsms.push(hsm);
    must(await hsm.unlock(PIN));
    if (!must(await hsm.sealingKey())) must(await hsm.createSealingKey());
    return hsm;
  };

  sealingContract('Pkcs11Hsm', provisioned);

  it('creates a non-extractable, sensitive AES-256 token key whose value cannot be read', async () => {
    const hsm = new Pkcs11Hsm(host, { tokenLabel: 'kiosk-hsm' });
    hsms.push(hsm);
    expect((await hsm.sealingKey()).ok).toBe(false);
    must(await hsm.unlock(PIN));
    expect(must(await hsm.sealingKey())).toBeNull();
    const key = must(await hsm.createSealingKey());
    expect(key).toEqual({
      label: 'ogas-kiosk-seal-v1',
      valueLength: 32,
      token: true,
      sensitive: true,
      extractable: false,
      alwaysSensitive: true,
      neverExtractable: true,
      valueQuery: 'CKR_ATTRIBUTE_SENSITIVE',
    });
    const twice = await hsm.createSealingKey();
    expect(!twice.ok && twice.error.kind).toBe('key-exists');
    // An independent tool agrees: OpenSC's pkcs11-tool cannot read the key's value either.
    await hsm.close();
    await host.close();
    let output: string;
    try {
      output = execFileSync(
        'pkcs11-tool',
        ['--module', SOFTHSM2_MODULE, '--token-label', 'kiosk-hsm', '--login', '--pin', PIN,
          '--read-object', '--type', 'secrkey', '--label', 'ogas-kiosk-seal-v1'], // prettier-ignore
        { env: { ...process.env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
    } catch (e) {
      output = `failed: ${(e as { stderr?: string }).stderr ?? ''}`;
    }
    expect(output).toMatch(/^failed/);
    host = Pkcs11Host.open(SOFTHSM2_MODULE, { faultInjection: true });
  });

  it('keeps the key on the token: a blob sealed before a restart unseals after it', async () => {
    const hsm = await provisioned();
    const blob = must(await hsm.seal(kiosk.secretKey, binding));
    await hsm.close();
    await host.close();
    host = Pkcs11Host.open(SOFTHSM2_MODULE, { faultInjection: true });
    const after = new Pkcs11Hsm(host, { tokenLabel: 'kiosk-hsm' });
    hsms.push(after);
    must(await after.unlock(PIN));
    expect(toHex(must(await after.unseal(blob, binding)))).toBe(toHex(kiosk.secretKey));
  });

  it('reports an unplugged HSM as removed and locks itself', async () => {
    const hsm = await provisioned();
    await host.injectFault({ kind: 'remove-token', label: 'kiosk-hsm' });
    const r = await hsm.seal(kiosk.secretKey, binding);
    expect(!r.ok && r.error).toMatchObject({ kind: 'pkcs11', error: { kind: 'device-removed' } });
    expect(hsm.isUnlocked()).toBe(false);
    const again = await hsm.seal(kiosk.secretKey, binding);
    expect(!again.ok && again.error.kind).toBe('locked');
  });

  it('reports diagnostics: identity, the key check, a seal/unseal/tamper self-test, ML-DSA support', async () => {
    const locked = new Pkcs11Hsm(host, { tokenLabel: 'kiosk-hsm' });
    hsms.push(locked);
    const before = await locked.diagnostics();
    expect(before.selfTest.find((t) => t.name === 'unlocked')).toMatchObject({ passed: false });
    const hsm = await provisioned();
    const d = await hsm.diagnostics();
    expect(d).toMatchObject({ kind: 'hsm', real: true, present: true });
    expect(d.identity).toMatchObject({
      tokenLabel: 'kiosk-hsm',
      manufacturer: 'SoftHSM project',
      model: 'SoftHSM v2',
      firmwareVersion: '2.6',
      path: SOFTHSM2_MODULE,
    });
    expect(d.identity?.serialNumber).toMatch(/^[0-9a-f]{16}$/);
    expect(d.identity?.libraryVersion).toMatch(/^2\.6 \(Cryptoki 2\.40\)$/);
    expect(d.selfTest.map((t) => [t.name, t.passed])).toEqual([
      ['token', true],
      ['mechanisms', true],
      ['sealing-key', true],
      ['seal-unseal', true],
    ]);
    expect(d.selfTest.find((t) => t.name === 'mechanisms')?.detail).toMatch(/CKM_ML_DSA not offered/);
    expect(await hsm.offersMlDsa()).toBe(false);
    expect(d.latency.samples).toBeGreaterThan(0);
    const wrong = new Pkcs11Hsm(host, { tokenLabel: 'kiosk-hsm' });
    hsms.push(wrong);
    await wrong.unlock('11111111');
    expect((await wrong.diagnostics()).errorCounts).toMatchObject({ CKR_PIN_INCORRECT: 1 });
  });

  it('answers token-not-found for an HSM label that is not there', async () => {
    const hsm = new Pkcs11Hsm(host, { tokenLabel: 'no-such-hsm' });
    const r = await hsm.unlock(PIN);
    expect(!r.ok && r.error).toMatchObject({ kind: 'pkcs11', error: { kind: 'token-not-found' } });
    const d = await hsm.diagnostics();
    expect(d.present).toBe(false);
    expect(d.advice.join(' ')).toMatch(/no-such-hsm/);
  });
});

sealingContract('EmulatedHsm', async () => {
  const hsm = new EmulatedHsm({ pin: PIN, withKey: true });
  must(await hsm.unlock(PIN));
  return hsm;
});

describe('EmulatedHsm', () => {
  it('says it is emulated and refuses a blob sealed by another (emulated) HSM', async () => {
    const a = new EmulatedHsm({ pin: PIN, withKey: true });
    const b = new EmulatedHsm({ pin: PIN, withKey: true });
    must(await a.unlock(PIN));
    must(await b.unlock(PIN));
    const blob = must(await a.seal(kiosk.secretKey, binding));
    const r = await b.unseal(blob, binding);
    expect(!r.ok && r.error.kind).toBe('blob-refused');
    const d = await a.diagnostics();
    expect(d.real).toBe(false);
    expect(d.identity?.description).toMatch(/Emulated HSM/);
  });
});
