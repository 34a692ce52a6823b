import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulatedCardReader } from '../../drivers/pkcs11/emulated-card-reader';
import {
  MemoryPinAttemptStore,
  newPinAttemptSecret,
  PinAttemptTracker,
} from '../../drivers/pkcs11/pin-attempts';
import { createTestCa, issueCardCertificate, toCardFile, type CardFile } from '../../drivers/pkcs11/test-ca';
import { EventLog } from '../event-log/event-log';
import { KioskAuth, type VoterCardEvent } from './kiosk-auth';

let dir: string;
let official: CardFile;
let voter: CardFile;
let trust: { voters: string[]; officials: string[] };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ogas-auth-'));
  const officials = await createTestCa('Test Officials CA');
  const voters = await createTestCa('Test Voters CA');
  const o = await issueCardCertificate(officials, { commonName: 'OFFICIAL ONE', role: 'official' });
  const v = await issueCardCertificate(voters, { commonName: 'VOTER ONE', role: 'voter' });
  official = toCardFile('official-1', 'official', '123456', o, officials);
  voter = toCardFile('voter-1', 'voter', '123456', v, voters);
  trust = { voters: [voters.certificatePem], officials: [officials.certificatePem] };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function setup(name: string) {
  const reader = new EmulatedCardReader();
  const log = new EventLog(join(dir, `${name}.db`));
  const auth = new KioskAuth({
    reader,
    trust: () => trust,
    kioskId: () => 'ab'.repeat(32),
    attempts: new PinAttemptTracker(new MemoryPinAttemptStore()),
    attemptSecret: newPinAttemptSecret(),
    log,
  });
  const voterEvents: VoterCardEvent[] = [];
  auth.onVoterCard((e) => voterEvents.push(e));
  const insert = async (card: CardFile) => {
    reader.insert(card);
    const r = await reader.poll();
    if (r.ok) for (const e of r.value) await auth.handleReaderEvent(e);
  };
  const remove = async (card: CardFile) => {
    reader.remove(card.label);
    const r = await reader.poll();
    if (r.ok) for (const e of r.value) await auth.handleReaderEvent(e);
  };
  return { reader, log, auth, voterEvents, insert, remove };
}

describe('kiosk auth (emulated card reader)', () => {
  it('an official card with the right PIN signs in as official; removing it signs out', async () => {
    const { auth, log, insert, remove } = setup('official');
    await insert(official);
    expect(auth.cardView()).toMatchObject({ status: 'awaiting-pin', role: 'official' });
    await auth.submitPin('000000');
    expect(auth.cardView()).toMatchObject({
      status: 'awaiting-pin',
      prompt: { kioskFailures: 1, lastErrorCode: 'incorrect' },
    });
    expect(auth.staffState().status).toBe('pending');
    await auth.submitPin('123456');
    expect(auth.cardView()).toMatchObject({ status: 'authenticated', role: 'official' });
    expect(auth.staffView()).toEqual({ role: 'official', name: 'OFFICIAL ONE' });
    await remove(official);
    expect(auth.staffState()).toEqual({ status: 'logged-out', reason: 'card-removed' });
    expect(auth.cardView()).toEqual({ status: 'no-card' });
    const ids = log.texts().map((t) => (JSON.parse(t) as { eventId: string }).eventId);
    expect(ids).toEqual(['card-inserted', 'card-pin-refused', 'card-authenticated', 'card-removed']);
    const visible = log.texts().map((t) => {
      const { message, details } = JSON.parse(t) as { message: string; details: unknown };
      return JSON.stringify({ message, details });
    });
    expect(visible.join('')).not.toContain('000000');
    expect(log.verify().valid).toBe(true);
    await auth.close();
    log.close();
  });

  it('signing out keeps the card in but ends the session until it is removed', async () => {
    const { auth, log, insert, remove } = setup('signout');
    await insert(official);
    await auth.submitPin('123456');
    await auth.signOut();
    expect(auth.staffState()).toEqual({ status: 'logged-out', reason: 'signed-out' });
    expect(auth.cardView()).toEqual({ status: 'signed-out', label: 'official-1' });
    await remove(official);
    expect(auth.cardView()).toEqual({ status: 'no-card' });
    await auth.close();
    log.close();
  });

  it('a voter card gives no staff rights and tells the voter session its credential key', async () => {
    const { auth, log, insert, remove, voterEvents } = setup('voter');
    await insert(voter);
    expect(voterEvents).toEqual([{ type: 'detected', label: 'voter-1' }]);
    await auth.submitPin('123456');
    expect(auth.staffState()).toEqual({ status: 'voter-card', label: 'voter-1' });
    expect(auth.staffView()).toBeNull();
    expect(voterEvents[1]).toMatchObject({ type: 'authenticated', label: 'voter-1' });
    expect((voterEvents[1] as { credentialKey: string }).credentialKey).toMatch(/^card:[0-9a-f]{64}$/);
    await remove(voter);
    expect(voterEvents[2]).toEqual({ type: 'removed', label: 'voter-1' });
    // The credential key is never logged.
    const key = (voterEvents[1] as { credentialKey: string }).credentialKey;
    expect(log.texts().join('')).not.toContain(key.slice(5));
    await auth.close();
    log.close();
  });

  it('a card that does not chain to the trust anchors fails with a message', async () => {
    const { auth, log, insert } = setup('untrusted');
    const other = await createTestCa('Someone Else CA');
    const issued = await issueCardCertificate(other, { commonName: 'MALLORY', role: 'official' });
    await insert(toCardFile('mallory', 'official', '123456', issued, other));
    const view = auth.cardView();
    expect(view).toMatchObject({ status: 'failed', reason: 'not-trusted', lockedUntil: null });
    if (view.status === 'failed') expect(view.message).toMatch(/issued by/);
    expect(auth.staffState()).toEqual({ status: 'logged-out', reason: 'card-failed' });
    await auth.close();
    log.close();
  });
});
