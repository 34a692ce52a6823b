/** What a person does at the kiosk, as playwright steps on the page (data-testid hooks of renderer/). */
import type { Page } from 'playwright-core';

export async function openDock(page: Page): Promise<void> {
  if ((await page.getByTestId('dev-dock-toggle').getAttribute('aria-expanded')) !== 'true') {
    await page.getByTestId('dev-dock-toggle').click();
  }
}

export async function closeDock(page: Page): Promise<void> {
  if ((await page.getByTestId('dev-dock-toggle').getAttribute('aria-expanded')) === 'true') {
    await page.getByTestId('dev-dock-toggle').click();
  }
}

/** Inserts a demo card with the dock (the demo's stand-in for a hand at the reader). */
export async function insertCardWithDock(page: Page, label: string): Promise<void> {
  await openDock(page);
  await page.getByTestId(`dock-insert-${label}`).click();
  await page.getByText(`In the reader: ${label}.`).waitFor();
  await closeDock(page);
}

export async function removeCardWithDock(page: Page): Promise<void> {
  await openDock(page);
  await page.getByTestId('dock-remove-card').click();
  await page.getByText('No card in the reader.').waitFor();
  await closeDock(page);
}

/** Types a PIN on the on-screen keypad, then OK. */
export async function enterPinOnKeypad(page: Page, pin: string): Promise<void> {
  const pad = page.getByTestId('pin-pad');
  await pad.waitFor();
  for (const digit of pin) await pad.getByRole('button', { name: digit, exact: true }).click();
  await pad.getByRole('button', { name: 'OK', exact: true }).click();
}

/** Waits until the screen's heading (h1) is this text. */
export async function waitForScreen(page: Page, testId: string, timeout = 30_000): Promise<void> {
  await page.getByTestId(testId).waitFor({ timeout });
}

/** Marks the first option of every contest, page by page, then asks to review. */
export async function markFirstOptionsAndReview(page: Page): Promise<number> {
  let contests = 0;
  for (;;) {
    const progress = await page.getByTestId('ballot-progress').textContent();
    await page.locator('.option').first().click();
    contests++;
    if ((await page.getByTestId('next').count()) > 0) {
      await page.getByTestId('next').click();
      await page.waitForFunction(
        (before) => document.querySelector('[data-testid=ballot-progress]')?.textContent !== before,
        progress,
      );
    } else {
      await page.getByTestId('to-review').click();
      await page.getByTestId('review').waitFor();
      return contests;
    }
  }
}

/** Presses Tab until the focused element matches `selector` (a keyboard or switch user's way). */
export async function tabTo(page: Page, selector: string, maxPresses = 60): Promise<void> {
  for (let i = 0; i < maxPresses; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}
