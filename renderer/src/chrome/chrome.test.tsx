// @vitest-environment happy-dom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { BALLOT, status, withVoter } from '../test-support/fixtures';
import { renderApp } from '../test-support/render-app';

afterEach(() => {
  cleanup();
  document.documentElement.removeAttribute('dir');
  document.documentElement.removeAttribute('lang');
});

describe('language, direction and display settings', () => {
  it('switches to Arabic: lang=ar, dir=rtl, chrome in Arabic, election text marked with its own language', async () => {
    const user = userEvent.setup();
    await renderApp(withVoter({ phase: 'ballot', ballot: BALLOT, selections: {} }));
    expect(document.documentElement.lang).toBe('en');
    expect(document.documentElement.dir).toBe('ltr');
    await user.click(screen.getByTestId('language-button'));
    const dialog = screen.getByTestId('language-dialog');
    await user.click(within(dialog).getByRole('button', { name: /العربية/ }));
    // The Arabic catalogue is its own chunk: the page switches when it has arrived, all at once.
    await waitFor(() => expect(document.documentElement.lang).toBe('ar'));
    expect(document.documentElement.dir).toBe('rtl');
    expect(screen.getByRole('heading', { level: 1, name: 'ورقة اقتراعك' })).toBeTruthy();
    // The package has no Arabic: the question falls back to English, says so, and is marked lang="en".
    expect(screen.getByTestId('fallback-language').textContent).toMatch(/English/);
    const question = screen.getByText('Do you approve the charter?');
    expect(question.getAttribute('lang')).toBe('en');
    expect(question.getAttribute('dir')).toBe('ltr');
  });

  it('shows the package’s own strings in a language it has', async () => {
    const user = userEvent.setup();
    await renderApp(withVoter({ phase: 'ballot', ballot: BALLOT, selections: {} }));
    await user.click(screen.getByTestId('language-button'));
    await user.click(within(screen.getByTestId('language-dialog')).getByRole('button', { name: /Français/ }));
    expect((await screen.findByText('Votre bulletin')).tagName).toBe('H1');
    expect(screen.getByText('Approuvez-vous la charte ?').getAttribute('lang')).toBeNull();
    expect(screen.queryByTestId('fallback-language')).toBeNull();
  });

  it('toggles high contrast and text size through attributes on <html>, marked as pressed', async () => {
    const user = userEvent.setup();
    await renderApp(status());
    const contrast = screen.getByTestId('contrast-toggle');
    expect(contrast.getAttribute('aria-pressed')).toBe('false');
    await user.click(contrast);
    expect(document.documentElement.dataset['contrast']).toBe('high');
    expect(contrast.getAttribute('aria-pressed')).toBe('true');
    await user.click(screen.getByTestId('text-size-toggle'));
    expect(document.documentElement.dataset['textSize']).toBe('1');
    await user.click(screen.getByTestId('text-size-toggle'));
    expect(document.documentElement.dataset['textSize']).toBe('2');
    await user.click(screen.getByTestId('text-size-toggle'));
    expect(document.documentElement.dataset['textSize']).toBe('0');
  });

  it('forgets the voter’s language and display choices when their session ends', async () => {
    const user = userEvent.setup();
    const app = await renderApp(withVoter({ phase: 'ballot', ballot: BALLOT, selections: {} }));
    await user.click(screen.getByTestId('contrast-toggle'));
    await user.click(screen.getByTestId('language-button'));
    await user.click(within(screen.getByTestId('language-dialog')).getByRole('button', { name: /Deutsch/ }));
    await waitFor(() => expect(document.documentElement.lang).toBe('de'));
    await app.advance(status());
    expect(document.documentElement.lang).toBe('en');
    expect(document.documentElement.dataset['contrast']).toBe('standard');
    expect(screen.getByRole('heading', { level: 1, name: 'Welcome' })).toBeTruthy();
  });

  it('puts the election’s first language first by default', async () => {
    const base = status();
    const election = base.provisioning.election!;
    await renderApp(
      status({ provisioning: { ...base.provisioning, election: { ...election, languages: ['es', 'en'] } } }),
    );
    expect(await screen.findByRole('heading', { level: 1, name: 'Bienvenido' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('es');
  });

  it('tells voters to ask a poll worker when the backend stops answering', async () => {
    const app = await renderApp(status());
    app.fake.failing = { code: 'offline', message: 'down' };
    await app.advance(status());
    expect(screen.getByTestId('connection-lost').textContent).toMatch(/lost contact/);
  });
});
