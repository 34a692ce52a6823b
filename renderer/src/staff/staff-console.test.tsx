// @vitest-environment happy-dom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { KioskStatus, PollsReport, StaffRole } from '../../../main/rpc/api';
import { FakeKiosk, status, withCard } from '../test-support/fixtures';
import { renderApp } from '../test-support/render-app';
import { panelsFor } from './staff-console';

afterEach(cleanup);

function signedIn(role: StaffRole, base: KioskStatus = status()): KioskStatus {
  return withCard(
    { status: 'authenticated', label: `${role}-1`, role },
    { role, name: `Test ${role}` },
    base,
  );
}

const ZERO: PollsReport = {
  kind: 'zero',
  electionId: 'ab'.repeat(32),
  kioskId: 'cd'.repeat(32),
  generatedAt: '2030-05-01T08:00:00Z',
  totals: { checkins: 0, ballots: 0 },
  byStyle: [],
  pollsEntry: { seq: 1, leafHash: 'ef'.repeat(32), acknowledged: true },
  ballotsWaiting: 0,
  lastAcknowledgedCheckpoint: null,
};

describe('panelsFor (main/rpc/api.ts METHOD_ACCESS)', () => {
  it.each<[string, StaffRole, KioskStatus, string[]]>([
    [
      'official on an unconfigured kiosk',
      'official',
      status({
        provisioning: { step: 'unconfigured', election: null, kioskId: null, enrolmentIndex: null },
        polls: 'not-open',
      }),
      ['provisioning', 'status', 'diagnostics'],
    ],
    [
      'official, ready',
      'official',
      status(),
      ['status', 'polls', 'reports', 'diagnostics', 'provisioning', 'unconfigure'],
    ],
    [
      'official after a restart (locked)',
      'official',
      status({ locked: true }),
      ['unlock', 'status', 'polls', 'reports', 'diagnostics', 'provisioning', 'unconfigure'],
    ],
    [
      'official after a restart between key creation and enrolment (locked)',
      'official',
      status({
        locked: true,
        polls: 'not-open',
        provisioning: { ...status().provisioning, step: 'key-created', enrolmentIndex: null },
      }),
      ['unlock', 'provisioning', 'status', 'diagnostics', 'unconfigure'],
    ],
    ['poll worker', 'poll-worker', status(), ['status', 'polls', 'reports']],
    ['technician', 'technician', status(), ['diagnostics', 'status']],
  ])('%s', (_name, role, s, panels) => {
    expect(panelsFor(role, s)).toEqual(panels);
  });

  it('puts a document waiting for a poll worker first', () => {
    const s = status({
      session: {
        voter: {
          phase: 'awaiting-confirmation',
          document: {
            format: 'mrz-td3',
            documentType: 'P',
            issuingState: 'FRA',
            surname: 'MARTIN',
            givenNames: 'ALICE',
            birthDate: '1980-01-02',
            expiryDate: '2031-01-01',
            nationality: 'FRA',
            valid: true,
          },
        },
        expiresAt: null,
      },
    });
    expect(panelsFor('poll-worker', s)[0]).toBe('document');
    expect(panelsFor('technician', s)).not.toContain('document');
  });
});

