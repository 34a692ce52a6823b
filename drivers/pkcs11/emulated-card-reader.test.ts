import { beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../protocol/bytes';
import { verifyCardSignature } from '../../protocol/certificates';
import { CardAuthenticator } from './card-auth';
import { EmulatedCardReader } from './emulated-card-reader';
import { CKR } from './pkcs11-constants';
import { MemoryPinAttemptStore, PinAttemptTracker, newPinAttemptSecret } from './pin-attempts';
import { createTestCa, issueCardCertificate, toCardFile, type CardFile, type TestCa } from './test-ca';

let ca: TestCa;
let ecCard: CardFile;
let rsaCard: CardFile;

beforeAll(async () => {
  ca = await createTestCa('Emulated officials CA');
  ecCard = toCardFile(
    'official-ec',
    'official',
    '1234',
    await issueCardCertificate(ca, { commonName: 'A', role: 'official' }),
    ca,
  );
  rsaCard = toCardFile(
    'official-rsa',
    'official',
    '5678',
    await issueCardCertificate(ca, { commonName: 'B', role: 'official', keyAlgorithm: 'rsa-2048' }),
    ca,
  );
});

function authenticator(reader: EmulatedCardReader) {
  return new CardAuthenticator({
    reader,
    trust: { officials: [ca.certificatePem], voters: [] },
    kioskId: 'b2'.repeat(32),
    attempts: new PinAttemptTracker(new MemoryPinAttemptStore()),
    attemptSecret: newPinAttemptSecret(),
  });
}

describe('EmulatedCardReader', () => {
  it('reports inserted and removed card files as events', async () => {
    const reader = new EmulatedCardReader();
    expect(await reader.poll()).toEqual({ ok: true, value: [] });
    reader.insert(ecCard);
    const inserted = await reader.poll();
    expect(inserted.ok && inserted.value.map((e) => e.type)).toEqual(['card-inserted']);
    reader.remove('official-ec');
    expect(await reader.poll()).toEqual({
      ok: true,
      value: [{ type: 'card-removed', label: 'official-ec' }],
    });
    expect(() => {
      reader.insert(ecCard);
      reader.insert(ecCard);
    }).toThrow(/already inserted/);
  });

  for (const which of ['ec', 'rsa'] as const) {
    it(`signs like a real ${which} card: the certificate's key verifies it`, async () => {
      const file = which === 'ec' ? ecCard : rsaCard;
      const reader = new EmulatedCardReader();
      reader.insert(file);
      const session = await reader.open(file.label);
      if (!session.ok) throw new Error(session.error.message);
      const cert = await session.value.readCertificate();
      const notYet = await session.value.sign(utf8('x'));
      expect(!notYet.ok && notYet.error.kind).toBe('user-not-logged-in');
      expect((await session.value.login(file.pin)).ok).toBe(true);
      const sig = await session.value.sign(utf8('hello'));
      expect(cert.ok && sig.ok && verifyCardSignature(cert.value.der, utf8('hello'), sig.value)).toBe(true);
    });
  }

  it('counts PIN tries like a PIV card: count low, final try, then locked', async () => {
    const reader = new EmulatedCardReader();
    reader.insert(ecCard);
    const s = await reader.open('official-ec');
    if (!s.ok) throw new Error('no session');
    const flags = async () => {
      const f = await s.value.pinStatus();
      return f.ok ? f.value : null;
    };
    expect(await flags()).toMatchObject({ countLow: false, finalTry: false, locked: false });
    expect((await s.value.login('0000')).ok).toBe(false);
    expect(await flags()).toMatchObject({ countLow: true, finalTry: false });
    await s.value.login('0000');
    expect(await flags()).toMatchObject({ finalTry: true, locked: false });
    const last = await s.value.login('0000');
    expect(!last.ok && last.error.kind).toBe('pin-incorrect');
    expect(await flags()).toMatchObject({ locked: true });
    const after = await s.value.login('1234');
    expect(!after.ok && after.error.kind).toBe('pin-locked');
  });

  it('answers a pulled card with CKR_DEVICE_REMOVED, then CKR_SESSION_HANDLE_INVALID', async () => {
    const reader = new EmulatedCardReader();
    reader.insert(ecCard);
    const s = await reader.open('official-ec');
    if (!s.ok) throw new Error('no session');
    reader.remove('official-ec');
    const first = await s.value.login('1234');
    const second = await s.value.readCertificate();
    expect(!first.ok && first.error).toMatchObject({ kind: 'device-removed', ckrName: 'CKR_DEVICE_REMOVED' });
    expect(!second.ok && second.error).toMatchObject({ ckrName: 'CKR_SESSION_HANDLE_INVALID' });
    const d = await reader.diagnostics();
    expect(d).toMatchObject({
      real: false,
      errorCounts: { CKR_DEVICE_REMOVED: 1, CKR_SESSION_HANDLE_INVALID: 1 },
    });
  });
});

describe('CardAuthenticator over the emulated reader (the demo path)', () => {
  it('authenticates a good card', async () => {
    const reader = new EmulatedCardReader();
    reader.insert(rsaCard);
    const auth = authenticator(reader);
    await auth.cardInserted('official-rsa');
    expect((await auth.submitPin('5678')).status).toBe('authenticated');
    expect(reader.openSessionCount()).toBe(1);
    await auth.logOut();
    expect(reader.openSessionCount()).toBe(0);
  });

  it('fails with card-pin-locked when the card locks itself on the third wrong PIN', async () => {
    const reader = new EmulatedCardReader();
    reader.insert(ecCard);
    const auth = authenticator(reader);
    await auth.cardInserted('official-ec');
    await auth.submitPin('0000');
    const second = await auth.submitPin('0001');
    expect(second.status === 'awaiting-pin' && second.prompt.lastError?.message).toMatch(/one more try/);
    const third = await auth.submitPin('0002');
    expect(third).toMatchObject({ status: 'failed', error: { kind: 'card-pin-locked' } });
    expect(reader.openSessionCount()).toBe(0);
  });

  it('ends cleanly when the card is pulled out between challenge and signature', async () => {
    const reader = new EmulatedCardReader();
    reader.insert(ecCard);
    const auth = authenticator(reader);
    auth.subscribe((s) => {
      if (s.status === 'signing-challenge') reader.remove('official-ec');
    });
    await auth.cardInserted('official-ec');
    expect(await auth.submitPin('1234')).toEqual({
      status: 'ended',
      label: 'official-ec',
      reason: 'card-removed',
    });
    expect(reader.openSessionCount()).toBe(0);
  });

  it('fails with the card error when the card reports a device error', async () => {
    const reader = new EmulatedCardReader();
    reader.insert(ecCard);
    reader.failNext('official-ec', 'C_Sign', CKR.DEVICE_ERROR);
    const auth = authenticator(reader);
    await auth.cardInserted('official-ec');
    expect(await auth.submitPin('1234')).toMatchObject({
      status: 'failed',
      error: { kind: 'card', error: { kind: 'device-error' } },
    });
  });
});

describe('watching for cards', () => {
  it('calls the listener on insertion and removal until stopped', async () => {
    const reader = new EmulatedCardReader();
    const events: string[] = [];
    let notify: () => void = () => undefined;
    const stop = reader.watch(
      (e) => {
        events.push(`${e.type} ${e.type === 'card-inserted' ? e.card.label : e.label}`);
        notify();
      },
      { intervalMs: 1 },
    );
    const next = () => new Promise<void>((resolve) => (notify = resolve));
    let arrived = next();
    reader.insert(ecCard);
    await arrived;
    arrived = next();
    reader.remove('official-ec');
    await arrived;
    stop();
    expect(events).toEqual(['card-inserted official-ec', 'card-removed official-ec']);
  });
});
