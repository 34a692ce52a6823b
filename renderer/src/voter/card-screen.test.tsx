// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { CardFailureReason, CardView, PinErrorCode } from '../../../main/rpc/api';
import { createI18n } from '../i18n/i18n-context';
import { I18nProvider } from '../i18n/i18n-context';
import { uiLanguageFor, UI_LANGUAGES } from '../i18n/catalogue';
import { loadAllCatalogues } from '../i18n/messages';
import { RpcProvider } from '../rpc/rpc-context';
import { StatusStore } from '../rpc/status-store';
import { FakeKiosk, status, withCard } from '../test-support/fixtures';
import { renderApp } from '../test-support/render-app';
import { CardScreen } from './card-screen';

afterEach(() => {
  cleanup();
  document.documentElement.removeAttribute('dir');
  document.documentElement.removeAttribute('lang');
});

const CATALOGUES = await loadAllCatalogues();
const UNTIL = '2030-05-01T10:15:00.000Z';

// Typed over the whole unions: a new code in main/rpc/api.ts fails to compile until it is tested here.
const REASONS: Record<CardFailureReason, true> = {
  expired: true,
  'not-yet-valid': true,
  'not-trusted': true,
  'wrong-role': true,
  removed: true,
  unreadable: true,
  'pin-locked': true,
  'pin-expired': true,
  'locked-out': true,
  other: true,
};
const PIN_CODES: Record<Exclude<PinErrorCode, 'other'>, true> = {
  incorrect: true,
  length: true,
  'locked-out': true,
};

const failed = (reason: CardFailureReason): Extract<CardView, { status: 'failed' }> => ({
  status: 'failed',
  label: 'voter-1',
  reason,
  lockedUntil: reason === 'locked-out' ? UNTIL : null,
  message: `English detail for ${reason}`,
});

function renderCard(card: Exclude<CardView, { status: 'no-card' | 'authenticated' }>, language: string) {
  const fake = new FakeKiosk(status());
  return render(
    <RpcProvider client={fake} store={new StatusStore(fake)}>
      <I18nProvider language={language} electionLanguages={[]}>
        <CardScreen card={card} audience="voter" />
      </I18nProvider>
    </RpcProvider>,
  );
}

describe('a refused card, in the voter’s language', () => {
  for (const lang of UI_LANGUAGES) {
    it(`says why and what to do in ${lang.tag}, for every reason, keeping the English detail`, async () => {
      const i18n = createI18n(lang.tag, [], uiLanguageFor(lang.tag), CATALOGUES[lang.tag]);
      for (const reason of Object.keys(REASONS) as CardFailureReason[]) {
        renderCard(failed(reason), lang.tag);
        const notice = await screen.findByTestId('card-failed-reason');
        await waitFor(() => expect(notice.textContent).toContain(i18n.t(`card.failed.reason.${reason}`)));
        const action =
          reason === 'locked-out'
            ? i18n.t('card.failed.action.locked-out', { time: i18n.time(UNTIL) })
            : i18n.t(`card.failed.action.${reason}`);
        expect(notice.textContent).toContain(action);
        const detail = screen.getByText(`English detail for ${reason}`);
        expect(detail.getAttribute('lang')).toBe('en');
        cleanup();
      }
    });
  }

  it('a lock-out says until when; English text differs from the French one', async () => {
    renderCard(failed('locked-out'), 'fr');
    const notice = await screen.findByTestId('card-failed-reason');
    await waitFor(() => expect(notice.textContent).toMatch(/Trop de codes PIN erronés/));
    const en = createI18n('en', [], uiLanguageFor('en'), CATALOGUES['en']);
    expect(notice.textContent).not.toContain(en.t('card.failed.reason.locked-out'));
    const fr = createI18n('fr', [], uiLanguageFor('fr'), CATALOGUES['fr']);
    expect(notice.textContent).toContain(fr.time(UNTIL));
  });
});

describe('a refused PIN, in the voter’s language', () => {
  const prompt = (code: PinErrorCode) =>
    ({
      status: 'awaiting-pin',
      label: 'voter-1',
      role: 'voter',
      prompt: {
        kioskFailures: 1,
        lockedUntil: code === 'locked-out' ? UNTIL : null,
        cardCountLow: false,
        cardFinalTry: false,
        lastError: `English sentence for ${code}`,
        lastErrorCode: code,
      },
    }) as const;

  for (const lang of UI_LANGUAGES) {
    it(`says why in ${lang.tag} for every PIN code`, async () => {
      const i18n = createI18n(lang.tag, [], uiLanguageFor(lang.tag), CATALOGUES[lang.tag]);
      for (const code of Object.keys(PIN_CODES) as (keyof typeof PIN_CODES)[]) {
        renderCard(prompt(code), lang.tag);
        const note = await screen.findByTestId('pin-error');
        await waitFor(() => expect(note.textContent).toContain(i18n.t(`pin.error.${code}`)));
        expect(note.textContent).toContain(i18n.t('pin.refused'));
        expect(note.textContent).not.toContain('English sentence');
        cleanup();
      }
    });
  }

  it('shows the PIN pad again by itself once the kiosk lock-out has passed', async () => {
    const soon = new Date(Date.now() + 400).toISOString();
    renderCard(
      { ...prompt('locked-out'), prompt: { ...prompt('locked-out').prompt, lockedUntil: soon } },
      'en',
    );
    expect(screen.getByTestId('pin-locked')).toBeTruthy();
    expect(screen.queryByTestId('pin-pad')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('pin-pad')).toBeTruthy(), { timeout: 5000 });
    expect(screen.queryByTestId('pin-locked')).toBeNull();
  });

  it('an uncoded refusal shows the backend’s English sentence, marked as English', async () => {
    renderCard(prompt('other'), 'de');
    const note = await screen.findByTestId('pin-error');
    await waitFor(() => expect(note.textContent).toMatch(/Die PIN wurde nicht angenommen/));
    expect(within(note).getByText('English sentence for other').getAttribute('lang')).toBe('en');
  });
});

describe('in the whole page', () => {
  it('an expired voter card, switched to Arabic', async () => {
    const user = userEvent.setup();
    await renderApp(withCard(failed('expired')));
    expect(screen.getByTestId('card-failed-reason').textContent).toContain('This card has expired.');
    await user.click(screen.getByTestId('language-button'));
    await user.click(within(screen.getByTestId('language-dialog')).getByRole('button', { name: /العربية/ }));
    await waitFor(() => expect(document.documentElement.dir).toBe('rtl'));
    expect(screen.getByTestId('card-failed-reason').textContent).toContain('انتهت صلاحية هذه البطاقة.');
    expect(screen.getByText('English detail for expired').getAttribute('dir')).toBe('ltr');
  });
});
