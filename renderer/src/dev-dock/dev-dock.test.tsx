// @vitest-environment happy-dom
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { DevFixtures, KioskStatus } from '../../../main/rpc/api';
import { FakeKiosk, status } from '../test-support/fixtures';
import { renderApp } from '../test-support/render-app';

afterEach(cleanup);

const FIXTURES: DevFixtures = {
  cards: [
    { label: 'voter-fra-1', role: 'voter', description: 'Voter in FRA-IDF', pin: '1234' },
    { label: 'official-1', role: 'official', description: 'Election official', pin: '246810' },
  ],
  documents: [{ name: 'passport-deu-1', description: 'German passport, eligible' }],
  hsmPin: '11223344',
  electionDir: '/home/demo/.ogas-demo/election',
  insertedCard: null,
  lid: 'closed',
  power: 'mains',
  printer: 'ready',
  ledgerRunning: true,
};

function demoKiosk(overrides: Partial<KioskStatus> = {}) {
  let fixtures = FIXTURES;
  const fake = new FakeKiosk(status({ mode: 'demo', ...overrides }));
  const answer = (next: Partial<DevFixtures>) => {
    fixtures = { ...fixtures, ...next };
    return { ok: true as const, value: fixtures };
  };
  fake.on('devFixtures', () => answer({}));
  fake.on('devInsertCard', (input) => answer({ insertedCard: input.label }));
  fake.on('devRemoveCard', () => answer({ insertedCard: null }));
  fake.on('devScanDocument', () => answer({}));
  fake.on('devSetLid', (input) => answer({ lid: input.open ? 'open' : 'closed' }));
  fake.on('devSetPower', (input) => answer({ power: input.source }));
  fake.on('devSetPrinter', (input) => answer({ printer: input.state }));
  fake.on('devSetLedger', (input) => answer({ ledgerRunning: input.running }));
  return fake;
}

describe('demo dock', () => {
  it('is absent on a real kiosk', async () => {
    await renderApp(status({ mode: 'real' }));
    expect(screen.queryByTestId('dev-dock')).toBeNull();
    expect(screen.queryByTestId('demo-badge')).toBeNull();
  });

  it('is marked DEMO, collapsed until opened, and lists cards with role and PIN', async () => {
    const user = userEvent.setup();
    await renderApp(demoKiosk());
    expect(screen.getByTestId('demo-badge').textContent).toBe('DEMO');
    const toggle = screen.getByTestId('dev-dock-toggle');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(screen.getByTestId('dev-dock').hidden).toBe(true);
    await user.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByTestId('dev-dock').hidden).toBe(false);
    const row = (await screen.findByText('voter-fra-1')).closest('tr')!;
    expect(within(row).getByText('voter')).toBeTruthy();
    expect(within(row).getByText('1234')).toBeTruthy();
    expect(screen.getByText('HSM PIN: 11223344')).toBeTruthy();
    const dir = screen.getByTestId('dock-election-dir');
    expect(dir.textContent).toBe('/home/demo/.ogas-demo/election');
    expect(dir.getAttribute('dir')).toBe('ltr');
  });

  it('drives the emulated devices', async () => {
    const user = userEvent.setup();
    const fake = demoKiosk();
    await renderApp(fake);
    await user.click(screen.getByTestId('dev-dock-toggle'));
    await user.click(await screen.findByTestId('dock-insert-official-1'));
    expect(fake.callsOf('devInsertCard')).toEqual([{ label: 'official-1' }]);
    expect(await screen.findByText('In the reader: official-1.')).toBeTruthy();
    await user.click(screen.getByTestId('dock-remove-card'));
    expect(fake.callsOf('devRemoveCard')).toHaveLength(1);
    await user.click(screen.getByTestId('dock-scan-passport-deu-1'));
    expect(fake.callsOf('devScanDocument')).toEqual([{ name: 'passport-deu-1' }]);
    await user.click(screen.getByTestId('dock-lid'));
    expect(fake.callsOf('devSetLid')).toEqual([{ open: true }]);
    await user.click(screen.getByTestId('dock-power'));
    expect(fake.callsOf('devSetPower')).toEqual([{ source: 'battery' }]);
    await user.click(screen.getByTestId('dock-printer-jammed'));
    expect(fake.callsOf('devSetPrinter')).toEqual([{ state: 'jammed' }]);
    expect(screen.getByTestId('dock-printer-jammed').getAttribute('aria-pressed')).toBe('true');
    await user.click(screen.getByTestId('dock-ledger'));
    expect(fake.callsOf('devSetLedger')).toEqual([{ running: false }]);
    expect(screen.getByTestId('dock-ledger').textContent).toBe('Start the ledger');
  });

  it('a demo restarted with its state: the screen says locked, the dock says how to unlock', async () => {
    const user = userEvent.setup();
    const hsmLocked = {
      kind: 'hsm-locked' as const,
      device: 'hsm',
      message: 'Locked: an election official must enter the HSM PIN.',
      since: '2030-05-01T09:00:00Z',
      blocking: true,
    };
    await renderApp(demoKiosk({ locked: true, alarms: [hsmLocked] }));
    expect(screen.getByRole('heading', { level: 1, name: 'This kiosk is locked' })).toBeTruthy();
    expect(
      screen.getByText(/until an election official unlocks it with their card and the HSM PIN/),
    ).toBeTruthy();
    await user.click(screen.getByTestId('dev-dock-toggle'));
    const note = await screen.findByTestId('dock-locked');
    expect(note.textContent).toMatch(
      /insert an election official's card, enter its PIN, then enter the HSM PIN 11223344/,
    );
  });

  it('says nothing about unlocking when the kiosk is not locked, or when polls are closed', async () => {
    const user = userEvent.setup();
    await renderApp(demoKiosk({ locked: true, polls: 'closed' }));
    expect(screen.getByRole('heading', { level: 1, name: 'The polls are closed' })).toBeTruthy();
    await user.click(screen.getByTestId('dev-dock-toggle'));
    await screen.findByTestId('dock-election-dir');
    expect(screen.queryByTestId('dock-locked')).toBeNull();
  });
});
