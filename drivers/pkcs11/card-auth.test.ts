import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spkiSha256Hex, verifyCardSignature } from '../../protocol/certificates';
import { utf8 } from '../../protocol/bytes';
import type { CardRole } from '../../protocol/roles';
import { CardAuthenticator } from './card-auth';
import type { CardAuthState } from './card-auth-machine';
import { CARD_CHALLENGE_DOMAIN } from './card-challenge';
import { Pkcs11CardReader } from './pkcs11-card-reader';
import { CKR } from './pkcs11-constants';
import { Pkcs11Host, SOFTHSM2_MODULE } from './pkcs11-host';
import { MemoryPinAttemptStore, PinAttemptTracker, newPinAttemptSecret, pinAttemptKey } from './pin-attempts';
import { SoftHsmTestTokens } from './softhsm-test-tokens';
import {
  createTestCa,
  issueCardCertificate,
  type CardKeyAlgorithm,
  type IssuedCertificate,
  type TestCa,
} from './test-ca';

const PIN = '123456';
const KIOSK_ID = 'a1'.repeat(32);
const DAY = 86_400_000;

interface Pki {
  officials: TestCa;
  voters: TestCa;
  rogue: TestCa;
}

let pki: Pki;
beforeAll(async () => {
  pki = {
    officials: await createTestCa('OGAS officials CA'),
    voters: await createTestCa('OGAS voters CA', { keyAlgorithm: 'rsa-2048' }),
    rogue: await createTestCa('Rogue CA'),
  };
});

class FakeClock {
  t = Date.now();
  now(): number {
    return this.t;
  }
}

interface Env {
  tokens: SoftHsmTestTokens;
  host: Pkcs11Host;
  reader: Pkcs11CardReader;
  auth: CardAuthenticator;
  store: MemoryPinAttemptStore;
  secret: Uint8Array;
  clock: FakeClock;
  cards: Record<string, IssuedCertificate>;
}

let env: Env | null = null;

interface CardSpec {
  label: string;
  ca?: keyof Pki;
  role?: string;
  keyAlgorithm?: CardKeyAlgorithm;
  notBefore?: Date;
  notAfter?: Date;
}

/** Real SoftHSM2 tokens made for this test only, one per card, and an authenticator over them. */
async function setup(specs: CardSpec[], roles?: readonly CardRole[]): Promise<Env> {
  const tokens = new SoftHsmTestTokens();
  const cards: Record<string, IssuedCertificate> = {};
  for (const s of specs) {
    const card = await issueCardCertificate(pki[s.ca ?? 'officials'], {
      commonName: `Holder of ${s.label}`,
      role: s.role ?? 'official',
      ...(s.keyAlgorithm ? { keyAlgorithm: s.keyAlgorithm } : {}),
      ...(s.notBefore ? { notBefore: s.notBefore } : {}),
      ...(s.notAfter ? { notAfter: s.notAfter } : {}),
    });
    tokens.importCard({ label: s.label, pin: PIN, ...card });
    cards[s.label] = card;
  }
  tokens.activate();
  const host = Pkcs11Host.open(SOFTHSM2_MODULE, { faultInjection: true });
  const reader = new Pkcs11CardReader(host);
  const store = new MemoryPinAttemptStore();
  const clock = new FakeClock();
  const secret = newPinAttemptSecret();
  const auth = new CardAuthenticator({
    reader,
    trust: { officials: [pki.officials.certificatePem], voters: [pki.voters.certificatePem] },
    ...(roles ? { roles } : {}),
    kioskId: KIOSK_ID,
    attempts: new PinAttemptTracker(store, clock),
    attemptSecret: secret,
    clock,
  });
  env = { tokens, host, reader, auth, store, secret, clock, cards };
  return env;
}

afterEach(async () => {
  if (!env) return;
  await env.reader.close();
  await env.host.close();
  env.tokens.cleanup();
  env = null;
});

