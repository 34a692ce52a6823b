// @vitest-environment happy-dom
import { act, cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { KioskStatus, ReceiptView, Selections, VoterSessionView } from '../../../main/rpc/api';
import { BALLOT, FakeKiosk, status, withCard, withVoter } from '../test-support/fixtures';
import { renderApp } from '../test-support/render-app';

afterEach(cleanup);

const RECEIPT: ReceiptView = {
  trackingCode: 'ABCD-EFGH-2345-JKLM',
  qrPayload: 'http://127.0.0.1:9000/v1/lookup?code=ABCD-EFGH-2345-JKLM',
  qrSvgDataUrl: 'data:image/svg+xml;base64,',
  printed: { ok: true },
};

const session = (s: KioskStatus): VoterSessionView => s.session;

describe('voter flow', () => {
  it('welcomes in the election language with both ways to start and every language', async () => {
    await renderApp(status());
    expect(screen.getByRole('heading', { level: 1, name: 'Welcome' })).toBeTruthy();
    expect(screen.getByText(/insert your voter card/i)).toBeTruthy();
    expect(screen.getByText(/passport or identity card/i)).toBeTruthy();
    const languages = screen.getByRole('list', { name: 'Languages' });
    for (const name of ['English', 'Français', 'Español', 'Deutsch', 'العربية', 'Русский', '中文']) {
      expect(within(languages).getByRole('button', { name: new RegExp(name) })).toBeTruthy();
    }
  });

  it('asks a voter card for its PIN and sends it, with the warnings the card gives', async () => {
    const user = userEvent.setup();
    const fake = new FakeKiosk(
      withCard({
        status: 'awaiting-pin',
        label: 'voter-1',
        role: 'voter',
        prompt: {
          kioskFailures: 1,
          lockedUntil: null,
          cardCountLow: false,
          cardFinalTry: true,
          lastError: 'The PIN is wrong. Check it and try again.',
          lastErrorCode: 'incorrect',
        },
      }),
    );
    fake.on('enterCardPin', () => ({
      ok: true,
      value: { status: 'verifying', label: 'voter-1', role: 'voter' },
    }));
    await renderApp(fake);
    expect(screen.getByRole('heading', { level: 1, name: 'Enter your PIN' })).toBeTruthy();
    expect(screen.getByText(/Last try/)).toBeTruthy();
    expect(screen.getByText('1 wrong PIN on this kiosk')).toBeTruthy();
    for (const digit of ['1', '2', '3', '4']) await user.click(screen.getByRole('button', { name: digit }));
    expect(screen.getByText('4 digits entered')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'OK' }));
    expect(fake.callsOf('enterCardPin')).toEqual([{ pin: '1234' }]);
  });

  it('shows an ineligible voter why, in their language, and what to do', async () => {
    const fake = new FakeKiosk(
      withVoter({
        phase: 'ineligible',
        reason: 'already-checked-in',
        message: 'The ledger already holds a check-in.',
      }),
    );
    fake.on('finishVoterSession', () => ({ ok: true, value: session(status()) }));
    const user = userEvent.setup();
    await renderApp(fake);
    expect(screen.getByRole('heading', { level: 1, name: 'You cannot vote at this kiosk' })).toBeTruthy();
    expect(screen.getByText(/already voted in this election/)).toBeTruthy();
    expect(screen.getByText(/ask a poll worker now/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(fake.callsOf('finishVoterSession')).toHaveLength(1);
  });

  it('fails closed when the ledger is unreachable and offers a retry', async () => {
    const fake = new FakeKiosk(
      withVoter({ phase: 'check-in-failed', message: 'ledger: connection refused' }),
    );
    fake.on('retryCheckIn', () => ({ ok: true, value: session(withVoter({ phase: 'checking-in' })) }));
    const user = userEvent.setup();
    await renderApp(fake);
    expect(screen.getByText('The election ledger cannot be reached')).toBeTruthy();
    expect(screen.getByText('Please ask a poll worker')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(fake.callsOf('retryCheckIn')).toHaveLength(1);
  });

  it('enforces maxChoices with a counter, allows blank, reviews, and says cast only when the backend does', async () => {
    const user = userEvent.setup();
    const ballot = withVoter({ phase: 'ballot', ballot: BALLOT, selections: {} });
    const fake = new FakeKiosk(ballot);
    let reviewed: Selections | null = null;
    fake.on('reviewBallot', (input) => {
      reviewed = input.selections;
      return { ok: true, value: session(ballot) };
    });
    fake.on('castBallot', () => ({ ok: true, value: session(withVoter({ phase: 'casting' })) }));
    const app = await renderApp(fake);

    // Contest 1 of 2: single choice; choosing another option moves the mark.
    expect(screen.getByTestId('ballot-progress').textContent).toBe('Contest 1 of 2');
    expect(screen.getByText('Choose 1 option.')).toBeTruthy();
    await user.click(screen.getByRole('checkbox', { name: /Yes/ }));
    await user.click(screen.getByRole('checkbox', { name: /No/ }));
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: /No/ }).checked).toBe(true);
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: /Yes/ }).checked).toBe(false);
    // …and unchecking it leaves the contest blank.
    await user.click(screen.getByRole('checkbox', { name: /No/ }));
    expect(screen.getByTestId('contest-counter').textContent).toBe('You have chosen 0 of 1.');
    await user.click(screen.getByRole('button', { name: /Next/ }));

    // Contest 2 of 2: two seats; a third choice is refused with a reason.
    expect(screen.getByText('Choose up to 2 options.')).toBeTruthy();
    await user.click(screen.getByRole('checkbox', { name: /Avery Stone/ }));
    await user.click(screen.getByRole('checkbox', { name: /Casey Moreau/ }));
    expect(screen.getByTestId('contest-counter').textContent).toBe('You have chosen 2 of 2.');
    await user.click(screen.getByRole('checkbox', { name: /Blake Rivera/ }));
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: /Blake Rivera/ }).checked).toBe(false);
    expect(screen.getByTestId('max-reached').textContent).toMatch(/already chosen 2 options/);
    expect(screen.getByRole('checkbox', { name: /Blake Rivera/ }).getAttribute('aria-disabled')).toBe('true');

    await user.click(screen.getByRole('button', { name: 'Review my choices' }));
    expect(reviewed).toEqual({ charter: [], council: ['c1', 'c3'] });

    await app.advance(withVoter({ phase: 'review', ballot: BALLOT, selections: reviewed!, revision: 5 }));
    expect(screen.getByRole('heading', { level: 1, name: 'Review your ballot' })).toBeTruthy();
    expect(within(screen.getByTestId('review-charter')).getByText('Blank: no choice')).toBeTruthy();
    expect(within(screen.getByTestId('review-council')).getByText('Avery Stone')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Cast my ballot' }));
    expect(fake.callsOf('castBallot')).toEqual([{ revision: 5 }]);
    await app.advance(withVoter({ phase: 'casting' }));
    expect(screen.getByRole('heading', { level: 1, name: 'Casting your ballot…' })).toBeTruthy();
    expect(screen.queryByText('Your ballot is cast')).toBeNull();

    await app.advance(withVoter({ phase: 'cast', receipt: RECEIPT }));
    expect(screen.getByRole('heading', { level: 1, name: /Your ballot is cast/ })).toBeTruthy();
    expect(screen.getByTestId('tracking-code').getAttribute('data-code')).toBe('ABCD-EFGH-2345-JKLM');
    expect(screen.getByText('A B C D, E F G H, 2 3 4 5, J K L M')).toBeTruthy();
    const qr = screen.getByRole('img', { name: 'QR code to look up your ballot' });
    expect(qr.getAttribute('data-payload')).toBe(RECEIPT.qrPayload);
    expect(qr.querySelector('path')?.getAttribute('d')).toMatch(/^M\d/);
    expect(screen.getByText('Your receipt has been printed.')).toBeTruthy();
  });

  it('returns to a contest from review to change it', async () => {
    const user = userEvent.setup();
    const review = withVoter({
      phase: 'review',
      ballot: BALLOT,
      selections: { charter: ['yes'], council: [] },
      revision: 2,
    });
    const fake = new FakeKiosk(review);
    fake.on('editBallot', () => ({ ok: true, value: session(review) }));
    const app = await renderApp(fake);
    await user.click(screen.getByRole('button', { name: /Change\s*: Council/ }));
    expect(fake.callsOf('editBallot')).toHaveLength(1);
    await app.advance(
      withVoter({ phase: 'ballot', ballot: BALLOT, selections: { charter: ['yes'], council: [] } }),
    );
    expect(screen.getByTestId('ballot-progress').textContent).toBe('Contest 2 of 2');
  });

  it('says the ballot was not cast when the backend refuses, and keeps the choices', async () => {
    const user = userEvent.setup();
    const fake = new FakeKiosk(
      withVoter({ phase: 'review', ballot: BALLOT, selections: { charter: ['no'] }, revision: 1 }),
    );
    fake.on('castBallot', () => ({
      ok: false,
      error: { code: 'wrong-state', message: 'The review is stale.' },
    }));
    await renderApp(fake);
    await user.click(screen.getByRole('button', { name: 'Cast my ballot' }));
    expect(screen.getByTestId('not-cast').textContent).toMatch(/was not cast/);
    expect(screen.getByRole('heading', { level: 1, name: 'Review your ballot' })).toBeTruthy();
  });

  it('warns before the inactivity timeout with a countdown, and "more time" keeps the session', async () => {
    const user = userEvent.setup();
    const base = status();
    const expires = new Date(Date.parse(base.now) + 20_000).toISOString();
    const fake = new FakeKiosk(withVoter({ phase: 'ballot', ballot: BALLOT, selections: {} }, expires, base));
    fake.on('keepAlive', () => ({ ok: true, value: session(fake.current) }));
    await renderApp(fake);
    const dialog = screen.getByTestId('timeout-dialog');
    expect(within(dialog).getByText('Are you still there?')).toBeTruthy();
    expect(within(dialog).getByTestId('timeout-count').textContent).toMatch(
      /Your session will end in (19|20) seconds\./,
    );
    expect(within(dialog).getByText('Your ballot has not been cast yet.')).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'I need more time' }));
    expect(fake.callsOf('keepAlive').length).toBeGreaterThanOrEqual(1);
  });

  it('does not warn on a screen that just returns to the start when its time is up', async () => {
    const base = status();
    const expires = new Date(Date.parse(base.now) + 10_000).toISOString();
    await renderApp(withVoter({ phase: 'ended', reason: 'cancelled', message: 'Cancelled.' }, expires, base));
    expect(screen.getByRole('heading', { level: 1, name: 'You left without voting' })).toBeTruthy();
    expect(screen.queryByText('Are you still there?')).toBeNull();
  });

  it('on the receipt, says the screen will return to the start, not that the ballot is not cast', async () => {
    const base = status();
    const expires = new Date(Date.parse(base.now) + 15_000).toISOString();
    await renderApp(withVoter({ phase: 'cast', receipt: RECEIPT }, expires, base));
    const dialog = screen.getByTestId('timeout-dialog');
    expect(within(dialog).getByTestId('timeout-count').textContent).toMatch(
      /return to the start in 1[45] seconds/,
    );
    expect(within(dialog).queryByText('Your ballot has not been cast yet.')).toBeNull();
  });

  it('asks before leaving without voting, and says the voter cannot come back', async () => {
    const user = userEvent.setup();
    const fake = new FakeKiosk(withVoter({ phase: 'ballot', ballot: BALLOT, selections: {} }));
    fake.on('cancelVoterSession', () => ({ ok: true, value: session(status()) }));
    await renderApp(fake);
    await user.click(screen.getByRole('button', { name: 'Leave without voting' }));
    const dialog = screen.getByTestId('leave-dialog');
    expect(within(dialog).getByText(/cannot vote again/)).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Keep voting' }));
    expect(fake.callsOf('cancelVoterSession')).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Leave without voting' }));
    await user.click(
      within(screen.getByTestId('leave-dialog')).getByRole('button', { name: 'Leave without voting' }),
    );
    expect(fake.callsOf('cancelVoterSession')).toHaveLength(1);
  });

  it('works from the keyboard alone: Tab to an option, Space to mark it, Enter to go on', async () => {
    const user = userEvent.setup();
    const fake = new FakeKiosk(withVoter({ phase: 'ballot', ballot: BALLOT, selections: {} }));
    await renderApp(fake);
    // Focus starts on the screen heading; Tab moves through the options in order.
    expect(document.activeElement?.id).toBe('screen-title');
    let guard = 0;
    while ((document.activeElement as HTMLInputElement | null)?.dataset['option'] !== 'yes' && guard++ < 30)
      await user.tab();
    await user.keyboard(' ');
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: /Yes/ }).checked).toBe(true);
    guard = 0;
    while (document.activeElement?.getAttribute('data-testid') !== 'next' && guard++ < 30) await user.tab();
    await user.keyboard('{Enter}');
    await act(async () => Promise.resolve());
    expect(screen.getByTestId('ballot-progress').textContent).toBe('Contest 2 of 2');
  });
});