describe('staff console', () => {
  it('signs in a staff card with its PIN', async () => {
    const user = userEvent.setup();
    const fake = new FakeKiosk(
      withCard({
        status: 'awaiting-pin',
        label: 'official-1',
        role: 'official',
        prompt: {
          kioskFailures: 0,
          lockedUntil: null,
          cardCountLow: false,
          cardFinalTry: false,
          lastError: null,
          lastErrorCode: null,
        },
      }),
    );
    fake.on('enterCardPin', () => ({
      ok: true,
      value: { status: 'authenticated', label: 'official-1', role: 'official' },
    }));
    await renderApp(fake);
    expect(screen.getByRole('heading', { level: 1, name: /Sign in as election official/ })).toBeTruthy();
    await user.type(screen.getByLabelText('PIN'), '246810');
    await user.click(screen.getByRole('button', { name: 'OK' }));
    expect(fake.callsOf('enterCardPin')).toEqual([{ pin: '246810' }]);
  });

  it('opens the polls after a confirmation and shows the zero report', async () => {
    const user = userEvent.setup();
    const fake = new FakeKiosk(signedIn('official', status({ polls: 'not-open' })));
    fake.on('openPolls', () => ({
      ok: true,
      value: { polls: 'open', report: { report: ZERO, html: '<html></html>' } },
    }));
    await renderApp(fake);
    await user.click(screen.getByTestId('nav-polls'));
    await user.click(screen.getByTestId('polls-open'));
    const dialog = screen.getByTestId('polls-confirm');
    expect(within(dialog).getByText(/zero report/)).toBeTruthy();
    expect(fake.callsOf('openPolls')).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Open the polls' }));
    expect(fake.callsOf('openPolls')).toHaveLength(1);
    const report = screen.getByTestId('report-zero');
    expect(within(report).getByText('Zero report (polls opened)')).toBeTruthy();
    expect(within(report).getByText('acknowledged by the ledger')).toBeTruthy();
  });

  it('lets a poll worker pause but not close', async () => {
    const user = userEvent.setup();
    await renderApp(signedIn('poll-worker'));
    await user.click(screen.getByTestId('nav-polls'));
    expect(screen.getByTestId('polls-pause')).toBeTruthy();
    expect(screen.queryByTestId('polls-close')).toBeNull();
  });

  it('shows the queue to the ledger, the last checkpoint and the alarms', async () => {
    const base = status({
      ledger: {
        url: 'http://127.0.0.1:9000',
        reachable: false,
        lastError: 'connect ECONNREFUSED',
        ballotsWaiting: 17,
        chainedWaiting: 1,
        lastAcknowledgedCheckpoint: {
          origin: 'ogas.example/log',
          size: 42,
          rootHash: 'cm9vdA==',
          cosignatures: 2,
          verifiedAt: '2030-05-01T09:59:00Z',
        },
      },
      alarms: [
        {
          kind: 'tamper',
          device: 'controller',
          message: 'lid open',
          since: '2030-05-01T09:58:00Z',
          blocking: true,
        },
        {
          kind: 'power',
          device: 'ups',
          message: 'on battery',
          since: '2030-05-01T09:57:00Z',
          blocking: false,
        },
      ],
    });
    await renderApp(signedIn('poll-worker', base));
    expect(screen.getByTestId('ballots-waiting').textContent).toMatch(/17/);
    expect(screen.getByTestId('ledger-reachability').textContent).toMatch(/Unreachable/);
    expect(screen.getByTestId('last-checkpoint').textContent).toMatch(/Size 42, 2 cosignatures/);
    const alarms = screen.getByTestId('alarms');
    expect(within(alarms).getByText('Enclosure open (tamper)')).toBeTruthy();
    expect(alarms.textContent).toMatch(/voting stopped/);
    expect(within(alarms).getByText('Power')).toBeTruthy();
  });

  it('walks an official through provisioning: load, HSM PIN, enrol', async () => {
    const user = userEvent.setup();
    const unconfigured = status({
      provisioning: { step: 'unconfigured', election: null, kioskId: null, enrolmentIndex: null },
      polls: 'not-open',
    });
    const fake = new FakeKiosk(signedIn('official', unconfigured));
    const loaded = {
      ...status().provisioning,
      step: 'package-loaded' as const,
      kioskId: null,
      enrolmentIndex: null,
    };
    fake.on('loadElection', () => ({ ok: true, value: loaded }));
    fake.on('createKioskKey', () => ({
      ok: true,
      value: { ...loaded, step: 'key-created', kioskId: 'cd'.repeat(32) },
    }));
    const app = await renderApp(fake);
    await user.type(screen.getByTestId('package-path'), '/media/usb/election');
    await user.click(screen.getByRole('button', { name: 'Load and verify' }));
    expect(fake.callsOf('loadElection')).toEqual([{ path: '/media/usb/election' }]);
    await app.advance(signedIn('official', status({ provisioning: loaded, polls: 'not-open' })));
    expect(screen.getByTestId('election-facts').textContent).toMatch(/2 valid, 2 required/);
    await user.type(screen.getByLabelText('HSM PIN'), '123456');
    await user.click(screen.getByRole('button', { name: 'Create and seal the kiosk key' }));
    expect(fake.callsOf('createKioskKey')).toEqual([{ hsmPin: '123456' }]);
  });

  it('in demo mode, offers the demo election folder as the path, and keeps what the official types', async () => {
    const user = userEvent.setup();
    const unconfigured = status({
      mode: 'demo',
      provisioning: { step: 'unconfigured', election: null, kioskId: null, enrolmentIndex: null },
      polls: 'not-open',
    });
    const fake = new FakeKiosk(signedIn('official', unconfigured));
    fake.on('devFixtures', () => ({
      ok: true,
      value: {
        cards: [],
        documents: [],
        hsmPin: '24680',
        electionDir: '/srv/demo/election',
        insertedCard: 'official-1',
        lid: 'closed',
        power: 'mains',
        printer: 'ready',
        ledgerRunning: true,
      },
    }));
    fake.on('loadElection', () => ({ ok: false, error: { code: 'package', message: 'refused' } }));
    await renderApp(fake);
    const field = screen.getByTestId<HTMLInputElement>('package-path');
    await waitFor(() => expect(field.value).toBe('/srv/demo/election'));
    await user.click(screen.getByRole('button', { name: 'Load and verify' }));
    expect(fake.callsOf('loadElection')).toEqual([{ path: '/srv/demo/election' }]);
    await user.clear(field);
    await user.type(field, '/media/usb/other');
    expect(field.value).toBe('/media/usb/other');
  });

  it('on a real kiosk, asks the dev dock for nothing and leaves the path empty', async () => {
    const fake = new FakeKiosk(
      signedIn(
        'official',
        status({
          provisioning: { step: 'unconfigured', election: null, kioskId: null, enrolmentIndex: null },
        }),
      ),
    );
    await renderApp(fake);
    expect(screen.getByTestId<HTMLInputElement>('package-path').value).toBe('');
    expect(fake.callsOf('devFixtures')).toEqual([]);
  });

  it('shows package refusals field by field', async () => {
    const user = userEvent.setup();
    const fake = new FakeKiosk(
      signedIn(
        'official',
        status({
          provisioning: { step: 'unconfigured', election: null, kioskId: null, enrolmentIndex: null },
        }),
      ),
    );
    fake.on('loadElection', () => ({
      ok: false,
      error: {
        code: 'package',
        message: 'The election package was refused.',
        issues: [{ path: 'signatures', message: '1 valid signature, 2 required' }],
      },
    }));
    await renderApp(fake);
    await user.type(screen.getByTestId('package-path'), '/tmp/x');
    await user.click(screen.getByRole('button', { name: 'Load and verify' }));
    const note = screen.getByTestId('error-note');
    expect(note.textContent).toMatch(/1 valid signature, 2 required/);
  });

  it('offers the unconfigure override only when ballots wait, behind a reason and an acknowledgement', async () => {
    const user = userEvent.setup();
    const base = status({ ledger: { ...status().ledger, ballotsWaiting: 3 } });
    const fake = new FakeKiosk(signedIn('official', base));
    fake.on('unconfigure', (input) =>
      input.override
        ? { ok: true, value: { step: 'unconfigured', election: null, kioskId: null, enrolmentIndex: null } }
        : { ok: false, error: { code: 'unacknowledged-ballots', message: '3 ballots wait for the ledger.' } },
    );
    await renderApp(fake);
    await user.click(screen.getByTestId('nav-unconfigure'));
    const override = screen.getByTestId('override');
    const wipe = within(override).getByRole('button', { name: 'Wipe with override' });
    expect(wipe.getAttribute('aria-disabled')).toBe('true');
    await user.click(wipe);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    await user.type(within(override).getByRole('textbox'), 'Kiosk damaged by water');
    await user.click(within(override).getByRole('checkbox'));
    expect(wipe.getAttribute('aria-disabled')).toBeNull();
    await user.click(wipe);
    const dialogs = screen.getAllByRole('alertdialog');
    await user.click(
      within(dialogs.find((d) => d.textContent?.includes('destroyed'))!).getByRole('button', {
        name: 'Wipe with override',
      }),
    );
    expect(fake.callsOf('unconfigure')).toEqual([{ override: { reason: 'Kiosk damaged by water' } }]);
  });

  it('shows technician diagnostics in the shared device shape', async () => {
    const fake = new FakeKiosk(signedIn('technician'));
    fake.on('getDiagnostics', () => ({
      ok: true,
      value: {
        devices: [
          {
            kind: 'card-reader',
            id: 'reader-0',
            real: false,
            present: true,
            identity: { model: 'Emulated reader', firmware: undefined },
            selfTest: [{ name: 'slot-list', passed: true, detail: '1 slot', durationMs: 0.4 }],
            latency: { samples: 12, p50Ms: 1.25, p99Ms: 8, maxMs: 9 },
            errorCounts: { 'card-removed': 2, other: 0 },
            advice: ['Clean the contacts if reads fail.'],
            checkedAt: '2030-05-01T10:00:00Z',
          },
        ],
        ledger: status().ledger,
        eventLog: { records: 120, chainValid: true, firstBroken: null, message: 'ok' },
      },
    }));
    await renderApp(fake);
    const device = await screen.findByTestId('device-card-reader');
    expect(within(device).getByText('Card reader')).toBeTruthy();
    expect(within(device).getByText('All self-tests passed')).toBeTruthy();
    expect(within(device).getByTestId('latency').textContent).toMatch(/p50 1\.25 ms · p99 8\.00 ms/);
    expect(device.textContent).toMatch(/card-removed 2/);
    expect(device.textContent).not.toMatch(/other 0/);
    expect(screen.getByTestId('event-log-check').textContent).toMatch(/hash chain holds/);
  });
});