async function openSessions(host: Pkcs11Host): Promise<number> {
  const r = await host.call('status', {});
  if (!r.ok) throw new Error(r.error.message);
  return r.value.openSessions;
}

function failure(state: CardAuthState) {
  return state.status === 'failed' ? state.error : null;
}

describe('card authentication against real SoftHSM2 cards', () => {
  for (const keyAlgorithm of ['ecdsa-p256', 'rsa-2048'] as const) {
    it(`authenticates a good ${keyAlgorithm} official card: certificate, chain, PIN, signed challenge`, async () => {
      const { auth, cards, host } = await setup([{ label: 'official-1', keyAlgorithm }]);
      const seen: string[] = [];
      auth.subscribe((s) => seen.push(s.status));
      const ready = await auth.cardInserted('official-1');
      expect(ready).toMatchObject({
        status: 'awaiting-pin',
        prompt: { kioskFailures: 0, lockedUntil: null, lastError: null },
      });
      const done = await auth.submitPin(PIN);
      expect(done.status).toBe('authenticated');
      if (done.status !== 'authenticated') return;
      expect(done.identity.role).toBe('official');
      expect(done.identity.credentialKey).toBe(`card:${spkiSha256Hex(cards['official-1']!.certificate)}`);
      expect(done.identity.keyAlgorithm).toBe(keyAlgorithm === 'ecdsa-p256' ? 'ecdsa-p256' : 'rsa');
      expect(seen).toEqual([
        'reading-certificate',
        'validating-chain',
        'checking-pin-status',
        'awaiting-pin',
        'verifying-pin',
        'signing-challenge',
        'verifying-signature',
        'authenticated',
      ]);
      // The authenticated card signs for the backend (an official's kiosk enrolment, DESIGN §5).
      const message = utf8('{"type":"kiosk-enrolment"}');
      const sig = await auth.signWithCard(message);
      expect(sig.ok && verifyCardSignature(cards['official-1']!.certificate, message, sig.value)).toBe(true);
      expect(await openSessions(host)).toBe(1);
      await auth.logOut();
      expect(auth.getState()).toMatchObject({ status: 'ended', reason: 'logged-out' });
      expect(await openSessions(host)).toBe(0);
    });
  }

  it('signs a challenge bound to the kiosk id and a fresh session id', async () => {
    const { auth } = await setup([{ label: 'official-1' }]);
    const challenges: Uint8Array[] = [];
    auth.subscribe((s) => {
      if (s.status === 'signing-challenge') challenges.push(s.challenge);
    });
    await auth.cardInserted('official-1');
    await auth.submitPin(PIN);
    await auth.cardRemoved('official-1');
    await auth.cardInserted('official-1');
    await auth.submitPin(PIN);
    expect(challenges).toHaveLength(2);
    const [a, b] = challenges as [Uint8Array, Uint8Array];
    const prefix = CARD_CHALLENGE_DOMAIN.length + 1;
    expect(Buffer.from(a.subarray(prefix, prefix + 32)).toString('hex')).toBe(KIOSK_ID);
    expect(Buffer.from(a.subarray(prefix + 32, prefix + 48))).not.toEqual(
      Buffer.from(b.subarray(prefix + 32, prefix + 48)),
    );
  });

  it('refuses an expired card with the date and what to do', async () => {
    const { auth, host } = await setup([
      { label: 'expired', notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - DAY) },
    ]);
    const s = await auth.cardInserted('expired');
    expect(failure(s)).toMatchObject({ kind: 'certificate', error: { kind: 'expired' } });
    expect(failure(s)?.message).toMatch(/expired on \d{4}-\d\d-\d\dT.*must be replaced/);
    expect(await openSessions(host)).toBe(0);
  });

  it('refuses a card from a CA the election does not trust', async () => {
    const { auth } = await setup([{ label: 'rogue', ca: 'rogue' }]);
    const s = await auth.cardInserted('rogue');
    expect(failure(s)).toMatchObject({ kind: 'certificate', error: { kind: 'untrusted-issuer' } });
  });

  it('refuses a voter card where an official is needed, and a card whose OU is not a role', async () => {
    const { auth } = await setup(
      [
        { label: 'voter', ca: 'voters', role: 'voter', keyAlgorithm: 'rsa-2048' },
        { label: 'janitor', role: 'janitor' },
      ],
      ['official'],
    );
    const voter = await auth.cardInserted('voter');
    expect(failure(voter)).toMatchObject({ kind: 'certificate', error: { kind: 'wrong-role' } });
    expect(failure(voter)?.message).toMatch(/voter card; a official card is needed/);
    await auth.cardRemoved('voter');
    const janitor = await auth.cardInserted('janitor');
    expect(failure(janitor)).toMatchObject({ kind: 'certificate', error: { kind: 'unknown-role' } });
  });

  it('counts wrong PINs per card, locks out with a growing wait, and erases the count after a good PIN', async () => {
    const { auth, store, secret, clock, cards, reader } = await setup([{ label: 'official-1' }]);
    const key = pinAttemptKey(secret, cards['official-1']!.certificate);
    await auth.cardInserted('official-1');
    let s = await auth.submitPin('000000');
    expect(s).toMatchObject({
      status: 'awaiting-pin',
      prompt: { kioskFailures: 1, lastError: { kind: 'pin-incorrect' } },
    });
    // SoftHSM2 raises CKF_USER_PIN_COUNT_LOW after a wrong PIN; the prompt shows the card's own flags.
    expect(s.status === 'awaiting-pin' && s.prompt.card.countLow).toBe(true);
    await auth.submitPin('000001');
    s = await auth.submitPin('000002');
    expect(s).toMatchObject({
      status: 'awaiting-pin',
      prompt: { kioskFailures: 3, lockedUntil: clock.t + 30_000, lastError: { kind: 'kiosk-locked-out' } },
    });
    expect(await store.get(key)).toMatchObject({ failures: 3 });
    // During the lock-out even the right PIN is not sent to the card.
    const before = (await reader.diagnostics()).errorCounts.CKR_PIN_INCORRECT;
    s = await auth.submitPin(PIN);
    expect(s).toMatchObject({ status: 'awaiting-pin', prompt: { lastError: { kind: 'kiosk-locked-out' } } });
    expect((await reader.diagnostics()).errorCounts.CKR_PIN_INCORRECT).toBe(before);
    clock.t += 30_000;
    s = await auth.submitPin('000003');
    expect(s).toMatchObject({ prompt: { kioskFailures: 4, lockedUntil: clock.t + 60_000 } });
    // The count survives removal and re-insertion (it is the kiosk's, per card).
    await auth.cardRemoved('official-1');
    s = await auth.cardInserted('official-1');
    expect(s).toMatchObject({
      status: 'awaiting-pin',
      prompt: { kioskFailures: 4, lockedUntil: clock.t + 60_000 },
    });
    clock.t += 60_000;
    expect((await auth.submitPin(PIN)).status).toBe('authenticated');
    expect(await store.get(key)).toBeNull();
  });

  it('ends cleanly when the card is pulled out between the challenge and its signature', async () => {
    const { auth, host, reader } = await setup([{ label: 'official-1' }]);
    await auth.cardInserted('official-1');
    await host.injectFault({ kind: 'remove-token-on-call', label: 'official-1', method: 'C_SignInit' });
    const s = await auth.submitPin(PIN);
    expect(s).toEqual({ status: 'ended', label: 'official-1', reason: 'card-removed' });
    expect(host.pendingCalls()).toBe(0);
    expect(await openSessions(host)).toBe(0);
    // The reader sees it gone too.
    const events = await reader.poll();
    expect(events.ok && events.value).toEqual([]);
    expect((await reader.cards()).ok && (await reader.cards())).toMatchObject({ value: [] });
  });

  it('ends cleanly when the card is pulled out while the PIN prompt is shown', async () => {
    const { auth, host, reader } = await setup([{ label: 'official-1' }]);
    const events = await reader.poll();
    expect(events.ok && events.value.map((e) => e.type)).toEqual(['card-inserted']);
    if (events.ok) await auth.handle(events.value[0]!);
    expect(auth.getState().status).toBe('awaiting-pin');
    await host.injectFault({ kind: 'remove-token', label: 'official-1' });
    const removed = await reader.poll();
    expect(removed.ok && removed.value).toEqual([{ type: 'card-removed', label: 'official-1' }]);
    if (removed.ok) await auth.handle(removed.value[0]!);
    expect(auth.getState()).toMatchObject({ status: 'ended', reason: 'card-removed' });
    expect(await openSessions(host)).toBe(0);
    // Put back: noticed as a new insertion, and it works again.
    await host.injectFault({ kind: 'insert-token', label: 'official-1' });
    const back = await reader.poll();
    expect(back.ok && back.value.map((e) => e.type)).toEqual(['card-inserted']);
    await auth.cardInserted('official-1');
    expect((await auth.submitPin(PIN)).status).toBe('authenticated');
  });

  it('maps conditions SoftHSM2 cannot produce, injected at the pkcs11js boundary', async () => {
    const { auth, host } = await setup([{ label: 'official-1' }]);
    await host.injectFault({ kind: 'fail-call', method: 'C_Login', ckr: CKR.PIN_LOCKED, times: 1 });
    await auth.cardInserted('official-1');
    let s = await auth.submitPin(PIN);
    expect(failure(s)).toMatchObject({ kind: 'card-pin-locked' });
    expect(await openSessions(host)).toBe(0);
    await auth.cardRemoved('official-1');

    await host.injectFault({
      kind: 'fail-call',
      method: 'C_OpenSession',
      ckr: CKR.TOKEN_NOT_PRESENT,
      times: 1,
    });
    s = await auth.cardInserted('official-1');
    expect(s).toMatchObject({ status: 'ended', reason: 'card-removed' });

    await host.injectFault({
      kind: 'fail-call',
      method: 'C_FindObjectsInit',
      ckr: CKR.SESSION_HANDLE_INVALID,
      times: 1,
    });
    s = await auth.cardInserted('official-1');
    expect(s).toMatchObject({ status: 'ended', reason: 'card-removed' });

    await host.injectFault({ kind: 'fail-call', method: 'C_Sign', ckr: CKR.DEVICE_ERROR, times: 1 });
    await auth.cardInserted('official-1');
    s = await auth.submitPin(PIN);
    expect(failure(s)).toMatchObject({
      kind: 'card',
      error: { kind: 'device-error', ckrName: 'CKR_DEVICE_ERROR' },
    });
    expect(failure(s)?.message).toMatch(/call a technician/);
    expect(host.pendingCalls()).toBe(0);
    expect(await openSessions(host)).toBe(0);
  });

  it('reports reader diagnostics: module identity, slot list, error counts by CKR name', async () => {
    const { reader, auth } = await setup([{ label: 'official-1' }, { label: 'official-2' }]);
    await auth.cardInserted('official-1');
    await auth.submitPin('999999');
    const d = await reader.diagnostics();
    expect(d).toMatchObject({ kind: 'card-reader', real: true, present: true });
    expect(d.identity).toMatchObject({ manufacturer: 'SoftHSM', path: SOFTHSM2_MODULE });
    expect(d.identity?.libraryVersion).toMatch(/^2\.6 /);
    expect(d.selfTest.find((t) => t.name === 'slot-list')).toMatchObject({
      passed: true,
      detail: expect.stringMatching(/^2 card\(s\)/),
    });
    expect(d.errorCounts).toEqual({ CKR_PIN_INCORRECT: 1 });
    expect(d.latency.samples).toBeGreaterThan(3);
    // No card label (it may carry a holder's name) in what the technician screen or the log shows.
    expect(JSON.stringify(d)).not.toMatch(/official-1/);
  });
});
